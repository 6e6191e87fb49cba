// The Prometheus rule renderer as a plain function: the labels and annotations every rule must
// carry, the exporter metrics each alarm reads, how stack tightening and app alarms appear, and the
// Docker target's self-health rules rendered beside them.
// (tests/servers/promtool.test.ts proves the rules' behaviour with the real promtool.)
import { parse } from "yaml";
import {
  dailyBackupKinds,
  promDuration,
  renderPrometheusRules,
} from "../../components/alarms/prometheus-rules";
import { ALARM_CATALOG, mergeAlarms } from "../../components/catalog/alarms";
import { PROD_APP_ALARMS } from "../support/operations";

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

type Group = { name: string; rules: Rule[] };

function groups(text: string): Group[] {
  return (parse(text) as { groups: Group[] }).groups;
}

/** The catalog's and the stack's alarms: every group but the self-health one. */
function rules(text: string): Rule[] {
  return groups(text)
    .filter((g) => !g.name.endsWith("-monitoring"))
    .flatMap((g) => g.rules);
}

function monitoring(text: string): Rule[] {
  return groups(text).find((g) => g.name.endsWith("-monitoring"))?.rules ?? [];
}

function rule(all: Rule[], name: string): Rule {
  const found = all.find((r) => r.alert === name);
  if (!found) throw new Error(`no rule ${name}`);
  return found;
}

describe("renderPrometheusRules", () => {
  const prodText = renderPrometheusRules({
    environment: "prod",
    alarms: mergeAlarms(ALARM_CATALOG, {}, PROD_APP_ALARMS),
  });
  const prod = rules(prodText);

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
    ["ReplicaLagWarning", "_behind_master or mysql_slave_status_seconds_behind_source) > 30", "5m"],
    [
      "ReplicaLagCritical",
      "_behind_master or mysql_slave_status_seconds_behind_source) > 300",
      "5m",
    ],
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
    [
      "BackupStale",
      "(time() - max_over_time(webstack_backup_last_success_timestamp_seconds{",
      undefined,
    ],
    [
      "ReplicationBroken",
      "mysql_slave_status_replica_io_running * mysql_slave_status_replica_sql_running",
      "2m",
    ],
    ["MysqlDown", "mysql_up < 1", "1m"],
    ["RedisDown", "redis_up < 1", "1m"],
    ["PdfQueueBacklog", "(max(pdf_queue_size)) > 50", "5m"],
  ])("%s reads %s", (name, fragment, duration) => {
    expect(rule(prod, name).expr).toContain(fragment);
    expect(rule(prod, name).for).toBe(duration);
  });

  test("staleness covers the backups that run at least daily, not the weekly config", () => {
    expect(dailyBackupKinds()).toEqual(["mysql-full", "mysql-binlog", "files", "redis"]);
    const expr = rule(prod, "BackupStale").expr;
    expect(expr).toContain('{kind=~"mysql-full|mysql-binlog|files|redis"}[26h]');
    for (const kind of dailyBackupKinds()) {
      expect(expr).toContain(
        `absent_over_time(webstack_backup_last_success_timestamp_seconds{kind="${kind}"}[26h])`,
      );
    }
    expect(expr).not.toContain("config");
    expect(expr).toContain("(time() - prometheus_tsdb_lowest_timestamp_seconds) > 93600");
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

  test("the self-health rules follow in their own group, named after the environment", () => {
    expect(groups(prodText).map((g) => g.name)).toEqual([
      "webstack-prod-host",
      "webstack-prod-availability",
      "webstack-prod-http",
      "webstack-prod-mysql",
      "webstack-prod-redis",
      "webstack-prod-tls",
      "webstack-prod-backup",
      "webstack-prod-application",
      "webstack-prod-monitoring",
    ]);
    expect(monitoring(prodText).map((r) => r.alert)).toEqual(["ScrapeTargetDown", "Watchdog"]);
  });

  test("ScrapeTargetDown: any target Prometheus cannot scrape for 5 minutes, a warning", () => {
    const down = rule(monitoring(prodText), "ScrapeTargetDown");
    expect(down).toEqual({
      alert: "ScrapeTargetDown",
      expr: "up == 0",
      for: "5m",
      labels: { severity: "warning", environment: "prod", watches: "ScrapeTargetDown" },
      annotations: {
        summary:
          "Prometheus cannot scrape {{ $labels.job }} target {{ $labels.instance }} for 5 minutes: the alarms on its metrics are blind",
        runbook: "docs/operations.md#scrapetargetdown",
      },
    });
  });

  test("Watchdog always fires at once, with a severity no severity route matches", () => {
    const watchdog = rule(monitoring(prodText), "Watchdog");
    expect(watchdog.expr).toBe("vector(1)");
    expect(watchdog.for).toBeUndefined();
    expect(watchdog.labels).toEqual({ severity: "none", environment: "prod", watches: "Watchdog" });
    expect(watchdog.annotations.runbook).toBe("docs/operations.md#watchdog");
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
});
