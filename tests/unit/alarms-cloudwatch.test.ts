// The AWS mapping of the catalog: each alarm's CloudWatch metric, period and number of periods
// (so the duration matches the catalog), metric math for percentages, one alarm per RDS instance
// and per Redis node group, actions to the topic of its severity, and Backup failures through
// EventBridge. Bound specs are what a component hands to aws.cloudwatch.MetricAlarm.
import {
  CloudWatchAlarmSpec,
  cloudWatchAlarmSpecs,
  eventRuleSpecs,
  planAlarms,
} from "../../components/alarms/cloudwatch-specs";
import { ALARM_CATALOG, mergeAlarms } from "../../components/catalog/alarms";
import { PROD_APP_ALARMS } from "../support/operations";

const prodAlarms = mergeAlarms(ALARM_CATALOG, {}, PROD_APP_ALARMS);
const specs = cloudWatchAlarmSpecs(prodAlarms);

function spec(alarm: string, target: string): CloudWatchAlarmSpec {
  const found = specs.find((s) => s.alarm === alarm && s.target === target);
  if (!found) throw new Error(`no spec for ${alarm} on ${target}`);
  return found;
}

const STACK_PLACEHOLDERS = {
  autoScalingGroupName: "webstack-prod-app",
  loadBalancer: "app/webstack-prod/0123456789abcdef",
  targetGroup: "targetgroup/webstack-prod-nginx/fedcba9876543210",
  certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
  healthCheckId: "11111111-2222-3333-4444-555555555555",
  backupVaultName: "webstack-prod",
};

/** The prod topology of docs/requirements.md §1: primary + replica, Redis 3 shards × 1 replica. */
function bindAll() {
  return planAlarms(specs, {
    stack: "prod",
    placeholders: STACK_PLACEHOLDERS,
    rdsInstances: [
      { resource: "primary", role: "primary", identifier: "webstack-prod-mysql-primary" },
      { resource: "replica-0", role: "replica", identifier: "webstack-prod-mysql-replica-0" },
    ],
    constants: { allocatedStorageBytes: 500 * 1024 ** 3, maxConnections: 1000 },
    redisNodeGroups: ["0001", "0002", "0003"].map((id) => ({
      id,
      name: `webstack-prod-redis-${id}`,
      members: [`webstack-prod-redis-${id}-001`, `webstack-prod-redis-${id}-002`],
    })),
  }).map((p) => p.bound);
}

describe("CloudWatch specs from the catalog", () => {
  test("every catalog and app alarm is watched on AWS (BackupFailed through EventBridge)", () => {
    const watched = new Set([
      ...specs.map((s) => s.alarm),
      ...eventRuleSpecs(prodAlarms).map((r) => r.alarm),
    ]);
    expect([...watched].sort()).toEqual(prodAlarms.map((a) => a.name).sort());
  });

  // alarm, target, operator, threshold, period, periods: the duration is period × periods.
  test.each([
    ["HostCpuHigh", "app-hosts", "GreaterThanThreshold", 80, 60, 5],
    ["HostCpuHigh", "rds", "GreaterThanThreshold", 80, 60, 5],
    ["HostCpuHigh", "redis", "GreaterThanThreshold", 80, 60, 5],
    ["HostMemoryHigh", "app-hosts", "GreaterThanThreshold", 85, 60, 5],
    ["DiskSpaceCritical", "app-hosts", "GreaterThanThreshold", 90, 60, 1],
    ["DiskSpaceCritical", "rds", "GreaterThanThreshold", 90, 60, 1],
    ["ServiceDown", "load-balancer", "LessThanThreshold", 100, 60, 1],
    ["LatencyP95High", "load-balancer", "GreaterThanThreshold", 1000, 60, 5],
    ["BackendSlow", "load-balancer", "GreaterThanThreshold", 2, 60, 5],
    ["ErrorRateHigh", "load-balancer", "GreaterThanThreshold", 5, 60, 2],
    ["AvailabilityLow", "health-check", "LessThanThreshold", 99, 60, 1],
    ["DbConnectionsHigh", "rds", "GreaterThanThreshold", 80, 60, 5],
    ["ReplicaLagWarning", "rds", "GreaterThanThreshold", 30, 60, 5],
    ["ReplicaLagCritical", "rds", "GreaterThanThreshold", 300, 60, 5],
    ["RedisMemoryHigh", "redis", "GreaterThanThreshold", 85, 60, 5],
    ["CertificateExpiringWarning", "certificate", "LessThanThreshold", 30, 86400, 1],
    ["CertificateExpiringCritical", "certificate", "LessThanThreshold", 7, 86400, 1],
    // "Older than 26 h" = no completed job in each of the last 26 hours.
    ["BackupStale", "backup-vault", "LessThanThreshold", 1, 3600, 26],
    ["PdfGenerationFailing", "app", "LessThanThreshold", 95, 60, 5],
    ["PdfGenerationSlow", "app", "GreaterThanThreshold", 120, 60, 10],
    ["PdfQueueBacklog", "app", "GreaterThanThreshold", 50, 60, 5],
  ])("%s on %s: %s %d over %d s × %d", (alarm, target, operator, threshold, period, periods) => {
    expect(spec(alarm, target)).toMatchObject({
      comparisonOperator: operator,
      threshold,
      periodSeconds: period,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
    });
  });

  test("actions go to the topic of the alarm's severity", () => {
    for (const b of bindAll()) {
      expect(b.topic).toBe(prodAlarms.find((a) => b.name.includes(`-${a.name}-`))?.severity);
    }
  });

  test("a tightened duration changes the number of periods", () => {
    const tightened = cloudWatchAlarmSpecs(
      mergeAlarms(ALARM_CATALOG, { HostCpuHigh: { forSeconds: 180, threshold: 70 } }),
    );
    expect(tightened.find((s) => s.alarm === "HostCpuHigh")).toMatchObject({
      threshold: 70,
      evaluationPeriods: 3,
    });
  });

  test("AWS Backup job failures reach the critical topic through EventBridge", () => {
    expect(eventRuleSpecs(prodAlarms)).toEqual([
      expect.objectContaining({
        alarm: "BackupFailed",
        topic: "critical",
        eventPattern: {
          source: ["aws.backup"],
          "detail-type": ["Backup Job State Change", "Copy Job State Change"],
          detail: { state: ["FAILED", "ABORTED", "EXPIRED"] },
        },
      }),
      expect.objectContaining({
        alarm: "BackupFailed",
        topic: "critical",
        eventPattern: {
          source: ["aws.backup"],
          "detail-type": ["Restore Job State Change"],
          detail: { status: ["FAILED", "ABORTED"] },
        },
      }),
    ]);
  });
});

describe("binding specs to the prod stack's resources", () => {
  const bound = bindAll();

  test("each RDS instance and each Redis node group gets its own alarms", () => {
    const names = bound.map((b) => b.name);
    for (const alarm of ["HostCpuHigh", "DiskSpaceCritical", "DbConnectionsHigh"]) {
      expect(names).toContain(`webstack-prod-${alarm}-rds-primary`);
      expect(names).toContain(`webstack-prod-${alarm}-rds-replica-0`);
    }
    expect(names).toContain("webstack-prod-ReplicaLagCritical-rds-replica-0");
    expect(names).not.toContain("webstack-prod-ReplicaLagCritical-rds-primary");
    for (const group of ["0001", "0002", "0003"]) {
      expect(names).toContain(`webstack-prod-RedisMemoryHigh-redis-${group}`);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  test("host CPU watches the hottest app host of the auto-scaling group", () => {
    expect(bound.find((b) => b.name === "webstack-prod-HostCpuHigh-app-hosts")).toMatchObject({
      namespace: "AWS/EC2",
      metricName: "CPUUtilization",
      statistic: "Maximum",
      period: 60,
      dimensions: { AutoScalingGroupName: "webstack-prod-app" },
      evaluationPeriods: 5,
      threshold: 80,
    });
  });

  test("RDS disk is free storage against allocated storage, in percent", () => {
    const disk = bound.find((b) => b.name === "webstack-prod-DiskSpaceCritical-rds-primary");
    expect(disk?.metricQueries).toEqual([
      {
        id: "free",
        returnData: false,
        metric: {
          namespace: "AWS/RDS",
          metricName: "FreeStorageSpace",
          stat: "Minimum",
          period: 60,
          dimensions: { DBInstanceIdentifier: "webstack-prod-mysql-primary" },
        },
      },
      {
        id: "value",
        expression: `100 - 100 * free / ${500 * 1024 ** 3}`,
        label: "DiskSpaceCritical",
        returnData: true,
      },
    ]);
  });

  test("Redis memory is the fullest node of the group, on the native percentage metric", () => {
    const memory = bound.find((b) => b.name === "webstack-prod-RedisMemoryHigh-redis-0002");
    expect(memory?.metricQueries?.map((q) => q.metric?.dimensions ?? q.expression)).toEqual([
      { CacheClusterId: "webstack-prod-redis-0002-001" },
      { CacheClusterId: "webstack-prod-redis-0002-002" },
      "MAX([node0, node1])",
    ]);
    expect(memory?.metricQueries?.[0].metric?.metricName).toBe("DatabaseMemoryUsagePercentage");
  });

  test("the 5xx share counts load-balancer and target errors over all requests", () => {
    const errors = bound.find((b) => b.name === "webstack-prod-ErrorRateHigh-load-balancer");
    expect(errors?.metricQueries?.at(-1)?.expression).toBe(
      "100 * (FILL(target5xx, 0) + FILL(lb5xx, 0)) / requests",
    );
    expect(errors?.treatMissingData).toBe("notBreaching");
  });

  test("certificates alarm on ACM DaysToExpiry; availability on Route 53 in us-east-1", () => {
    expect(
      bound.find((b) => b.name === "webstack-prod-CertificateExpiringCritical-certificate"),
    ).toMatchObject({
      namespace: "AWS/CertificateManager",
      metricName: "DaysToExpiry",
      statistic: "Minimum",
      period: 86400,
      threshold: 7,
      dimensions: { CertificateArn: STACK_PLACEHOLDERS.certificateArn },
    });
    expect(
      bound.find((b) => b.name === "webstack-prod-AvailabilityLow-health-check"),
    ).toMatchObject({
      region: "us-east-1",
      metricName: "HealthCheckPercentageHealthy",
      treatMissingData: "breaching",
    });
  });

  test("app alarms bind their declared CloudWatch metrics", () => {
    const failing = bound.find((b) => b.name === "webstack-prod-PdfGenerationFailing-app");
    expect(failing?.metricQueries?.at(-1)).toMatchObject({
      expression: "100 * ok / total",
      returnData: true,
    });
    expect(failing?.topic).toBe("critical");
  });
});
