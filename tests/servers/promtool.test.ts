// The Prometheus rule file each Docker-or-AWS environment would ship, checked by the real promtool:
// `promtool check rules` accepts it, and `promtool test rules` proves for EVERY alert that it fires
// just past its threshold only once its duration has elapsed, stays quiet just inside the
// threshold, and carries the right severity, environment and annotations. The Docker target's
// self-health rules get their own cases: ScrapeTargetDown fires for a target whose `up` is 0 only
// after 5 minutes and never for one that is up; Watchdog fires from the first evaluation.
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { MONITORING_RULES } from "../../components/alarms/monitoring-rules";
import { renderPrometheusRules } from "../../components/alarms/prometheus-rules";
import {
  ALARM_CATALOG,
  TIERS,
  alarmSummary,
  AlarmRule,
  Tier,
  mergeAlarms,
} from "../../components/catalog/alarms";
import { requireBinary, run, scratchDir } from "../support/servers";
import { PROD_APP_ALARMS } from "../support/operations";

type Labels = Record<string, string>;

/** Input series that make an alarm's value equal `value`, and the labels the alert keeps. */
interface Scenario {
  readonly series: ReadonlyArray<{ readonly series: string; readonly values: string }>;
  readonly alertLabels: Labels;
  /** First evaluation (minutes) at which the value exists: rates need two samples. */
  readonly firstMinute: number;
}

const MINUTES = 1600;

function selector(metric: string, labels: Labels): string {
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  return `${metric}{${inner}}`;
}

/** Trims float noise (0.1 * 3 = 0.30000000000000004) from series text. */
function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** A gauge holding `value` for the whole test. */
function gauge(metric: string, labels: Labels, value: number) {
  return { series: selector(metric, labels), values: `${num(value)}+0x${MINUTES}` };
}

/** A counter growing by `perMinute` each minute from zero. */
function counter(metric: string, labels: Labels, perMinute: number) {
  return { series: selector(metric, labels), values: `0+${num(perMinute)}x${MINUTES}` };
}

const NODE = { instance: "app-1:9100", job: "node" };
const MYSQL = { instance: "mysql-replica-0:9104", job: "mysqld" };
const REPLICA = { ...MYSQL, role: "replica" };
const REPLICA_STATUS = { ...REPLICA, master_host: "mysql-primary" };
const REDIS = { instance: "redis:9121", job: "redis" };
const PROBE = { instance: "https://app.example/healthz", job: "blackbox" };
const BACKUP = { instance: "backup:9100", job: "node", kind: "mysql-full" };

const SCENARIOS: Readonly<Record<string, (value: number) => Scenario>> = {
  hostCpuPercent: (v) => ({
    series: [
      counter("node_cpu_seconds_total", { ...NODE, cpu: "0", mode: "user" }, (60 * v) / 100),
      counter("node_cpu_seconds_total", { ...NODE, cpu: "0", mode: "idle" }, 60 - (60 * v) / 100),
    ],
    alertLabels: { instance: NODE.instance },
    firstMinute: 1,
  }),
  hostMemoryPercent: (v) => ({
    series: [
      gauge("node_memory_MemTotal_bytes", NODE, 8e9),
      gauge("node_memory_MemAvailable_bytes", NODE, 8e9 * (1 - v / 100)),
    ],
    alertLabels: NODE,
    firstMinute: 0,
  }),
  diskUsedPercent: (v) => {
    const fs = { ...NODE, device: "/dev/sda1", fstype: "ext4", mountpoint: "/" };
    return {
      series: [
        gauge("node_filesystem_size_bytes", fs, 1e11),
        gauge("node_filesystem_avail_bytes", fs, 1e11 * (1 - v / 100)),
      ],
      alertLabels: fs,
      firstMinute: 0,
    };
  },
  serviceHealthyPercent: (v) => ({
    series: [gauge("probe_success", PROBE, v / 100)],
    alertLabels: PROBE,
    firstMinute: 0,
  }),
  latencyP95Milliseconds: (v) => {
    // Buckets around the target so histogram_quantile's interpolation lands exactly on it:
    // a of N observations at or below q/2, all N at or below 2q.
    const q = v / 1000;
    const [n, rank, f] = [1000, 950, 1 / 3];
    const a = (rank - f * n) / (1 - f);
    const job = { job: "frontend" };
    const bucket = (le: string, perMinute: number) =>
      counter("http_request_duration_seconds_bucket", { ...job, le }, perMinute);
    return {
      series: [bucket(String(q / 2), a), bucket(String(2 * q), n), bucket("+Inf", n)],
      alertLabels: job,
      firstMinute: 1,
    };
  },
  backendAverageSeconds: (v) => ({
    series: [
      counter("http_request_duration_seconds_count", { job: "backend" }, 100),
      counter("http_request_duration_seconds_sum", { job: "backend" }, 100 * v),
    ],
    alertLabels: { job: "backend" },
    firstMinute: 1,
  }),
  errorRatePercent: (v) => ({
    series: [
      counter("http_requests_total", { job: "backend", code: "500" }, 10 * v),
      counter("http_requests_total", { job: "backend", code: "200" }, 1000 - 10 * v),
    ],
    alertLabels: { job: "backend" },
    firstMinute: 1,
  }),
  // probe_success is 0 or 1 per probe; a steady fraction stands for its hourly average.
  availabilityPercent: (v) => ({
    series: [gauge("probe_success", PROBE, v / 100)],
    alertLabels: PROBE,
    firstMinute: 0,
  }),
  dbConnectionsPercent: (v) => ({
    series: [
      gauge("mysql_global_variables_max_connections", MYSQL, 1000),
      gauge("mysql_global_status_threads_connected", MYSQL, 10 * v),
    ],
    alertLabels: MYSQL,
    firstMinute: 0,
  }),
  replicaLagSeconds: (v) => ({
    series: [gauge("mysql_slave_status_seconds_behind_master", MYSQL, v)],
    alertLabels: MYSQL,
    firstMinute: 0,
  }),
  // MariaDB and MySQL 8.0 names; a stopped SQL thread leaves the lag NULL, so no lag series.
  // prometheus.yml labels every series of a replica's exporter `role="replica"`.
  replicationRunning: (v) => ({
    series: [
      gauge("mysql_up", REPLICA, 1),
      gauge("mysql_slave_status_slave_io_running", REPLICA_STATUS, 1),
      gauge("mysql_slave_status_slave_sql_running", REPLICA_STATUS, v),
      ...(v === 1 ? [gauge("mysql_slave_status_seconds_behind_master", REPLICA_STATUS, 0)] : []),
    ],
    alertLabels: REPLICA_STATUS,
    firstMinute: 0,
  }),
  mysqlUp: (v) => ({ series: [gauge("mysql_up", MYSQL, v)], alertLabels: MYSQL, firstMinute: 0 }),
  redisUp: (v) => ({ series: [gauge("redis_up", REDIS, v)], alertLabels: REDIS, firstMinute: 0 }),
  redisMemoryPercent: (v) => ({
    series: [
      gauge("redis_memory_max_bytes", REDIS, 1e9),
      gauge("redis_memory_used_bytes", REDIS, 1e7 * v),
    ],
    alertLabels: REDIS,
    firstMinute: 0,
  }),
  // promtool's clock starts at 0, so an expiry timestamp of v days is v days away at the start.
  certificateDaysLeft: (v) => ({
    series: [gauge("probe_ssl_earliest_cert_expiry", PROBE, v * 86400)],
    alertLabels: PROBE,
    firstMinute: 0,
  }),
  backupLastStatus: (v) => ({
    series: [gauge("webstack_backup_last_status", BACKUP, v)],
    alertLabels: BACKUP,
    firstMinute: 0,
  }),
  backupAgeHours: (v) => ({
    series: [gauge("webstack_backup_last_success_timestamp_seconds", BACKUP, -v * 3600)],
    alertLabels: BACKUP,
    firstMinute: 0,
  }),
  // The PDF alarms prod declares (Pulumi.prod.yaml), on the metrics they read.
  PdfGenerationFailing: (v) => ({
    series: [
      counter("pdf_generation_total", { job: "backend", result: "success" }, 10 * v),
      counter("pdf_generation_total", { job: "backend", result: "error" }, 1000 - 10 * v),
    ],
    alertLabels: {},
    firstMinute: 1,
  }),
  PdfGenerationSlow: (v) => ({
    series: [
      counter("pdf_generation_duration_seconds_count", { job: "backend" }, 10),
      counter("pdf_generation_duration_seconds_sum", { job: "backend" }, 10 * v),
    ],
    alertLabels: {},
    firstMinute: 1,
  }),
  PdfQueueBacklog: (v) => ({
    series: [gauge("pdf_queue_size", { job: "backend", instance: "backend-1:3001" }, v)],
    alertLabels: {},
    firstMinute: 0,
  }),
};

/** Values just past and just inside the threshold; 0/1 metrics only take their two values. */
function fireAndQuietValues(alarm: AlarmRule): [number, number] {
  if (alarm.metric === "serviceHealthyPercent") return [0, 100];
  if (alarm.unit === "status") return [0, 1];
  const step = alarm.threshold * 0.01;
  return alarm.comparison === "above"
    ? [alarm.threshold + step, alarm.threshold - step]
    : [alarm.threshold - step, alarm.threshold + step];
}

function scenarioFor(alarm: AlarmRule): (value: number) => Scenario {
  const scenario = SCENARIOS[alarm.metric === "app" ? alarm.name : alarm.metric];
  if (!scenario) throw new Error(`no promtool scenario for alarm ${alarm.name}`);
  return scenario;
}

/** Two test groups per alarm: the firing case (before and after `for`) and the quiet case. */
function unitTests(alarms: readonly AlarmRule[], environment: string): object[] {
  return alarms.flatMap((alarm) => {
    const [fire, quiet] = fireAndQuietValues(alarm);
    const firing = scenarioFor(alarm)(fire);
    const calm = scenarioFor(alarm)(quiet);
    const forMinutes = alarm.forSeconds / 60;
    const expected = {
      exp_labels: {
        ...firing.alertLabels,
        severity: alarm.severity,
        environment,
        watches: alarm.metric === "app" ? alarm.name : alarm.metric,
      },
      exp_annotations: { summary: alarmSummary(alarm), runbook: alarm.runbook },
    };
    const firesAt = firing.firstMinute + forMinutes;
    return [
      {
        name: `${alarm.name} fires at ${fire} only after ${alarm.forSeconds}s`,
        interval: "1m",
        input_series: firing.series,
        alert_rule_test: [
          ...(forMinutes > 0
            ? [{ eval_time: `${firesAt - 1}m`, alertname: alarm.name, exp_alerts: [] }]
            : []),
          { eval_time: `${firesAt}m`, alertname: alarm.name, exp_alerts: [expected] },
        ],
      },
      {
        name: `${alarm.name} stays quiet at ${quiet}`,
        interval: "1m",
        input_series: calm.series,
        alert_rule_test: [
          {
            eval_time: `${calm.firstMinute + forMinutes + 5}m`,
            alertname: alarm.name,
            exp_alerts: [],
          },
        ],
      },
    ];
  });
}

/** Two scraped targets: node_exporter `app-1` down from the start, redis_exporter `redis` up. */
function selfHealthTests(environment: string): object[] {
  const down = { instance: "app-1", job: "node" };
  const up = { instance: "redis", job: "redis" };
  const targetDown = {
    exp_labels: { ...down, severity: "warning", environment, watches: "ScrapeTargetDown" },
    exp_annotations: {
      summary:
        "Prometheus cannot scrape node target app-1 for 5 minutes: the alarms on its metrics are blind",
      runbook: "docs/operations.md#scrapetargetdown",
    },
  };
  return [
    {
      name: "ScrapeTargetDown fires for the target that is down, only after 5 minutes",
      interval: "1m",
      input_series: [gauge("up", down, 0), gauge("up", up, 1)],
      alert_rule_test: [
        { eval_time: "4m", alertname: "ScrapeTargetDown", exp_alerts: [] },
        { eval_time: "5m", alertname: "ScrapeTargetDown", exp_alerts: [targetDown] },
      ],
    },
    {
      name: "ScrapeTargetDown never fires for a target that is up, and clears when one returns",
      interval: "1m",
      // app-1 is down for 10 minutes (minutes 0-9), then scraped again.
      input_series: [gauge("up", up, 1), { series: selector("up", down), values: "0x9 1x20" }],
      alert_rule_test: [
        { eval_time: "9m", alertname: "ScrapeTargetDown", exp_alerts: [targetDown] },
        { eval_time: "10m", alertname: "ScrapeTargetDown", exp_alerts: [] },
        { eval_time: "30m", alertname: "ScrapeTargetDown", exp_alerts: [] },
      ],
    },
    {
      name: "Watchdog fires from the first evaluation, on no series at all",
      interval: "1m",
      input_series: [],
      alert_rule_test: [
        {
          eval_time: "0m",
          alertname: "Watchdog",
          exp_alerts: [
            {
              exp_labels: { severity: "none", environment, watches: "Watchdog" },
              exp_annotations: {
                summary:
                  "Always firing: proves Prometheus evaluates rules and reaches Alertmanager",
                runbook: "docs/operations.md#watchdog",
              },
            },
          ],
        },
      ],
    },
  ];
}

/** An alert of `name` with these labels, as the catalog describes it. */
function catalogAlert(name: string, labels: Labels, environment: string) {
  const alarm = ALARM_CATALOG.find((a) => a.name === name)!;
  return {
    exp_labels: { ...labels, severity: alarm.severity, environment, watches: alarm.metric },
    exp_annotations: { summary: alarmSummary(alarm), runbook: alarm.runbook },
  };
}

/**
 * Faults whose series differ from the threshold scenarios: MySQL 8.4's names (mysqld_exporter
 * 0.16+ reads SHOW REPLICA STATUS), a replica that answers but reports no replication at all,
 * a replica that is down (MysqlDown's, not ReplicationBroken's), and a backup kind with no
 * metrics at all.
 */
function faultTests(environment: string): object[] {
  const replica = REPLICA;
  const broken = (labels: Labels) => [catalogAlert("ReplicationBroken", labels, environment)];
  const test = (name: string, series: object[], evals: [string, string, object[]][]) => ({
    name,
    interval: "1m",
    input_series: series,
    alert_rule_test: evals.map(([at, alertname, exp_alerts]) => ({
      eval_time: at,
      alertname,
      exp_alerts,
    })),
  });
  const daily = ["mysql-binlog", "files", "redis"].map((kind) =>
    counter("webstack_backup_last_success_timestamp_seconds", { ...BACKUP, kind }, 60),
  );
  return [
    test(
      "MySQL 8.4: a stopped SQL thread on replica_* series breaks replication",
      [
        gauge("mysql_up", replica, 1),
        gauge("mysql_slave_status_replica_io_running", REPLICA_STATUS, 1),
        gauge("mysql_slave_status_replica_sql_running", REPLICA_STATUS, 0),
      ],
      [
        ["1m", "ReplicationBroken", []],
        ["2m", "ReplicationBroken", broken(REPLICA_STATUS)],
      ],
    ),
    test(
      "MySQL 8.4: lag read from seconds_behind_source",
      [gauge("mysql_slave_status_seconds_behind_source", MYSQL, 400)],
      [
        ["5m", "ReplicaLagCritical", [catalogAlert("ReplicaLagCritical", MYSQL, environment)]],
        ["5m", "ReplicaLagWarning", [catalogAlert("ReplicaLagWarning", MYSQL, environment)]],
      ],
    ),
    test(
      "a replica that answers but reports no replication (reset, never started) is broken",
      [gauge("mysql_up", replica, 1)],
      [["2m", "ReplicationBroken", broken(replica)]],
    ),
    test(
      "a replica that does not answer is MysqlDown, not ReplicationBroken",
      [gauge("mysql_up", replica, 0)],
      [
        ["5m", "ReplicationBroken", []],
        ["5m", "MysqlDown", [catalogAlert("MysqlDown", replica, environment)]],
      ],
    ),
    test(
      "the primary (no role) without replication status is healthy",
      [gauge("mysql_up", MYSQL, 1)],
      [["5m", "ReplicationBroken", []]],
    ),
    test(
      "a backup kind with no metrics at all fires once Prometheus holds 26 hours of history",
      [gauge("prometheus_tsdb_lowest_timestamp_seconds", { job: "prometheus" }, 0), ...daily],
      [
        ["1560m", "BackupStale", []],
        [
          "1561m",
          "BackupStale",
          [catalogAlert("BackupStale", { kind: "mysql-full" }, environment)],
        ],
      ],
    ),
    test(
      "a backup metrics file that vanishes keeps counting from its last success",
      [
        gauge("prometheus_tsdb_lowest_timestamp_seconds", { job: "prometheus" }, 0),
        ...daily,
        // Last success at minute 0, the file gone from minute 10 on.
        {
          series: selector("webstack_backup_last_success_timestamp_seconds", BACKUP),
          values: "0x10",
        },
      ],
      [
        ["1559m", "BackupStale", []],
        ["1561m", "BackupStale", [catalogAlert("BackupStale", BACKUP, environment)]],
      ],
    ),
  ];
}

function stackAlarms(tier: Tier): readonly AlarmRule[] {
  return mergeAlarms(ALARM_CATALOG, {}, tier === "prod" ? PROD_APP_ALARMS : {});
}

function writeRuleTests(dir: string, environment: string, alarms: readonly AlarmRule[]): string {
  fs.writeFileSync(path.join(dir, "rules.yml"), renderPrometheusRules({ environment, alarms }));
  const testFile = path.join(dir, "rules.test.yml");
  const document = {
    rule_files: ["rules.yml"],
    evaluation_interval: "1m",
    tests: [
      ...unitTests(alarms, environment),
      ...selfHealthTests(environment),
      ...faultTests(environment),
    ],
  };
  fs.writeFileSync(testFile, stringify(document, { lineWidth: 0 }));
  return testFile;
}

describe("Prometheus rules under promtool", () => {
  let promtool: string;
  let dir: string;

  beforeAll(() => {
    promtool = requireBinary("promtool", "prometheus");
    dir = scratchDir("promtool");
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each(TIERS)("%s: promtool check rules accepts the rule file", (tier) => {
    const envDir = fs.mkdtempSync(path.join(dir, `${tier}-`));
    const alarms = stackAlarms(tier);
    const file = path.join(envDir, "rules.yml");
    fs.writeFileSync(file, renderPrometheusRules({ environment: tier, alarms }));
    const result = run(promtool, ["check", "rules", file]);
    const rules = alarms.length + MONITORING_RULES.length;
    expect(result.stderr + result.stdout).toContain(`SUCCESS: ${rules} rules found`);
    expect(result.status).toBe(0);
  });

  test.each(TIERS)(
    "%s: every alert fires past its threshold only after its duration, with its severity",
    (tier) => {
      const envDir = fs.mkdtempSync(path.join(dir, `${tier}-`));
      const testFile = writeRuleTests(envDir, tier, stackAlarms(tier));
      const result = run(promtool, ["test", "rules", testFile], { timeoutMs: 60_000 });
      expect(result.stdout + result.stderr).toContain("SUCCESS");
      expect(result.status).toBe(0);
    },
  );

  test("the unit tests catch a rule whose threshold drifted from the catalog", () => {
    const envDir = fs.mkdtempSync(path.join(dir, "drift-"));
    const alarms = stackAlarms("prod");
    const testFile = writeRuleTests(envDir, "prod", alarms);
    // Same tests, but the shipped rule now fires at 82 % instead of 80 %.
    const drifted = alarms.map((a) => (a.name === "HostCpuHigh" ? { ...a, threshold: 82 } : a));
    fs.writeFileSync(
      path.join(envDir, "rules.yml"),
      renderPrometheusRules({ environment: "prod", alarms: drifted }),
    );
    const result = run(promtool, ["test", "rules", testFile], { timeoutMs: 60_000 });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("alertname: HostCpuHigh");
  });
});
