// Renders the Prometheus alerting-rule file for one Docker environment from the merged alarm
// catalog, on the standard exporters' metric names (node, mysqld, redis, blackbox), the app's
// HTTP metrics and the backup job's textfile metrics. Every rule carries the labels `severity`,
// `environment` and `watches` (the catalog metric kind, which Alertmanager's inhibition uses) and
// the annotations `summary` and `runbook`. The Docker target's self-health rules (monitoring-
// rules.ts: a scrape target down, the always-firing Watchdog) follow in their own group.
import { stringify } from "yaml";
import { alarmSummary, AlarmRule, describeDuration, MetricKind, METRICS } from "../catalog/alarms";
import { BACKUP_KINDS, BACKUP_TIERS } from "../catalog/backups";
import { cronIntervalSeconds } from "../catalog/cron";
import { MONITORING_RULES } from "./monitoring-rules";

const LAG = "mysql_slave_status_seconds_behind_master or mysql_slave_status_seconds_behind_source";

/** Filesystems that are not disks: tmpfs and friends, container overlays, read-only images. */
const NOT_A_DISK = 'fstype!~"tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|fuse.lxcfs"';

/** Backup kinds that run at least once a day: the ones a 26-hour staleness rule applies to. */
export function dailyBackupKinds(): string[] {
  return BACKUP_KINDS.filter((kind) => cronIntervalSeconds(BACKUP_TIERS[kind].schedule) <= 86_400);
}

/**
 * PromQL computing each catalog metric kind in its catalog unit (the backup age: backupAge). Rate windows assume a 15 s scrape
 * interval (at least four samples per window). Ratios of rates are used even for CPU so the value
 * is exact while a window is still filling after a restart.
 */
const EXPRESSIONS: Readonly<Record<Exclude<MetricKind, "backupAgeHours">, string>> = {
  hostCpuPercent:
    '100 * sum by (instance) (rate(node_cpu_seconds_total{mode!~"idle|iowait|steal"}[5m])) / sum by (instance) (rate(node_cpu_seconds_total[5m]))',
  hostMemoryPercent: "100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)",
  // Space reserved for root counts as used: that is what an application writing as non-root sees.
  diskUsedPercent: `100 * (1 - node_filesystem_avail_bytes{${NOT_A_DISK}} / node_filesystem_size_bytes{${NOT_A_DISK}})`,
  serviceHealthyPercent: "100 * probe_success",
  latencyP95Milliseconds:
    "1000 * histogram_quantile(0.95, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))",
  backendAverageSeconds: `sum by (job) (rate(http_request_duration_seconds_sum{job="backend"}[5m])) / sum by (job) (rate(http_request_duration_seconds_count{job="backend"}[5m]))`,
  errorRatePercent:
    '100 * sum by (job) (rate(http_requests_total{code=~"5.."}[2m])) / sum by (job) (rate(http_requests_total[2m]))',
  // An hour of probes: one failed 15 s probe is 99.6 %, so only repeated failures page.
  availabilityPercent: "100 * avg_over_time(probe_success[1h])",
  dbConnectionsPercent:
    "100 * mysql_global_status_threads_connected / mysql_global_variables_max_connections",
  // MySQL 8.0 and MariaDB name the lag after the master, 8.4 after the source (mysqld_exporter
  // 0.16+); it is NULL, so the series is gone, while a replication thread is stopped.
  replicaLagSeconds: `(${LAG})`,
  // 0 when a thread stopped (the exporter reads "No" and "Connecting" as 0), or when a replica
  // (`role="replica"`, prometheus.yml) answers but reports no lag: stopped, reset or never set up.
  // A replica that does not answer at all is MysqlDown's.
  replicationRunning:
    "(mysql_slave_status_slave_io_running * mysql_slave_status_slave_sql_running" +
    " or mysql_slave_status_replica_io_running * mysql_slave_status_replica_sql_running" +
    ` or on (instance) 0 * (mysql_up{role="replica"} == 1 unless on (instance) (${LAG})))`,
  // 0 when the exporter answers but cannot reach its server; an exporter down is ScrapeTargetDown.
  mysqlUp: "mysql_up",
  redisUp: "redis_up",
  // maxmemory 0 means unlimited: no percentage exists, so those instances are left out.
  redisMemoryPercent: "100 * redis_memory_used_bytes / (redis_memory_max_bytes > 0)",
  certificateDaysLeft: "(probe_ssl_earliest_cert_expiry - time()) / 86400",
  backupLastStatus: "webstack_backup_last_status",
};

const BACKUP_SUCCESS = "webstack_backup_last_success_timestamp_seconds";

/**
 * Hours since each daily kind's last success, or +Inf for a kind with no success recorded in the
 * whole window (cron broken, job container gone, textfile volume missing): the newest timestamp
 * seen within the window, so a metrics file that vanishes keeps counting from its last success.
 * A kind absent for the window counts only once Prometheus holds that much history, so a new
 * stack is not paged before its first scheduled backups ran.
 */
function backupAge(thresholdHours: number): string {
  const window = promDuration(Math.ceil(thresholdHours * 3600));
  const kinds = dailyBackupKinds();
  const missing = kinds.map(
    (kind) => `absent_over_time(${BACKUP_SUCCESS}{kind="${kind}"}[${window}]) * Inf`,
  );
  const history = `(time() - prometheus_tsdb_lowest_timestamp_seconds) > ${thresholdHours * 3600}`;
  return (
    `((time() - max_over_time(${BACKUP_SUCCESS}{kind=~"${kinds.join("|")}"}[${window}])) / 3600` +
    ` or ((${missing.join(" or ")}) and on () ${history}))`
  );
}

/** Prometheus duration text: 300 → "5m", 3600 → "1h", 90 → "90s". */
export function promDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** The value an alarm compares, as PromQL (before the comparison). */
export function alarmValueExpression(alarm: AlarmRule): string {
  // Parenthesised: an app expression may use `or`/`and`, which bind looser than comparisons.
  if (alarm.metric === "backupAgeHours") return backupAge(alarm.threshold);
  return alarm.metric === "app" ? `(${alarm.app!.promql})` : EXPRESSIONS[alarm.metric];
}

interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly forSeconds: number;
  readonly severity: string;
  /** What Alertmanager's inhibition compares: the metric kind, or the rule's own name. */
  readonly watches: string;
  readonly summary: string;
  readonly runbook: string;
}

const rule = (environment: string, r: Rule) => ({
  alert: r.alert,
  expr: r.expr,
  ...(r.forSeconds > 0 && { for: promDuration(r.forSeconds) }),
  labels: { severity: r.severity, environment, watches: r.watches },
  annotations: { summary: r.summary, runbook: r.runbook },
});

/** The rule file for one environment: `alarms` (the stack's merged alarms), then self-health. */
export function renderPrometheusRules(spec: {
  readonly environment: string;
  readonly alarms: readonly AlarmRule[];
}): string {
  const { environment } = spec;
  const groups = new Map<string, object[]>();
  for (const alarm of spec.alarms) {
    const area = alarm.metric === "app" ? "application" : METRICS[alarm.metric].area;
    const group = `webstack-${environment}-${area}`;
    const compared = `${alarmValueExpression(alarm)} ${alarm.comparison === "above" ? ">" : "<"}`;
    groups.set(group, [
      ...(groups.get(group) ?? []),
      rule(environment, {
        ...alarm,
        alert: alarm.name,
        expr: `${compared} ${alarm.threshold}`,
        watches: alarm.metric === "app" ? alarm.name : alarm.metric,
        summary: alarmSummary(alarm),
      }),
    ]);
  }
  // `watches` is the rule's own name, as for app alarms: no other alert inhibits it.
  const selfHealth = MONITORING_RULES.map((r) =>
    rule(environment, {
      ...r,
      watches: r.alert,
      summary: r.summary.replaceAll("{for}", describeDuration(r.forSeconds)),
    }),
  );
  groups.set(`webstack-${environment}-monitoring`, selfHealth);
  const document = { groups: [...groups].map(([name, rules]) => ({ name, rules })) };
  return (
    "# Rendered by webstack from components/catalog/alarms.ts and components/alarms/monitoring-\n" +
    "# rules.ts; change those or the stack config, not this file.\n" +
    stringify(document, { lineWidth: 0 })
  );
}
