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

/** Identifiers of the stack a component supplies: `{name}` in a dimension value stands for one. */
export type Placeholder =
  | "autoScalingGroupName"
  | "loadBalancer"
  | "targetGroup"
  | "certificateArn"
  | "healthCheckId"
  | "backupVaultName";

/** Numbers a metric math expression needs that CloudWatch does not publish as metrics. */
type Constant = "allocatedStorageBytes" | "maxConnections";

/**
 * One metric. A dimension value `{name}` is filled in at binding: a Placeholder, or the watched
 * resource's `dbInstanceIdentifier` or `cacheClusterId`.
 */
type MetricRef = Required<AppCloudWatchMetric>;

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

const ref = (
  namespace: string,
  metricName: string,
  stat: string,
  dimensions: MetricRef["dimensions"],
): MetricRef => ({ namespace, metricName, stat, dimensions });
const ASG = { AutoScalingGroupName: "{autoScalingGroupName}" };
const ALB = { LoadBalancer: "{loadBalancer}" };
const TARGET_GROUP = { TargetGroup: "{targetGroup}", LoadBalancer: "{loadBalancer}" };
const agent = (name: string) => ref("CWAgent", name, "Maximum", ASG);
const rds = (name: string, stat: string) =>
  ref("AWS/RDS", name, stat, { DBInstanceIdentifier: "{dbInstanceIdentifier}" });
const cache = (name: string, stat: string) =>
  ref("AWS/ElastiCache", name, stat, { CacheClusterId: "{cacheClusterId}" });
const alb = (name: string, stat: string, dimensions = ALB) =>
  ref("AWS/ApplicationELB", name, stat, dimensions);

/**
 * Native metrics where they exist in the catalog's unit (EC2 and RDS CPU, ElastiCache
 * DatabaseMemoryUsagePercentage, ACM DaysToExpiry, Route 53 HealthCheckPercentageHealthy);
 * metric math where the catalog speaks in percentages CloudWatch does not publish. Host memory
 * and disk come from the CloudWatch agent on the app hosts (namespace CWAgent, aggregated by
 * AutoScalingGroupName); EC2 CPU is the Maximum over the group, the hottest host, like
 * Prometheus' per-instance rule. `treatMissingData` is `breaching` where silence is the failure
 * (a target group whose hosts are all gone publishes no host counts, no probe results, a vault
 * publishes nothing when no job completes), `notBreaching` for request-driven ALB metrics (no
 * traffic is not slowness or errors), and `missing` elsewhere, so a metric that pauses keeps the
 * alarm's state. RDS reports ReplicaLag -1 while replication is not running, and nothing at all
 * when the replica is broken or gone, so ReplicationBroken maps -1 to 0 and breaches on missing
 * data, while the lag alarms keep `missing` (no lag is no lag, and ReplicationBroken pages).
 * MysqlDown and RedisDown count the engine's own data points (DatabaseConnections,
 * EngineCPUUtilization): an engine that stops answering stops publishing them, and the silence
 * breaches; RedisDown takes the most of a node group's members, so it pages when the whole
 * group is silent (ElastiCache replaces a single failed node and fails over a primary itself).
 * The ALB sees Nginx as one target, so backend time on AWS is the average over
 * all app requests; ACM publishes once a day, so a day is its period; 5xx counts are absent, not
 * zero, in minutes without errors, hence FILL.
 */
// prettier-ignore
const MAPPINGS: Readonly<Record<Exclude<MetricKind, "backupLastStatus">, readonly Mapping[]>> = {
  hostCpuPercent: [
    { target: "app-hosts", metric: ref("AWS/EC2", "CPUUtilization", "Maximum", ASG) },
    { target: "rds", metric: rds("CPUUtilization", "Average") },
    { target: "redis", perMember: cache("EngineCPUUtilization", "Average") },
  ],
  hostMemoryPercent: [{ target: "app-hosts", metric: agent("mem_used_percent") }],
  diskUsedPercent: [
    { target: "app-hosts", metric: agent("disk_used_percent") },
    { target: "rds", math: { expression: "100 - 100 * free / {allocatedStorageBytes}", metrics: { free: rds("FreeStorageSpace", "Minimum") } } },
  ],
  serviceHealthyPercent: [
    { target: "load-balancer", treatMissingData: "breaching", math: { expression: "100 * healthy / (healthy + unhealthy)", metrics: {
      healthy: alb("HealthyHostCount", "Minimum", TARGET_GROUP),
      unhealthy: alb("UnHealthyHostCount", "Maximum", TARGET_GROUP),
    } } },
  ],
  latencyP95Milliseconds: [
    { target: "load-balancer", treatMissingData: "notBreaching", math: { expression: "1000 * p95", metrics: { p95: alb("TargetResponseTime", "p95") } } },
  ],
  backendAverageSeconds: [
    { target: "load-balancer", treatMissingData: "notBreaching", metric: alb("TargetResponseTime", "Average") },
  ],
  errorRatePercent: [
    { target: "load-balancer", treatMissingData: "notBreaching", math: { expression: "100 * (FILL(target5xx, 0) + FILL(lb5xx, 0)) / requests", metrics: {
      requests: alb("RequestCount", "Sum"),
      target5xx: alb("HTTPCode_Target_5XX_Count", "Sum"),
      lb5xx: alb("HTTPCode_ELB_5XX_Count", "Sum"),
    } } },
  ],
  availabilityPercent: [
    { target: "health-check", region: "us-east-1", treatMissingData: "breaching",
      metric: ref("AWS/Route53", "HealthCheckPercentageHealthy", "Average", { HealthCheckId: "{healthCheckId}" }) },
  ],
  dbConnectionsPercent: [
    { target: "rds", math: { expression: "100 * connections / {maxConnections}", metrics: { connections: rds("DatabaseConnections", "Maximum") } } },
  ],
  replicaLagSeconds: [{ target: "rds", metric: rds("ReplicaLag", "Maximum") }],
  replicationRunning: [
    { target: "rds", treatMissingData: "breaching", math: { expression: "IF(lag < 0, 0, 1)", metrics: { lag: rds("ReplicaLag", "Minimum") } } },
  ],
  mysqlUp: [{ target: "rds", treatMissingData: "breaching", metric: rds("DatabaseConnections", "SampleCount") }],
  redisUp: [{ target: "redis", treatMissingData: "breaching", perMember: cache("EngineCPUUtilization", "SampleCount") }],
  redisMemoryPercent: [{ target: "redis", perMember: cache("DatabaseMemoryUsagePercentage", "Maximum") }],
  certificateDaysLeft: [
    { target: "certificate", periodSeconds: 86_400,
      metric: ref("AWS/CertificateManager", "DaysToExpiry", "Minimum", { CertificateArn: "{certificateArn}" }) },
  ],
  backupAgeHours: [
    { target: "backup-vault", periodSeconds: 3600, treatMissingData: "breaching",
      metric: ref("AWS/Backup", "NumberOfBackupJobsCompleted", "Sum", { BackupVaultName: "{backupVaultName}" }) },
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

function appMapping(alarm: AlarmRule): Mapping {
  // Config refuses an application alarm without a CloudWatch source on AWS (mergeAlarms).
  const source = alarm.app?.cloudwatch;
  if (!source) throw new Error(`application alarm ${alarm.name} has no CloudWatch source`);
  const literal = (m: AppCloudWatchMetric): MetricRef => ({ ...m, dimensions: m.dimensions ?? {} });
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

/** What the alarms watch, as identifiers of type T (strings in tests, Inputs in a component). */
export interface WatchedResources<T> {
  /** Stack name, part of every alarm name (`webstack-<stack>-<Alarm>-<target>[-<resource>]`). */
  readonly stack: string;
  readonly placeholders: Partial<Record<Placeholder, T>>;
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

const STATISTICS = ["Average", "Minimum", "Maximum", "Sum", "SampleCount"];

type Values<T> = Readonly<Record<string, T | undefined>>;

function bindMetric<T>({ dimensions, ...metric }: MetricRef, period: number, values: Values<T>) {
  const bound = Object.entries(dimensions).map(([name, value]) => {
    const placeholder = /^\{(\w+)\}$/.exec(value)?.[1];
    return [name, placeholder ? values[placeholder] : value];
  });
  return { ...metric, period, dimensions: Object.fromEntries(bound) as Record<string, T | string> };
}

/** One spec bound to real resources: what a component passes to `aws.cloudwatch.MetricAlarm`. */
function bind<T>(
  spec: CloudWatchAlarmSpec,
  watched: WatchedResources<T>,
  values: Values<T>,
  resource?: string,
  members: readonly T[] = [],
): BoundAlarm<T> {
  const common = {
    name: [`webstack-${watched.stack}`, spec.alarm, spec.target, resource]
      .filter(Boolean)
      .join("-"),
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
    const { namespace, metricName, stat, dimensions } = bindMetric(metric, period, values);
    const statistic = STATISTICS.includes(stat) ? "statistic" : "extendedStatistic";
    return { ...common, namespace, metricName, [statistic]: stat, period, dimensions };
  }
  const query = (id: string, m: MetricRef, v: Values<T>): BoundMetricQuery<T> => ({
    id,
    returnData: false,
    metric: bindMetric(m, period, v),
  });
  const queries = perMember
    ? members.map((member, i) => query(`node${i}`, perMember, { cacheClusterId: member }))
    : Object.entries(math!.metrics).map(([id, m]) => query(id, m, values));
  const expression = perMember
    ? `MAX([${queries.map((q) => q.id).join(", ")}])`
    : math!.expression.replace(/\{(\w+)\}/g, (_, c: Constant) => String(watched.constants[c]));
  const value = { id: "value", returnData: true, expression, label: spec.alarm };
  return { ...common, metricQueries: [...queries, value] };
}

/** Every alarm the specs become on these resources. */
export function planAlarms<T>(
  specs: readonly CloudWatchAlarmSpec[],
  watched: WatchedResources<T>,
): PlannedAlarm<T>[] {
  const { placeholders } = watched;
  return specs.flatMap((spec): PlannedAlarm<T>[] => {
    switch (spec.scope) {
      case "perStack":
        return [{ spec, bound: bind(spec, watched, placeholders) }];
      case "perRdsInstance":
      case "perRdsReplica":
        return watched.rdsInstances
          .filter((db) => spec.scope === "perRdsInstance" || db.role === "replica")
          .map(({ resource, identifier }) => ({
            spec,
            resource,
            watches: identifier,
            bound: bind(spec, watched, { dbInstanceIdentifier: identifier }, resource),
          }));
      case "perRedisNodeGroup":
        return watched.redisNodeGroups.map(({ id, name, members }) => ({
          spec,
          resource: id,
          watches: name,
          bound: bind(spec, watched, {}, id, members),
        }));
    }
  });
}
