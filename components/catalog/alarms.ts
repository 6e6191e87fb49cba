// The alarm catalog: every alert webstack raises, as target-neutral data (what it watches, the
// threshold and unit, how long the condition must hold, severity, channels), plus the merge that
// lets a stack tighten a default or add application alarms but never loosen a default.
// Values are docs/requirements.md §6; the Prometheus, Alertmanager and CloudWatch renderers all
// read this.

import { Tier, TIERS } from "./tiers";

export { TIERS };
export type { Tier };

export const SEVERITIES = ["warning", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Where a notification can go. `log` keeps the alert in Alertmanager (its UI, API and log) and
 * notifies no one: dev's choice, Docker only. `webhook` posts to a URL of the stack's choosing.
 */
export const CHANNELS = ["log", "webhook", "email", "slack", "sms"] as const;
export type Channel = (typeof CHANNELS)[number];

export const COMPARISONS = ["above", "below"] as const;
/** `above` fires when the value is greater than the threshold, `below` when it is less. */
export type Comparison = (typeof COMPARISONS)[number];

/** Units a threshold is expressed in, with the range a threshold in that unit may take. */
export const UNITS = {
  percent: { min: 0, max: 100, words: "a percent" },
  milliseconds: { min: 0, max: 600_000, words: "a number of milliseconds" },
  seconds: { min: 0, max: 86_400, words: "a number of seconds" },
  hours: { min: 0, max: 8_784, words: "a number of hours" },
  days: { min: 0, max: 365, words: "a number of days" },
  count: { min: 0, max: 1_000_000_000, words: "a count" },
  status: { min: 0, max: 1, words: "a status (1 ok, 0 failed)" },
} as const;
export type Unit = keyof typeof UNITS;

/**
 * What a catalog alarm watches, independent of the target: its unit, the area its Prometheus rule
 * group is named after, and the exporter series it is computed from on Prometheus. Each target
 * maps a kind onto its own metrics (Prometheus exporters on Docker, CloudWatch on AWS). A rule
 * for a catalog alarm must read all of its series, so a constant such as `vector(0) > 80` cannot
 * stand in for the metric.
 */
const LAG = [
  "mysql_slave_status_seconds_behind_master",
  "mysql_slave_status_seconds_behind_source",
];
const THREADS = ["slave_io", "slave_sql", "replica_io", "replica_sql"].map(
  (thread) => `mysql_slave_status_${thread}_running`,
);

// prettier-ignore
export const METRICS = {
  hostCpuPercent:         { unit: "percent", area: "host", series: ["node_cpu_seconds_total"] },
  hostMemoryPercent:      { unit: "percent", area: "host", series: ["node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes"] },
  diskUsedPercent:        { unit: "percent", area: "host", series: ["node_filesystem_avail_bytes", "node_filesystem_size_bytes"] },
  serviceHealthyPercent:  { unit: "percent", area: "availability", series: ["probe_success"] },
  latencyP95Milliseconds: { unit: "milliseconds", area: "http", series: ["http_request_duration_seconds_bucket"] },
  backendAverageSeconds:  { unit: "seconds", area: "http", series: ["http_request_duration_seconds_sum", "http_request_duration_seconds_count"] },
  errorRatePercent:       { unit: "percent", area: "http", series: ["http_requests_total"] },
  availabilityPercent:    { unit: "percent", area: "availability", series: ["probe_success"] },
  dbConnectionsPercent:   { unit: "percent", area: "mysql", series: ["mysql_global_status_threads_connected", "mysql_global_variables_max_connections"] },
  // MySQL 8.0 and MariaDB answer SHOW SLAVE STATUS, 8.4 only SHOW REPLICA STATUS: mysqld_exporter
  // (0.16+) names the series after the columns, so each fact has two names.
  replicaLagSeconds:      { unit: "seconds", area: "mysql", series: [...LAG] },
  // 1 while both replication threads run and the lag is known on a replica that answers.
  replicationRunning:     { unit: "status", area: "mysql", series: [...THREADS, ...LAG, "mysql_up"] },
  mysqlUp:                { unit: "status", area: "mysql", series: ["mysql_up"] },
  redisUp:                { unit: "status", area: "redis", series: ["redis_up"] },
  redisMemoryPercent:     { unit: "percent", area: "redis", series: ["redis_memory_used_bytes", "redis_memory_max_bytes"] },
  certificateDaysLeft:    { unit: "days", area: "tls", series: ["probe_ssl_earliest_cert_expiry"] },
  backupLastStatus:       { unit: "status", area: "backup", series: ["webstack_backup_last_status"] },
  backupAgeHours:         { unit: "hours", area: "backup", series: ["webstack_backup_last_success_timestamp_seconds"] },
} as const satisfies Record<string, { unit: Unit; area: string; series: readonly string[] }>;
export type MetricKind = keyof typeof METRICS;

/** The exporter series each metric kind is computed from on Prometheus (METRICS). */
export const METRIC_SERIES: Readonly<Record<MetricKind, readonly string[]>> = Object.fromEntries(
  Object.entries(METRICS).map(([kind, { series }]): [string, readonly string[]] => [kind, series]),
) as Record<MetricKind, readonly string[]>;

/** The Prometheus scrape job names the rule file and runbooks refer to. */
export const SCRAPE_JOBS = {
  prometheus: "prometheus",
  node: "node",
  mysql: "mysqld",
  redis: "redis",
  probes: "blackbox",
  backend: "backend",
} as const;

/**
 * On AWS, the metric kinds watched by one alarm per database or cache rather than once per stack
 * (docs/requirements.md §6): each RDS instance, each replica besides, each Redis node group.
 */
export const WATCHED_PER_RESOURCE = {
  rdsInstance: ["hostCpuPercent", "diskUsedPercent", "dbConnectionsPercent", "mysqlUp"],
  rdsReplica: ["replicaLagSeconds", "replicationRunning"],
  redisNodeGroup: ["hostCpuPercent", "redisMemoryPercent", "redisUp"],
} as const satisfies Record<string, readonly MetricKind[]>;

/**
 * The Docker target's self-health rules (components/alarms/monitoring-rules.ts): not catalog
 * alarms (CloudWatch has no scrape to fail), but they share the rule file, so no application
 * alarm may take their names.
 */
export const SELF_HEALTH_ALERTS = ["ScrapeTargetDown", "Watchdog"] as const;

/** docs/requirements.md §6 routing: critical → email + slack + sms; warning → email + slack. */
export const CHANNELS_BY_SEVERITY: Readonly<Record<Severity, readonly Channel[]>> = {
  warning: ["email", "slack"],
  critical: ["email", "slack", "sms"],
};

/**
 * The channels each severity must reach at least, per tier (docs/requirements.md §1, "alarms
 * notify").
 * The stack's `webstack:alerts.routes` says where alerts really go — the one source of truth for
 * delivery — and config validation refuses a route that leaves out a channel of its floor. Dev
 * has no one on call, so any channel (a log, a webhook) will do there.
 */
export const NOTIFY_FLOOR: Readonly<Record<Tier, Readonly<Record<Severity, readonly Channel[]>>>> =
  {
    dev: { warning: [], critical: [] },
    test: { warning: ["email"], critical: ["email"] },
    staging: { warning: ["email", "slack"], critical: ["email", "slack"] },
    prod: CHANNELS_BY_SEVERITY,
  };

/** One alarm, after merging: what every renderer consumes. */
export interface AlarmRule {
  /** Alert name, PascalCase; fixed for catalog alarms because runbooks and routes refer to it. */
  readonly name: string;
  /** What it watches: a catalog metric kind, or `app` for an application alarm. */
  readonly metric: MetricKind | "app";
  readonly comparison: Comparison;
  readonly threshold: number;
  readonly unit: Unit;
  /** How long the condition must hold before the alarm fires; 0 fires at the first evaluation. */
  readonly forSeconds: number;
  readonly severity: Severity;
  /** One line for the notification; `{threshold}` and `{for}` are filled in by alarmSummary. */
  readonly summary: string;
  /** Where the responder reads what to do, e.g. `docs/operations.md#hostcpuhigh`. */
  readonly runbook: string;
  /** Application alarms only: how each target computes the value (data, not code). */
  readonly app?: AppAlarmSources;
}

/** A catalog alarm watches a catalog metric kind; application alarms carry their own sources. */
export type CatalogAlarm = AlarmRule & { readonly metric: MetricKind };

/** How an application alarm's value is computed on each target, in the alarm's unit. */
export interface AppAlarmSources {
  /** PromQL whose value is in the alarm's unit; the renderer appends the comparison. */
  readonly promql: string;
  /** CloudWatch metric (or metric math) publishing the same value; required on AWS stacks. */
  readonly cloudwatch?: AppCloudWatchSource;
}

export interface AppCloudWatchMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly stat: string;
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** Either one metric, or metric math over named metrics (`expression` uses their ids). */
export type AppCloudWatchSource =
  | { readonly metric: AppCloudWatchMetric }
  | {
      readonly expression: string;
      readonly metrics: Readonly<Record<string, AppCloudWatchMetric>>;
    };

function runbookFor(name: string): string {
  return `docs/operations.md#${name.toLowerCase()}`;
}

// prettier-ignore
const CATALOG_TABLE: readonly (readonly [string, MetricKind, Comparison, number, number, Severity, string])[] = [
  // name                         watches                   fires    limit  for s  severity    summary
  ["HostCpuHigh",                 "hostCpuPercent",         "above",    80,   300, "warning",  "Host CPU above {threshold} for {for}"],
  ["HostMemoryHigh",              "hostMemoryPercent",      "above",    85,   300, "warning",  "Host memory above {threshold} for {for}"],
  ["DiskSpaceCritical",           "diskUsedPercent",        "above",    90,    60, "critical", "Disk more than {threshold} used for {for}"],
  ["ServiceDown",                 "serviceHealthyPercent",  "below",   100,    60, "critical", "Health check failing for {for}"],
  ["LatencyP95High",              "latencyP95Milliseconds", "above",  1000,   300, "warning",  "p95 latency above {threshold} for {for}"],
  ["BackendSlow",                 "backendAverageSeconds",  "above",     2,   300, "warning",  "Backend responses slower than {threshold} on average for {for}"],
  ["ErrorRateHigh",               "errorRatePercent",       "above",     5,   120, "critical", "More than {threshold} of requests answered 5xx for {for}"],
  ["AvailabilityLow",             "availabilityPercent",    "below",    99,    60, "critical", "Availability below {threshold} for {for}"],
  ["DbConnectionsHigh",           "dbConnectionsPercent",   "above",    80,   300, "warning",  "MySQL connections above {threshold} of max_connections for {for}"],
  ["ReplicaLagWarning",           "replicaLagSeconds",      "above",    30,   300, "warning",  "MySQL replica more than {threshold} behind for {for}"],
  ["ReplicaLagCritical",          "replicaLagSeconds",      "above",   300,   300, "critical", "MySQL replica more than {threshold} behind for {for}"],
  ["ReplicationBroken",           "replicationRunning",     "below",     1,   120, "critical", "MySQL replication stopped, or its lag unknown, for {for}"],
  ["MysqlDown",                   "mysqlUp",                "below",     1,    60, "critical", "MySQL not answering its exporter for {for}"],
  ["RedisDown",                   "redisUp",                "below",     1,    60, "critical", "Redis not answering its exporter for {for}"],
  ["RedisMemoryHigh",             "redisMemoryPercent",     "above",    85,   300, "warning",  "Redis memory above {threshold} of maxmemory for {for}"],
  ["CertificateExpiringWarning",  "certificateDaysLeft",    "below",    30,     0, "warning",  "TLS certificate expires in less than {threshold}"],
  ["CertificateExpiringCritical", "certificateDaysLeft",    "below",     7,     0, "critical", "TLS certificate expires in less than {threshold}"],
  ["BackupFailed",                "backupLastStatus",       "below",     1,     0, "critical", "The last backup run failed"],
  ["BackupStale",                 "backupAgeHours",         "above",    26,     0, "critical", "No successful backup for more than {threshold}"],
];

/** docs/requirements.md §6, one entry per alarm. "—" durations fire at once (0 s). */
export const ALARM_CATALOG: readonly CatalogAlarm[] = CATALOG_TABLE.map(
  ([name, metric, comparison, threshold, forSeconds, severity, summary]) => ({
    name,
    metric,
    comparison,
    threshold,
    unit: METRICS[metric].unit,
    forSeconds,
    severity,
    summary,
    runbook: runbookFor(name),
  }),
);

/** How a threshold in each unit is written for people: `80 %`, `1000 ms`, `30 days`. */
export const UNIT_SYMBOLS: Readonly<Record<Unit, string>> = {
  percent: " %",
  milliseconds: " ms",
  seconds: " s",
  hours: " h",
  days: " days",
  count: "",
  status: "",
};

/** "5 minutes", "90 seconds", "1 hour": how long a condition must hold, for people. */
export function describeDuration(seconds: number): string {
  const [size, word] =
    seconds % 3600 === 0
      ? [seconds / 3600, "hour"]
      : seconds % 60 === 0
        ? [seconds / 60, "minute"]
        : [seconds, "second"];
  return `${size} ${word}${size === 1 ? "" : "s"}`;
}

/** The alarm's one-line summary with its current threshold and duration filled in. */
export function alarmSummary(alarm: AlarmRule): string {
  return alarm.summary
    .replaceAll("{threshold}", `${alarm.threshold}${UNIT_SYMBOLS[alarm.unit]}`)
    .replaceAll("{for}", describeDuration(alarm.forSeconds));
}

/**
 * The floor each tier may not go below. The catalog is the floor everywhere: dev notifies only a
 * log webhook, so strict rules cost nothing there, and identical rules make dev a true rehearsal.
 */
export const ALARM_FLOORS: Readonly<Record<Tier, readonly CatalogAlarm[]>> = {
  dev: ALARM_CATALOG,
  test: ALARM_CATALOG,
  staging: ALARM_CATALOG,
  prod: ALARM_CATALOG,
};

/** The settings a stack may tighten on a catalog alarm (`webstack:alarms.overrides`). */
export interface AlarmOverride {
  readonly threshold?: number;
  readonly forSeconds?: number;
  readonly severity?: Severity;
}

/** An application alarm as a stack declares it (`webstack:alarms.extra`, keyed by its name). */
export interface AppAlarmInput extends Omit<AlarmRule, "name" | "metric" | "runbook" | "app"> {
  /** Must be the severity's channels when given: routing is by severity. */
  readonly channels?: readonly Channel[];
  /** @default `docs/operations.md#<lowercased name>` */
  readonly runbook?: string;
  readonly promql: string;
  readonly cloudwatch?: AppCloudWatchSource;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { warning: 0, critical: 1 };
const ALARM_NAME = /^[A-Z][A-Za-z0-9]{2,63}$/;
const FLOOR = "the catalog floor: a stack may tighten an alarm, never loosen it";

// Config's schema checked each entry's shape; these checks need the catalog. Each throws an
// Error whose message starts with the full config key, which config reports against the stack
// file (components/config/rules.ts).
function fail(key: string, allowed: string, got: unknown): never {
  throw new Error(`${key} must be ${allowed} (got ${JSON.stringify(got)})`);
}

function inRange(key: string, value: number, unit: Unit): number {
  const { min, max, words } = UNITS[unit];
  if (!(value >= min && value <= max)) fail(key, `${words} from ${min} to ${max}`, value);
  return value;
}

function tighten(base: CatalogAlarm, override: AlarmOverride, key: string): CatalogAlarm {
  const { threshold, forSeconds, severity } = override;
  if (threshold !== undefined) {
    inRange(`${key}.threshold`, threshold, base.unit);
    const above = base.comparison === "above";
    if (above ? threshold > base.threshold : threshold < base.threshold) {
      const bound = `${above ? "at most" : "at least"} ${base.threshold} (${base.unit})`;
      fail(`${key}.threshold`, `${bound}, ${FLOOR}`, threshold);
    }
  }
  if (forSeconds !== undefined && forSeconds > base.forSeconds) {
    fail(`${key}.forSeconds`, `at most ${base.forSeconds} seconds, ${FLOOR}`, forSeconds);
  }
  if (severity !== undefined && SEVERITY_RANK[severity] < SEVERITY_RANK[base.severity]) {
    fail(`${key}.severity`, `"${base.severity}", ${FLOOR}`, severity);
  }
  return {
    ...base,
    threshold: threshold ?? base.threshold,
    forSeconds: forSeconds ?? base.forSeconds,
    severity: severity ?? base.severity,
  };
}

function appAlarm(name: string, input: AppAlarmInput, key: string, target: Target): AlarmRule {
  const { channels, promql, cloudwatch, ...rule } = input;
  inRange(`${key}.threshold`, input.threshold, input.unit);
  const expected = CHANNELS_BY_SEVERITY[input.severity];
  if (
    channels &&
    (channels.length !== expected.length || !expected.every((c) => channels.includes(c)))
  ) {
    const allowed = `${expected.join(", ")} for a ${input.severity} alarm (routing is by severity)`;
    fail(`${key}.channels`, allowed, channels.join(", "));
  }
  if (cloudwatch === undefined && target === "aws") {
    throw new Error(
      `${key}.cloudwatch must be set on an AWS stack: the metric (or metric math) CloudWatch alarms on`,
    );
  }
  // The alarm compares the expression under the id `value`.
  if (cloudwatch && "metrics" in cloudwatch && "value" in cloudwatch.metrics) {
    throw new Error(`${key}.cloudwatch.metrics.value: "value" is reserved`);
  }
  const runbook = rule.runbook ?? runbookFor(name);
  return { ...rule, name, metric: "app", runbook, app: { promql, cloudwatch } };
}

type Target = "docker" | "aws";

/**
 * The alarms a stack runs: the catalog with the stack's overrides applied (tightening only) plus
 * its application alarms. Throws an Error naming the config key, the value and what is allowed.
 * `keyPrefix` is how the caller's config spells the alarms section, e.g. `webstack:alarms`. On
 * `aws` every application alarm needs its CloudWatch source.
 */
export function mergeAlarms(
  catalog: readonly CatalogAlarm[],
  overrides: Readonly<Record<string, AlarmOverride>> = {},
  extras: Readonly<Record<string, AppAlarmInput>> = {},
  keyPrefix = "alarms",
  target: Target = "docker",
): readonly AlarmRule[] {
  const known = catalog.map((alarm) => alarm.name);
  for (const name of Object.keys(overrides)) {
    if (!known.includes(name)) {
      throw new Error(
        `${keyPrefix}.overrides.${name} is not a catalog alarm (known: ${known.join(", ")})`,
      );
    }
  }
  const merged: AlarmRule[] = catalog.map((alarm) =>
    overrides[alarm.name] === undefined
      ? alarm
      : tighten(alarm, overrides[alarm.name], `${keyPrefix}.overrides.${alarm.name}`),
  );
  for (const [name, input] of Object.entries(extras)) {
    const key = `${keyPrefix}.extra.${name}`;
    if (!ALARM_NAME.test(name)) fail(key, "named in PascalCase (3 to 64 letters or digits)", name);
    if ([...known, ...SELF_HEALTH_ALERTS].includes(name)) {
      fail(key, "a name the catalog does not use", name);
    }
    merged.push(appAlarm(name, input, key, target));
  }
  return merged;
}
