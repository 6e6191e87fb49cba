// Maps the merged alarm catalog onto CloudWatch for the AWS target, as plain data: which
// namespace, metric, statistic and dimensions (as placeholders a component fills in), the period
// and how many periods make up the alarm's duration, metric math where the catalog speaks in
// percentages, and whether the alarm exists once per stack, per RDS instance, per RDS replica or
// per Redis node group. `planAlarms` expands the specs over the stack's resources and binds each
// to real identifiers (strings in tests, Pulumi outputs in the component): the arguments of one
// `aws.cloudwatch.MetricAlarm`, whose actions go to the SNS topic of the alarm's severity.
import {
  AlarmRule,
  alarmSummary,
  AppCloudWatchMetric,
  MetricKind,
  Severity,
  WATCHED_PER_RESOURCE,
} from "../catalog/alarms";

/** How many alarms one spec becomes. */
export type AlarmScope = "perStack" | "perRdsInstance" | "perRdsReplica" | "perRedisNodeGroup";

/** Identifiers a component supplies when it binds a spec to its resources. */
export type Placeholder =
  | "autoScalingGroupName"
  | "loadBalancer"
  | "targetGroup"
  | "certificateArn"
  | "healthCheckId"
  | "backupVaultName"
  | "dbInstanceIdentifier"
  | "cacheClusterId";

/** Numbers a metric math expression needs that CloudWatch does not publish as metrics. */
type Constant = "allocatedStorageBytes" | "maxConnections";

type DimensionValue = { readonly placeholder: Placeholder } | { readonly value: string };

interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  /** Average, Minimum, Maximum, Sum, or a percentile such as p95. */
  readonly stat: string;
  readonly dimensions: Readonly<Record<string, DimensionValue>>;
}

/** How one metric kind is watched on one part of the stack. */
interface Mapping {
  /** Which part of the stack, e.g. `app-hosts`, `rds`, `redis`, `load-balancer`. */
  readonly target: string;
  /** @default 60 */
  readonly periodSeconds?: number;
  /** @default "missing" */
  readonly treatMissingData?: "missing" | "breaching" | "notBreaching";
  /** Set when the metric only exists in one region (Route 53 health checks: us-east-1). */
  readonly region?: string;
  /** A single metric … */
  readonly metric?: MetricRef;
  /** … or metric math over `metrics` (ids used in `expression`; `{constant}`s filled at bind). */
  readonly math?: { readonly expression: string; readonly metrics: Record<string, MetricRef> };
  /** Per Redis node group: this metric per member node, combined as MAX over the members. */
  readonly perMember?: MetricRef;
}

export interface CloudWatchAlarmSpec extends Mapping {
  /** Catalog alarm name. */
  readonly alarm: string;
  readonly scope: AlarmScope;
  readonly severity: Severity;
  readonly description: string;
  readonly comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: NonNullable<Mapping["treatMissingData"]>;
}

/** AWS Backup job failures reach their topic through EventBridge rather than a metric. */
export interface EventRuleSpec {
  readonly alarm: string;
  readonly target: string;
  readonly topic: Severity;
  readonly description: string;
  readonly eventPattern: Readonly<Record<string, unknown>>;
}

const dim = (placeholder: Placeholder): DimensionValue => ({ placeholder });
const ASG = { AutoScalingGroupName: dim("autoScalingGroupName") };
const ALB = { LoadBalancer: dim("loadBalancer") };
const TARGET_GROUP = { TargetGroup: dim("targetGroup"), LoadBalancer: dim("loadBalancer") };
const RDS = { DBInstanceIdentifier: dim("dbInstanceIdentifier") };
const CACHE_NODE = { CacheClusterId: dim("cacheClusterId") };

const ref = (
  namespace: string,
  metricName: string,
  stat: string,
  dimensions: MetricRef["dimensions"],
): MetricRef => ({ namespace, metricName, stat, dimensions });

/**
 * Native metrics where they exist in the catalog's unit (EC2 and RDS CPU, ElastiCache
 * DatabaseMemoryUsagePercentage, ACM DaysToExpiry, Route 53 HealthCheckPercentageHealthy);
 * metric math where the catalog speaks in percentages CloudWatch does not publish. Host memory
 * and disk come from the CloudWatch agent on the app hosts (namespace CWAgent, aggregated by
 * AutoScalingGroupName). `treatMissingData` is `breaching` where silence is the failure (a target
 * group whose hosts are all gone publishes no host counts, no probe results, a vault publishes
 * nothing when no job completes), `notBreaching` for request-driven ALB metrics (no traffic is not
 * slowness or errors), and `missing` elsewhere, so a metric that pauses keeps the alarm's state.
 */
const MAPPINGS: Readonly<Record<Exclude<MetricKind, "backupLastStatus">, readonly Mapping[]>> = {
  hostCpuPercent: [
    // Maximum over the group's instances: the hottest host, like Prometheus' per-instance rule.
    { target: "app-hosts", metric: ref("AWS/EC2", "CPUUtilization", "Maximum", ASG) },
    { target: "rds", metric: ref("AWS/RDS", "CPUUtilization", "Average", RDS) },
    {
      target: "redis",
      perMember: ref("AWS/ElastiCache", "EngineCPUUtilization", "Average", CACHE_NODE),
    },
  ],
  hostMemoryPercent: [
    { target: "app-hosts", metric: ref("CWAgent", "mem_used_percent", "Maximum", ASG) },
  ],
  diskUsedPercent: [
    { target: "app-hosts", metric: ref("CWAgent", "disk_used_percent", "Maximum", ASG) },
    {
      target: "rds",
      math: {
        expression: "100 - 100 * free / {allocatedStorageBytes}",
        metrics: { free: ref("AWS/RDS", "FreeStorageSpace", "Minimum", RDS) },
      },
    },
  ],
  serviceHealthyPercent: [
    {
      target: "load-balancer",
      treatMissingData: "breaching",
      math: {
        expression: "100 * healthy / (healthy + unhealthy)",
        metrics: {
          healthy: ref("AWS/ApplicationELB", "HealthyHostCount", "Minimum", TARGET_GROUP),
          unhealthy: ref("AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", TARGET_GROUP),
        },
      },
    },
  ],
  latencyP95Milliseconds: [
    {
      target: "load-balancer",
      treatMissingData: "notBreaching",
      math: {
        expression: "1000 * p95",
        metrics: { p95: ref("AWS/ApplicationELB", "TargetResponseTime", "p95", ALB) },
      },
    },
  ],
  // The ALB sees Nginx as one target, so on AWS this is the average over all app requests.
  backendAverageSeconds: [
    {
      target: "load-balancer",
      treatMissingData: "notBreaching",
      metric: ref("AWS/ApplicationELB", "TargetResponseTime", "Average", ALB),
    },
  ],
  errorRatePercent: [
    {
      target: "load-balancer",
      treatMissingData: "notBreaching",
      math: {
        // 5xx counts are absent, not zero, in minutes without errors.
        expression: "100 * (FILL(target5xx, 0) + FILL(lb5xx, 0)) / requests",
        metrics: {
          requests: ref("AWS/ApplicationELB", "RequestCount", "Sum", ALB),
          target5xx: ref("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", ALB),
          lb5xx: ref("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", ALB),
        },
      },
    },
  ],
  availabilityPercent: [
    {
      target: "health-check",
      region: "us-east-1",
      treatMissingData: "breaching",
      metric: ref("AWS/Route53", "HealthCheckPercentageHealthy", "Average", {
        HealthCheckId: dim("healthCheckId"),
      }),
    },
  ],
  dbConnectionsPercent: [
    {
      target: "rds",
      math: {
        expression: "100 * connections / {maxConnections}",
        metrics: { connections: ref("AWS/RDS", "DatabaseConnections", "Maximum", RDS) },
      },
    },
  ],
  replicaLagSeconds: [{ target: "rds", metric: ref("AWS/RDS", "ReplicaLag", "Maximum", RDS) }],
  redisMemoryPercent: [
    {
      target: "redis",
      perMember: ref("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Maximum", CACHE_NODE),
    },
  ],
  // ACM publishes once a day, so a day is the period.
  certificateDaysLeft: [
    {
      target: "certificate",
      periodSeconds: 86_400,
      metric: ref("AWS/CertificateManager", "DaysToExpiry", "Minimum", {
        CertificateArn: dim("certificateArn"),
      }),
    },
  ],
  backupAgeHours: [
    {
      target: "backup-vault",
      periodSeconds: 3600,
      treatMissingData: "breaching",
      metric: ref("AWS/Backup", "NumberOfBackupJobsCompleted", "Sum", {
        BackupVaultName: dim("backupVaultName"),
      }),
    },
  ],
};

/** Per-resource alarms are those the catalog says are watched per database or cache. */
function scopeOf(metric: MetricKind | "app", target: string): AlarmScope {
  const per = (list: readonly string[]) => list.includes(metric);
  if (target === "rds" && per(WATCHED_PER_RESOURCE.rdsReplica)) return "perRdsReplica";
  if (target === "rds" && per(WATCHED_PER_RESOURCE.rdsInstance)) return "perRdsInstance";
  if (target === "redis" && per(WATCHED_PER_RESOURCE.redisNodeGroup)) return "perRedisNodeGroup";
  return "perStack";
}

const describe = (alarm: AlarmRule) => `${alarmSummary(alarm)}. Runbook: ${alarm.runbook}`;

function specFrom(alarm: AlarmRule, mapping: Mapping): CloudWatchAlarmSpec {
  const periodSeconds = mapping.periodSeconds ?? 60;
  // "Older than N hours" is "no job completed in each of the last N hourly periods".
  const stale = alarm.metric === "backupAgeHours";
  const evaluationPeriods = stale
    ? Math.ceil(alarm.threshold)
    : Math.max(1, Math.ceil(alarm.forSeconds / periodSeconds));
  return {
    ...mapping,
    alarm: alarm.name,
    scope: scopeOf(alarm.metric, mapping.target),
    severity: alarm.severity,
    description: describe(alarm),
    comparisonOperator:
      alarm.comparison === "below" || stale ? "LessThanThreshold" : "GreaterThanThreshold",
    threshold: stale ? 1 : alarm.threshold,
    periodSeconds,
    evaluationPeriods,
    datapointsToAlarm: evaluationPeriods,
    treatMissingData: mapping.treatMissingData ?? "missing",
  };
}

function literal(metric: AppCloudWatchMetric): MetricRef {
  const dimensions = Object.entries(metric.dimensions ?? {}).map(([name, value]) => [
    name,
    { value },
  ]);
  return ref(metric.namespace, metric.metricName, metric.stat, Object.fromEntries(dimensions));
}

function appMapping(alarm: AlarmRule): Mapping {
  // Config refuses an application alarm without a CloudWatch source on AWS (mergeAlarms).
  const source = alarm.app?.cloudwatch;
  if (!source) throw new Error(`application alarm ${alarm.name} has no CloudWatch source`);
  if ("metric" in source) return { target: "app", metric: literal(source.metric) };
  const metrics = Object.entries(source.metrics).map(([id, metric]) => [id, literal(metric)]);
  return {
    target: "app",
    math: { expression: source.expression, metrics: Object.fromEntries(metrics) },
  };
}

/** The CloudWatch alarm specs for a stack's merged alarms (BackupFailed goes to EventBridge). */
export function cloudWatchAlarmSpecs(alarms: readonly AlarmRule[]): CloudWatchAlarmSpec[] {
  return alarms.flatMap((alarm) => {
    if (alarm.metric === "backupLastStatus") return [];
    const mappings = alarm.metric === "app" ? [appMapping(alarm)] : MAPPINGS[alarm.metric];
    return mappings.map((mapping) => specFrom(alarm, mapping));
  });
}

/**
 * EventBridge rules for alarms CloudWatch metrics cannot express: AWS Backup backup, copy and
 * restore jobs that fail. Backup and copy job events carry `state`; restore job events `status`.
 */
export function eventRuleSpecs(alarms: readonly AlarmRule[]): EventRuleSpec[] {
  const failed = alarms.find((alarm) => alarm.metric === "backupLastStatus");
  if (!failed) return [];
  const rule = (target: string, detailTypes: string[], detail: object): EventRuleSpec => ({
    alarm: failed.name,
    target,
    topic: failed.severity,
    description: describe(failed),
    eventPattern: { source: ["aws.backup"], "detail-type": detailTypes, detail },
  });
  return [
    rule("backup-jobs", ["Backup Job State Change", "Copy Job State Change"], {
      state: ["FAILED", "ABORTED", "EXPIRED"],
    }),
    rule("restore-jobs", ["Restore Job State Change"], { status: ["FAILED", "ABORTED"] }),
  ];
}

/** Real identifiers for one alarm: strings in tests, `pulumi.Input<string>` in a component. */
export interface AlarmBinding<T> {
  readonly stack: string;
  /** Suffix naming the resource of a per-resource alarm, e.g. `primary`, `replica-0`, `0001`. */
  readonly resource?: string;
  readonly placeholders?: Partial<Record<Placeholder, T>>;
  readonly constants?: Partial<Record<Constant, number>>;
  /** Per Redis node group: the group's member cache cluster ids. */
  readonly members?: readonly T[];
}

export interface BoundMetricQuery<T> {
  readonly id: string;
  readonly expression?: string;
  readonly label?: string;
  readonly returnData: boolean;
  readonly metric?: Omit<MetricRef, "dimensions"> & {
    readonly period: number;
    readonly dimensions: Record<string, T | string>;
  };
}

/** The arguments of an `aws.cloudwatch.MetricAlarm`, and the severity whose topic it notifies. */
export interface BoundAlarm<T> extends Pick<
  CloudWatchAlarmSpec,
  "comparisonOperator" | "threshold" | "evaluationPeriods" | "datapointsToAlarm" | "region"
> {
  readonly name: string;
  readonly alarmDescription: string;
  readonly treatMissingData: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly statistic?: string;
  readonly extendedStatistic?: string;
  readonly period?: number;
  readonly dimensions?: Record<string, T | string>;
  readonly metricQueries?: BoundMetricQuery<T>[];
  readonly topic: Severity;
}

const STATISTICS = ["Average", "Minimum", "Maximum", "Sum", "SampleCount"];

function dimensions<T>(metric: MetricRef, binding: AlarmBinding<T>, member?: T) {
  const bound = Object.entries(metric.dimensions).map(([name, value]) => [
    name,
    "value" in value
      ? value.value
      : value.placeholder === "cacheClusterId"
        ? member
        : binding.placeholders?.[value.placeholder],
  ]);
  return Object.fromEntries(bound) as Record<string, T | string>;
}

function query<T>(id: string, metric: MetricRef, period: number, dims: Record<string, T | string>) {
  const { namespace, metricName, stat } = metric;
  const bound = { namespace, metricName, stat, period, dimensions: dims };
  return { id, returnData: false, metric: bound } satisfies BoundMetricQuery<T>;
}

/** One spec bound to real resources: what a component passes to `aws.cloudwatch.MetricAlarm`. */
export function bindCloudWatchAlarm<T>(
  spec: CloudWatchAlarmSpec,
  binding: AlarmBinding<T>,
): BoundAlarm<T> {
  const name = [`webstack-${binding.stack}`, spec.alarm, spec.target, binding.resource]
    .filter(Boolean)
    .join("-");
  const common = {
    name,
    alarmDescription: spec.description,
    comparisonOperator: spec.comparisonOperator,
    threshold: spec.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    topic: spec.severity,
    ...(spec.region && { region: spec.region }),
  };
  const period = spec.periodSeconds;
  const { metric, perMember, math } = spec;
  if (metric) {
    return {
      ...common,
      namespace: metric.namespace,
      metricName: metric.metricName,
      ...(STATISTICS.includes(metric.stat)
        ? { statistic: metric.stat }
        : { extendedStatistic: metric.stat }),
      period,
      dimensions: dimensions(metric, binding),
    };
  }
  let queries: BoundMetricQuery<T>[];
  let expression: string;
  if (perMember) {
    queries = (binding.members ?? []).map((member, i) =>
      query(`node${i}`, perMember, period, dimensions(perMember, binding, member)),
    );
    expression = `MAX([${queries.map((q) => q.id).join(", ")}])`;
  } else {
    queries = Object.entries(math!.metrics).map(([id, m]) =>
      query(id, m, period, dimensions(m, binding)),
    );
    expression = math!.expression.replace(
      /\{(allocatedStorageBytes|maxConnections)\}/g,
      (_, constant: Constant) => String(binding.constants?.[constant]),
    );
  }
  const value = { id: "value", returnData: true, expression, label: spec.alarm };
  return { ...common, metricQueries: [...queries, value] };
}

/** What the alarms watch, as identifiers of type T. */
export interface WatchedResources<T> {
  /** Stack name, part of every alarm name (`webstack-<stack>-…`). */
  readonly stack: string;
  /** Per-stack placeholders: the app hosts' group, the ALB and target group ARN suffixes … */
  readonly placeholders: Partial<
    Record<Exclude<Placeholder, "dbInstanceIdentifier" | "cacheClusterId">, T>
  >;
  /** RDS instances, the primary first. */
  readonly rdsInstances: readonly {
    readonly resource: string;
    readonly role: "primary" | "replica";
    readonly identifier: T;
  }[];
  /** `max_connections` of the RDS instances, and the allocated storage of each, bytes. */
  readonly constants: Readonly<Record<Constant, number>>;
  /** Redis node groups and their member cache cluster ids. */
  readonly redisNodeGroups: readonly {
    readonly id: string;
    readonly name: T;
    readonly members: readonly T[];
  }[];
}

export interface PlannedAlarm<T> {
  readonly spec: CloudWatchAlarmSpec;
  /** Suffix naming the watched resource (`primary`, `replica-1`, `0002`); absent per stack. */
  readonly resource?: string;
  /** The `watches` tag: identifier of the watched resource; absent for per-stack alarms. */
  readonly watches?: T;
  readonly bound: BoundAlarm<T>;
}

/** Every alarm the specs become on these resources. */
export function planAlarms<T>(
  specs: readonly CloudWatchAlarmSpec[],
  watched: WatchedResources<T>,
): PlannedAlarm<T>[] {
  const { stack, placeholders, constants } = watched;
  return specs.flatMap((spec): PlannedAlarm<T>[] => {
    switch (spec.scope) {
      case "perStack":
        return [{ spec, bound: bindCloudWatchAlarm(spec, { stack, placeholders }) }];
      case "perRdsInstance":
      case "perRdsReplica":
        return watched.rdsInstances
          .filter((db) => spec.scope === "perRdsInstance" || db.role === "replica")
          .map(({ resource, identifier }) => ({
            spec,
            resource,
            watches: identifier,
            bound: bindCloudWatchAlarm(spec, {
              stack,
              resource,
              placeholders: { dbInstanceIdentifier: identifier },
              constants,
            }),
          }));
      case "perRedisNodeGroup":
        return watched.redisNodeGroups.map(({ id, name, members }) => ({
          spec,
          resource: id,
          watches: name,
          bound: bindCloudWatchAlarm(spec, { stack, resource: id, members }),
        }));
    }
  });
}
