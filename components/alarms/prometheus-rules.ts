// Renders the Prometheus alerting-rule file for one Docker environment from the merged alarm
// catalog, on the standard exporters' metric names (node, mysqld, redis, blackbox), the app's
// HTTP metrics and the backup job's textfile metrics. Every rule carries the labels `severity`,
// `environment` and `watches` (the catalog metric kind, which Alertmanager's inhibition uses) and
// the annotations `summary` and `runbook`. The Docker target's self-health rules (monitoring-
// rules.ts: a scrape target down, the always-firing Watchdog) follow in their own group.
import { stringify } from "yaml";
import { alarmSummary, AlarmRule, describeDuration, MetricKind } from "../catalog/alarms";
import { BACKUP_KINDS, BACKUP_TIERS } from "../catalog/backups";
import { cronIntervalSeconds } from "../catalog/cron";
import { MONITORING_RULES } from "./monitoring-rules";

export interface PrometheusRulesSpec {
  /** Environment name, written into every alert's `environment` label. */
  readonly environment: string;
  /** The merged alarms of the stack (`mergeAlarms`). */
  readonly alarms: readonly AlarmRule[];
  /** Scrape job of the API, whose average response time BackendSlow watches. @default "backend" */
  readonly backendJob?: string;
  /**
   * Backup kinds (`kind` label of the textfile metrics) whose age BackupStale watches.
   * @default every catalog tier that runs at least daily
   */
  readonly staleBackupKinds?: readonly string[];
  /** Prepended to each runbook path, e.g. a repository's blob URL. @default "" (relative) */
  readonly runbookBaseUrl?: string;
}

/** Filesystems that are not disks: tmpfs and friends, container overlays, read-only images. */
const NOT_A_DISK = 'fstype!~"tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|fuse.lxcfs"';

interface ExpressionContext {
  readonly backendJob: string;
  readonly staleBackupKinds: readonly string[];
}

/**
 * PromQL computing each catalog metric kind in its catalog unit. Rate windows assume a 15 s scrape
 * interval (at least four samples per window). Ratios of rates are used even for CPU so the value
 * is exact while a window is still filling after a restart.
 */
const EXPRESSIONS: Readonly<Record<MetricKind, (ctx: ExpressionContext) => string>> = {
  hostCpuPercent: () =>
    '100 * sum by (instance) (rate(node_cpu_seconds_total{mode!~"idle|iowait|steal"}[5m])) / sum by (instance) (rate(node_cpu_seconds_total[5m]))',
  hostMemoryPercent: () =>
    "100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)",
  // Space reserved for root counts as used: that is what an application writing as non-root sees.
  diskUsedPercent: () =>
    `100 * (1 - node_filesystem_avail_bytes{${NOT_A_DISK}} / node_filesystem_size_bytes{${NOT_A_DISK}})`,
  serviceHealthyPercent: () => "100 * probe_success",
  latencyP95Milliseconds: () =>
    "1000 * histogram_quantile(0.95, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))",
  backendAverageSeconds: ({ backendJob }) =>
    `sum by (job) (rate(http_request_duration_seconds_sum{job="${backendJob}"}[5m])) / sum by (job) (rate(http_request_duration_seconds_count{job="${backendJob}"}[5m]))`,
  errorRatePercent: () =>
    '100 * sum by (job) (rate(http_requests_total{code=~"5.."}[2m])) / sum by (job) (rate(http_requests_total[2m]))',
  // An hour of probes: one failed 15 s probe is 99.6 %, so only repeated failures page.
  availabilityPercent: () => "100 * avg_over_time(probe_success[1h])",
  dbConnectionsPercent: () =>
    "100 * mysql_global_status_threads_connected / mysql_global_variables_max_connections",
  replicaLagSeconds: () => "mysql_slave_status_seconds_behind_master",
  // maxmemory 0 means unlimited: no percentage exists, so those instances are left out.
  redisMemoryPercent: () => "100 * redis_memory_used_bytes / (redis_memory_max_bytes > 0)",
  certificateDaysLeft: () => "(probe_ssl_earliest_cert_expiry - time()) / 86400",
  backupLastStatus: () => "webstack_backup_last_status",
  backupAgeHours: ({ staleBackupKinds }) =>
    `(time() - webstack_backup_last_success_timestamp_seconds{kind=~"${staleBackupKinds.join("|")}"}) / 3600`,
};

const GROUPS: Readonly<Record<MetricKind | "app", string>> = {
  hostCpuPercent: "host",
  hostMemoryPercent: "host",
  diskUsedPercent: "host",
  serviceHealthyPercent: "availability",
  availabilityPercent: "availability",
  latencyP95Milliseconds: "http",
  backendAverageSeconds: "http",
  errorRatePercent: "http",
  dbConnectionsPercent: "mysql",
  replicaLagSeconds: "mysql",
  redisMemoryPercent: "redis",
  certificateDaysLeft: "tls",
  backupLastStatus: "backup",
  backupAgeHours: "backup",
  app: "application",
};

/** Backup kinds that run at least once a day: the ones a 26-hour staleness rule applies to. */
export function dailyBackupKinds(): string[] {
  return BACKUP_KINDS.filter((kind) => cronIntervalSeconds(BACKUP_TIERS[kind].schedule) <= 86_400);
}

/** Prometheus duration text: 300 → "5m", 3600 → "1h", 90 → "90s". */
export function promDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** The value an alarm compares, as PromQL (before the comparison). */
export function alarmValueExpression(
  alarm: AlarmRule,
  ctx: Partial<ExpressionContext> = {},
): string {
  if (alarm.metric === "app") {
    if (!alarm.app) throw new Error(`alarm ${alarm.name} is an app alarm without a promql source`);
    // Parenthesised: an app expression may use `or`/`and`, which bind looser than comparisons.
    return `(${alarm.app.promql})`;
  }
  return EXPRESSIONS[alarm.metric]({
    backendJob: ctx.backendJob ?? "backend",
    staleBackupKinds: ctx.staleBackupKinds ?? dailyBackupKinds(),
  });
}

/** The full alert expression: the value compared with the threshold. */
export function alarmExpression(alarm: AlarmRule, ctx: Partial<ExpressionContext> = {}): string {
  const operator = alarm.comparison === "above" ? ">" : "<";
  return `${alarmValueExpression(alarm, ctx)} ${operator} ${alarm.threshold}`;
}

export function renderPrometheusRules(spec: PrometheusRulesSpec): string {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(spec.environment)) {
    throw new Error(
      `environment must be a lower-case name such as "prod" (got ${JSON.stringify(spec.environment)})`,
    );
  }
  const ctx = { backendJob: spec.backendJob, staleBackupKinds: spec.staleBackupKinds };
  const groups = new Map<string, object[]>();
  const selfHealth = new Set(MONITORING_RULES.map((rule) => rule.alert));
  for (const alarm of spec.alarms) {
    // Two rules of one name would share a runbook and be told apart by nobody.
    if (selfHealth.has(alarm.name)) {
      throw new Error(
        `alarm ${alarm.name} is named like a monitoring self-health rule; use a name other than ${[...selfHealth].join(", ")}`,
      );
    }
    const group = `webstack-${spec.environment}-${GROUPS[alarm.metric]}`;
    const rule = {
      alert: alarm.name,
      expr: alarmExpression(alarm, ctx),
      ...(alarm.forSeconds > 0 ? { for: promDuration(alarm.forSeconds) } : {}),
      labels: {
        severity: alarm.severity,
        environment: spec.environment,
        watches: alarm.metric === "app" ? alarm.name : alarm.metric,
      },
      annotations: {
        summary: alarmSummary(alarm),
        runbook: `${spec.runbookBaseUrl ?? ""}${alarm.runbook}`,
      },
    };
    groups.set(group, [...(groups.get(group) ?? []), rule]);
  }
  groups.set(
    `webstack-${spec.environment}-monitoring`,
    MONITORING_RULES.map((rule) => ({
      alert: rule.alert,
      expr: rule.expr,
      ...(rule.forSeconds > 0 ? { for: promDuration(rule.forSeconds) } : {}),
      // `watches` is the rule's own name, as for app alarms: no other alert inhibits it.
      labels: { severity: rule.severity, environment: spec.environment, watches: rule.alert },
      annotations: {
        summary: rule.summary.replaceAll("{for}", describeDuration(rule.forSeconds)),
        runbook: `${spec.runbookBaseUrl ?? ""}${rule.runbook}`,
      },
    })),
  );
  const document = { groups: [...groups].map(([name, rules]) => ({ name, rules })) };
  return (
    "# Rendered by webstack from components/catalog/alarms.ts and components/alarms/monitoring-\n" +
    "# rules.ts; change those or the stack config, not this file.\n" +
    stringify(document, { lineWidth: 0 })
  );
}
