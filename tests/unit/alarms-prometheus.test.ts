// The Prometheus rule renderer as a plain function: the labels and annotations every rule must
// carry, the exporter metrics each alarm reads, and how stack tightening and app alarms appear.
// (tests/servers/promtool.test.ts proves the rules' behaviour with the real promtool.)
import { parse } from "yaml";
import {
  dailyBackupKinds,
  promDuration,
  renderPrometheusRules,
} from "../../components/alarms/prometheus-rules";
import { ALARM_CATALOG, mergeAlarms, SEED_PDF_ALARMS } from "../../components/catalog/alarms";

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function rules(text: string): Rule[] {
  const doc = parse(text) as { groups: Array<{ name: string; rules: Rule[] }> };
  return doc.groups.flatMap((g) => g.rules);
}

function rule(all: Rule[], name: string): Rule {
  const found = all.find((r) => r.alert === name);
  if (!found) throw new Error(`no rule ${name}`);
  return found;
}

describe("renderPrometheusRules", () => {
  const prod = rules(
    renderPrometheusRules({
      environment: "prod",
      alarms: mergeAlarms(ALARM_CATALOG, {}, SEED_PDF_ALARMS),
    }),
  );

  test("every rule carries severity, environment, summary and runbook", () => {
    expect(prod).toHaveLength(ALARM_CATALOG.length + 3);
    for (const r of prod) {
      expect(Object.keys(r.labels).sort()).toEqual(["environment", "severity", "watches"]);
      expect(r.labels.environment).toBe("prod");
      expect(["warning", "critical"]).toContain(r.labels.severity);
      expect(r.annotations.summary).toMatch(/\S/);
      expect(r.annotations.runbook).toBe(`docs/operations.md#${r.alert.toLowerCase()}`);
    }
  });

  // Alarm, a fragment of its expression that shows the exporter metric and the unit, and `for`.
  test.each([
    [
      "HostCpuHigh",
      '100 * sum by (instance) (rate(node_cpu_seconds_total{mode!~"idle|iowait|steal"}[5m]))',
      "5m",
    ],
    [
      "HostMemoryHigh",
      "100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) > 85",
      "5m",
    ],
    ["DiskSpaceCritical", "100 * (1 - node_filesystem_avail_bytes{", "1m"],
    ["ServiceDown", "100 * probe_success < 100", "1m"],
    [
      "LatencyP95High",
      "1000 * histogram_quantile(0.95, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m]))) > 1000",
      "5m",
    ],
    ["BackendSlow", 'rate(http_request_duration_seconds_sum{job="backend"}[5m])', "5m"],
    [
      "ErrorRateHigh",
      '100 * sum by (job) (rate(http_requests_total{code=~"5.."}[2m])) / sum by (job) (rate(http_requests_total[2m])) > 5',
      "2m",
    ],
    ["AvailabilityLow", "100 * avg_over_time(probe_success[1h]) < 99", "1m"],
    [
      "DbConnectionsHigh",
      "100 * mysql_global_status_threads_connected / mysql_global_variables_max_connections > 80",
      "5m",
    ],
    ["ReplicaLagWarning", "mysql_slave_status_seconds_behind_master > 30", "5m"],
    ["ReplicaLagCritical", "mysql_slave_status_seconds_behind_master > 300", "5m"],
    ["RedisMemoryHigh", "100 * redis_memory_used_bytes / (redis_memory_max_bytes > 0) > 85", "5m"],
    [
      "CertificateExpiringWarning",
      "(probe_ssl_earliest_cert_expiry - time()) / 86400 < 30",
      undefined,
    ],
    [
      "CertificateExpiringCritical",
      "(probe_ssl_earliest_cert_expiry - time()) / 86400 < 7",
      undefined,
    ],
    ["BackupFailed", "webstack_backup_last_status < 1", undefined],
    ["BackupStale", "(time() - webstack_backup_last_success_timestamp_seconds{", undefined],
    ["PdfQueueBacklog", "(max(pdf_queue_size)) > 50", "5m"],
  ])("%s reads %s", (name, fragment, duration) => {
    expect(rule(prod, name).expr).toContain(fragment);
    expect(rule(prod, name).for).toBe(duration);
  });

  test("staleness covers the backups that run at least daily, not the weekly config", () => {
    expect(dailyBackupKinds()).toEqual(["mysql-full", "mysql-binlog", "files", "redis"]);
    expect(rule(prod, "BackupStale").expr).toBe(
      '(time() - webstack_backup_last_success_timestamp_seconds{kind=~"mysql-full|mysql-binlog|files|redis"}) / 3600 > 26',
    );
  });

  test("a tightened alarm renders its stack's threshold and duration", () => {
    const text = renderPrometheusRules({
      environment: "staging",
      alarms: mergeAlarms(ALARM_CATALOG, { RedisMemoryHigh: { threshold: 75, forSeconds: 120 } }),
    });
    const redis = rule(rules(text), "RedisMemoryHigh");
    expect(redis.expr.endsWith("> 75")).toBe(true);
    expect(redis.for).toBe("2m");
    expect(redis.annotations.summary).toBe("Redis memory above 75 % of maxmemory for 2 minutes");
  });

  test("the backend job and runbook base can be set", () => {
    const text = renderPrometheusRules({
      environment: "dev",
      alarms: ALARM_CATALOG,
      backendJob: "api",
      runbookBaseUrl: "https://github.com/labelmedix/webstack/blob/main/",
    });
    const slow = rule(rules(text), "BackendSlow");
    expect(slow.expr).toContain('{job="api"}');
    expect(slow.annotations.runbook).toBe(
      "https://github.com/labelmedix/webstack/blob/main/docs/operations.md#backendslow",
    );
  });

  test.each([
    [300, "5m"],
    [60, "1m"],
    [3600, "1h"],
    [90, "90s"],
    [5400, "90m"],
  ])("%d s is written %s", (seconds, text) => {
    expect(promDuration(seconds)).toBe(text);
  });

  test("refuses an environment name Prometheus labels should not carry", () => {
    expect(() => renderPrometheusRules({ environment: "Prod env", alarms: [] })).toThrow(
      'environment must be a lower-case name such as "prod" (got "Prod env")',
    );
  });
});
