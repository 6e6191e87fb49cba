// Maps the merged alarm catalog onto CloudWatch for the AWS target, as plain data: which
// namespace, metric, statistic and dimensions (as placeholders a component fills in), the period
// and how many periods make up the alarm's duration, metric math where the catalog speaks in
// percentages, whether the alarm exists once per stack, per RDS instance, per RDS replica or per
// Redis node group, and the SNS topic of its severity. `bindCloudWatchAlarm` turns one spec plus
// real resource identifiers into the arguments of an `aws.cloudwatch.MetricAlarm`.
import {
  AlarmRule,
  alarmSummary,
  AppCloudWatchMetric,
  Channel,
  MetricKind,
  Severity,
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
export type Constant = "allocatedStorageBytes" | "maxConnections";

export type DimensionValue = { readonly placeholder: Placeholder } | { readonly value: string };

export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  /** Average, Minimum, Maximum, Sum, or a percentile such as p95. */
  readonly stat: string;
  readonly dimensions: Readonly<Record<string, DimensionValue>>;
}

export interface CloudWatchAlarmSpec {
  /** Catalog alarm name. */
  readonly alarm: string;
  /** Which part of the stack the spec watches, e.g. `app-hosts`, `rds`, `redis`, `load-balancer`. */
  readonly target: string;
  readonly scope: AlarmScope;
  readonly severity: Severity;
  /** Alarm and OK actions go to the SNS topic of this severity. */
  readonly topic: Severity;
  readonly description: string;
  readonly comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: "missing" | "breaching" | "notBreaching";
  /** Set when the metric only exists in one region (Route 53 health checks: us-east-1). */
  readonly region?: string;
  /** A single metric, or metric math over `metrics` (ids used in `expression`). */
  readonly metric?: MetricRef;
  readonly math?: {
    readonly expression: string;
    readonly metrics: Readonly<Record<string, MetricRef>>;
    /** Constants substituted for `{name}` in the expression at bind time. */
    readonly constants?: readonly Constant[];
  };
  /** Per Redis node group: this metric per member node, combined as MAX over the members. */
  readonly perMember?: MetricRef;
  /** What the catalog asked for, so policies can compare against the floor. */
  readonly catalog: {
    readonly threshold: number;
    readonly unit: string;
    readonly forSeconds: number;
    readonly severity: Severity;
  };
}

/** AWS Backup job failures reach the critical topic through EventBridge rather than a metric. */
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

function ref(
  namespace: string,
  metricName: string,
  stat: string,
  dimensions: Readonly<Record<string, DimensionValue>>,
): MetricRef {
  return { namespace, metricName, stat, dimensions };
}

/** How one metric kind is watched on AWS; a kind may be watched on several parts of the stack. */
interface Mapping {
  readonly target: string;
  readonly scope: AlarmScope;
  readonly periodSeconds?: number;
  readonly treatMissingData?: CloudWatchAlarmSpec["treatMissingData"];
  readonly region?: string;
  readonly metric?: MetricRef;
  readonly math?: CloudWatchAlarmSpec["math"];
  readonly perMember?: MetricRef;
}

/**
 * Native metrics where they exist in the catalog's unit (EC2 and RDS CPU, ElastiCache
 * DatabaseMemoryUsagePercentage, ACM DaysToExpiry, Route 53 HealthCheckPercentageHealthy);
 * metric math where the catalog speaks in percentages CloudWatch does not publish. Host memory
 * and disk come from the CloudWatch agent on the app hosts (namespace CWAgent, aggregated by
 * AutoScalingGroupName).
 */
const MAPPINGS: Readonly<Record<Exclude<MetricKind, "backupLastStatus">, readonly Mapping[]>> = {
  hostCpuPercent: [
    // Maximum over the group's instances: the hottest host, like Prometheus' per-instance rule.
    {
      target: "app-hosts",
      scope: "perStack",
      metric: ref("AWS/EC2", "CPUUtilization", "Maximum", ASG),
    },
    {
      target: "rds",
      scope: "perRdsInstance",
      metric: ref("AWS/RDS", "CPUUtilization", "Average", RDS),
    },
    {
      target: "redis",
      scope: "perRedisNodeGroup",
      perMember: ref("AWS/ElastiCache", "EngineCPUUtilization", "Average", CACHE_NODE),
    },
  ],
  hostMemoryPercent: [
    {
      target: "app-hosts",
      scope: "perStack",
      metric: ref("CWAgent", "mem_used_percent", "Maximum", ASG),
    },
  ],
  diskUsedPercent: [
    {
      target: "app-hosts",
      scope: "perStack",
      metric: ref("CWAgent", "disk_used_percent", "Maximum", ASG),
    },
    {
      target: "rds",
      scope: "perRdsInstance",
      math: {
        expression: "100 - 100 * free / {allocatedStorageBytes}",
        metrics: { free: ref("AWS/RDS", "FreeStorageSpace", "Minimum", RDS) },
        constants: ["allocatedStorageBytes"],
      },
    },
  ],
  serviceHealthyPercent: [
    {
      target: "load-balancer",
      scope: "perStack",
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
      scope: "perStack",
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
      scope: "perStack",
      treatMissingData: "notBreaching",
      metric: ref("AWS/ApplicationELB", "TargetResponseTime", "Average", ALB),
    },
  ],
  errorRatePercent: [
    {
      target: "load-balancer",
      scope: "perStack",
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
      scope: "perStack",
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
      scope: "perRdsInstance",
      math: {
        expression: "100 * connections / {maxConnections}",
        metrics: { connections: ref("AWS/RDS", "DatabaseConnections", "Maximum", RDS) },
        constants: ["maxConnections"],
      },
    },
  ],
  replicaLagSeconds: [
    { target: "rds", scope: "perRdsReplica", metric: ref("AWS/RDS", "ReplicaLag", "Maximum", RDS) },
  ],
  redisMemoryPercent: [
    {
      target: "redis",
      scope: "perRedisNodeGroup",
      perMember: ref("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Maximum", CACHE_NODE),
    },
  ],
  // ACM publishes once a day, so a day is the period.
  certificateDaysLeft: [
    {
      target: "certificate",
      scope: "perStack",
      periodSeconds: 86_400,
      metric: ref("AWS/CertificateManager", "DaysToExpiry", "Minimum", {
        CertificateArn: dim("certificateArn"),
      }),
    },
  ],
  backupAgeHours: [
    {
      target: "backup-vault",
      scope: "perStack",
      periodSeconds: 3600,
      treatMissingData: "breaching",
      metric: ref("AWS/Backup", "NumberOfBackupJobsCompleted", "Sum", {
        BackupVaultName: dim("backupVaultName"),
      }),
    },
  ],
};

const OPERATORS = { above: "GreaterThanThreshold", below: "LessThanThreshold" } as const;

/** CloudWatch's limit on period × evaluation periods. */
function maxEvaluationSeconds(periodSeconds: number): number {
  return periodSeconds < 3600 ? 86_400 : 604_800;
}

function describe(alarm: AlarmRule): string {
  return `${alarmSummary(alarm)}. Runbook: ${alarm.runbook}`;
}

function specFrom(alarm: AlarmRule, mapping: Mapping): CloudWatchAlarmSpec {
  const periodSeconds = mapping.periodSeconds ?? 60;
  let evaluationPeriods = Math.max(1, Math.ceil(alarm.forSeconds / periodSeconds));
  let comparisonOperator: CloudWatchAlarmSpec["comparisonOperator"] = OPERATORS[alarm.comparison];
  let threshold = alarm.threshold;
  if (alarm.metric === "backupAgeHours") {
    // "Older than N hours" is "no job completed in each of the last N hourly periods".
    evaluationPeriods = Math.ceil(alarm.threshold);
    comparisonOperator = "LessThanThreshold";
    threshold = 1;
  }
  if (periodSeconds * evaluationPeriods > maxEvaluationSeconds(periodSeconds)) {
    throw new Error(
      `alarm ${alarm.name} needs ${evaluationPeriods} periods of ${periodSeconds} s, beyond CloudWatch's ${maxEvaluationSeconds(periodSeconds)} s evaluation limit`,
    );
  }
  return {
    alarm: alarm.name,
    target: mapping.target,
    scope: mapping.scope,
    severity: alarm.severity,
    topic: alarm.severity,
    description: describe(alarm),
    comparisonOperator,
    threshold,
    periodSeconds,
    evaluationPeriods,
    datapointsToAlarm: evaluationPeriods,
    treatMissingData: mapping.treatMissingData ?? "missing",
    ...(mapping.region ? { region: mapping.region } : {}),
    ...(mapping.metric ? { metric: mapping.metric } : {}),
    ...(mapping.math ? { math: mapping.math } : {}),
    ...(mapping.perMember ? { perMember: mapping.perMember } : {}),
    catalog: {
      threshold: alarm.threshold,
      unit: alarm.unit,
      forSeconds: alarm.forSeconds,
      severity: alarm.severity,
    },
  };
}

function literal(metric: AppCloudWatchMetric): MetricRef {
  const dimensions: Record<string, DimensionValue> = {};
  for (const [name, value] of Object.entries(metric.dimensions ?? {})) dimensions[name] = { value };
  return ref(metric.namespace, metric.metricName, metric.stat, dimensions);
}

function appMapping(alarm: AlarmRule): Mapping {
  // Config refuses an application alarm without a CloudWatch source on AWS (mergeAlarms).
  const source = alarm.app?.cloudwatch;
  if (!source) throw new Error(`application alarm ${alarm.name} has no CloudWatch source`);
  if ("metric" in source) {
    return { target: "app", scope: "perStack", metric: literal(source.metric) };
  }
  const metrics: Record<string, MetricRef> = {};
  for (const [id, metric] of Object.entries(source.metrics)) metrics[id] = literal(metric);
  return { target: "app", scope: "perStack", math: { expression: source.expression, metrics } };
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
  const description = describe(failed);
  return [
    {
      alarm: failed.name,
      target: "backup-jobs",
      topic: failed.severity,
      description,
      eventPattern: {
        source: ["aws.backup"],
        "detail-type": ["Backup Job State Change", "Copy Job State Change"],
        detail: { state: ["FAILED", "ABORTED", "EXPIRED"] },
      },
    },
    {
      alarm: failed.name,
      target: "restore-jobs",
      topic: failed.severity,
      description,
      eventPattern: {
        source: ["aws.backup"],
        "detail-type": ["Restore Job State Change"],
        detail: { status: ["FAILED", "ABORTED"] },
      },
    },
  ];
}

/**
 * How each channel reaches a severity's SNS topic. `log` exists on Docker only (config refuses it
 * on AWS): CloudWatch keeps every alarm's history anyway.
 */
export const SUBSCRIPTION_PROTOCOLS: Readonly<Record<Exclude<Channel, "log">, string>> = {
  email: "email",
  sms: "sms",
  // AWS Chatbot's Slack channel configuration subscribes to the topic.
  slack: "chatbot",
  webhook: "https",
};

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
  readonly metric?: {
    readonly namespace: string;
    readonly metricName: string;
    readonly stat: string;
    readonly period: number;
    readonly dimensions: Record<string, T | string>;
  };
}

/** The arguments of an `aws.cloudwatch.MetricAlarm`, minus the actions (the topic's ARN). */
export interface BoundAlarm<T> {
  readonly name: string;
  readonly alarmDescription: string;
  readonly comparisonOperator: string;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: string;
  readonly region?: string;
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

function bindDimensions<T>(
  spec: CloudWatchAlarmSpec,
  metric: MetricRef,
  binding: AlarmBinding<T>,
  member?: T,
): Record<string, T | string> {
  const out: Record<string, T | string> = {};
  for (const [name, value] of Object.entries(metric.dimensions)) {
    if ("value" in value) {
      out[name] = value.value;
      continue;
    }
    const bound =
      value.placeholder === "cacheClusterId" ? member : binding.placeholders?.[value.placeholder];
    if (bound === undefined) {
      throw new Error(
        `binding ${spec.alarm} on ${spec.target} needs placeholders.${value.placeholder}`,
      );
    }
    out[name] = bound;
  }
  return out;
}

function query<T>(
  id: string,
  metric: MetricRef,
  period: number,
  dimensions: Record<string, T | string>,
): BoundMetricQuery<T> {
  return {
    id,
    returnData: false,
    metric: {
      namespace: metric.namespace,
      metricName: metric.metricName,
      stat: metric.stat,
      period,
      dimensions,
    },
  };
}

/** One spec bound to real resources: what a component passes to `aws.cloudwatch.MetricAlarm`. */
export function bindCloudWatchAlarm<T>(
  spec: CloudWatchAlarmSpec,
  binding: AlarmBinding<T>,
): BoundAlarm<T> {
  if (spec.scope !== "perStack" && !binding.resource) {
    throw new Error(
      `binding ${spec.alarm} on ${spec.target} is ${spec.scope}: it needs a resource name`,
    );
  }
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
    topic: spec.topic,
    ...(spec.region ? { region: spec.region } : {}),
  };
  const period = spec.periodSeconds;
  if (spec.metric) {
    const m = spec.metric;
    return {
      ...common,
      namespace: m.namespace,
      metricName: m.metricName,
      ...(STATISTICS.includes(m.stat) ? { statistic: m.stat } : { extendedStatistic: m.stat }),
      period,
      dimensions: bindDimensions(spec, m, binding),
    };
  }
  if (spec.perMember) {
    const members = binding.members ?? [];
    if (members.length === 0) {
      throw new Error(`binding ${spec.alarm} on ${spec.target} needs the node group's members`);
    }
    const queries = members.map((member, i) =>
      query(
        `node${i}`,
        spec.perMember!,
        period,
        bindDimensions(spec, spec.perMember!, binding, member),
      ),
    );
    const expression = `MAX([${queries.map((q) => q.id).join(", ")}])`;
    return {
      ...common,
      metricQueries: [...queries, { id: "value", expression, label: spec.alarm, returnData: true }],
    };
  }
  if (spec.math) {
    let expression = spec.math.expression;
    for (const constant of spec.math.constants ?? []) {
      const value = binding.constants?.[constant];
      if (value === undefined || !(value > 0)) {
        throw new Error(`binding ${spec.alarm} on ${spec.target} needs constants.${constant} > 0`);
      }
      expression = expression.replaceAll(`{${constant}}`, String(value));
    }
    const queries = Object.entries(spec.math.metrics).map(([id, metric]) =>
      query(id, metric, period, bindDimensions(spec, metric, binding)),
    );
    return {
      ...common,
      metricQueries: [...queries, { id: "value", expression, label: spec.alarm, returnData: true }],
    };
  }
  throw new Error(`spec ${spec.alarm} on ${spec.target} has no metric`);
}
