// The fault alarms proven by real faults on real servers: a MariaDB primary and replica, Redis,
// the Debian exporters, Prometheus with the rendered prometheus.yml and rule file, and
// Alertmanager with the rendered config posting to a local webhook sink. Each fault is caused for
// real (the replica's SQL thread stopped, Redis and the replica's mysqld shut down, a backup kind's
// metrics file removed) and its alert must reach *firing* in Prometheus' /api/v1/alerts and the
// critical channel's receiver; the healthy stack fires nothing but the Watchdog. Test-only
// overrides, nothing else: 1 s scrape and evaluation intervals, shorter `for` durations and
// BackupStale's window, and Alertmanager's group timing. MariaDB stands in for MySQL (the 8.4
// series names are covered by the promtool tests).
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { renderAlertmanagerConfig } from "../../components/alarms/alertmanager-config";
import { prometheusSpec } from "../../components/alarms/docker-targets";
import { renderPrometheusConfig } from "../../components/alarms/prometheus-config";
import { renderPrometheusRules } from "../../components/alarms/prometheus-rules";
import { ALARM_CATALOG, mergeAlarms } from "../../components/catalog/alarms";
import { Mariadb, startMariadb } from "../support/mariadb";
import {
  Daemon,
  freePorts,
  portAccepts,
  requireBinary,
  scratchDir,
  startListening,
  waitFor,
} from "../support/servers";

const MONITOR = { user: "monitor", password: "Mon-Secret-1234567890" };
const REPLICATION = { user: "repl", password: "Repl-Secret-1234567890" };
const DAILY_KINDS = ["mysql-full", "mysql-binlog", "files", "redis"];

// Test-only: the same rules, with durations a test can wait for (tightening is all a stack may do).
const ALARMS = mergeAlarms(ALARM_CATALOG, {
  ReplicationBroken: { forSeconds: 2 },
  MysqlDown: { forSeconds: 2 },
  RedisDown: { forSeconds: 2 },
  BackupStale: { threshold: 0.01 },
});

interface Alert {
  labels: Record<string, string>;
  state: string;
}

describe("fault alarms fire on real faults", () => {
  let dir: string;
  const daemons: Daemon[] = [];
  const databases: Mariadb[] = [];
  let redis: Daemon;
  let replica: Mariadb;
  let refresh: NodeJS.Timeout | undefined;
  const posts: { receiver: string; status: string; alerts: Alert[] }[] = [];
  const sink = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      posts.push(JSON.parse(body));
      res.writeHead(200).end();
    });
  });
  const textfile = () => path.join(dir, "textfile");
  const metricsFile = (kind: string) => path.join(textfile(), `webstack_backup_${kind}.prom`);
  const removed = new Set<string>();
  let promPort = 0;

  /** The job's textfile metrics as backup.sh writes them (exporters.test.ts runs the real one). */
  function writeBackupMetrics() {
    const now = Math.floor(Date.now() / 1000);
    for (const kind of DAILY_KINDS.filter((k) => !removed.has(k))) {
      const text =
        `webstack_backup_last_status{kind="${kind}"} 1\n` +
        `webstack_backup_last_success_timestamp_seconds{kind="${kind}"} ${now}\n`;
      fs.writeFileSync(`${metricsFile(kind)}.tmp`, text);
      fs.renameSync(`${metricsFile(kind)}.tmp`, metricsFile(kind));
    }
  }

  async function alerts(): Promise<Alert[]> {
    const response = await fetch(`http://127.0.0.1:${promPort}/api/v1/alerts`);
    return ((await response.json()) as { data: { alerts: Alert[] } }).data.alerts;
  }

  /** Waits for `alertname` (with `labels`) firing in Prometheus and posted to the webhook. */
  async function expectFiring(alertname: string, labels: Record<string, string>) {
    const matches = (a: Alert) =>
      a.labels.alertname === alertname &&
      Object.entries(labels).every(([k, v]) => a.labels[k] === v);
    await waitFor(
      `${alertname} firing`,
      async () => (await alerts()).some((a) => matches(a) && a.state === "firing"),
      {
        timeoutMs: 90_000,
        intervalMs: 500,
        describe: () => JSON.stringify(posts),
      },
    );
    await waitFor(`${alertname} at the critical receiver`, () =>
      posts.some(
        (p) => p.receiver === "webhook" && p.status === "firing" && p.alerts.some(matches),
      ),
    );
  }

  beforeAll(async () => {
    for (const [binary, pkg] of [
      ["redis-server", "redis-server"],
      ["prometheus", "prometheus"],
      ["prometheus-alertmanager", "prometheus-alertmanager"],
      ["prometheus-node-exporter", "prometheus-node-exporter"],
      ["prometheus-mysqld-exporter", "prometheus-mysqld-exporter"],
      ["prometheus-redis-exporter", "prometheus-redis-exporter"],
    ]) {
      requireBinary(binary, pkg);
    }
    dir = scratchDir("alarm-faults");
    const [primaryPort, replicaPort, redisPort, node, mysqldPrimary, mysqldReplica, redisExp] =
      await freePorts(7);
    const [am, hook] = await freePorts(2);
    promPort = (await freePorts(1))[0];
    await new Promise<void>((resolve) => sink.listen(hook, "127.0.0.1", resolve));

    // Primary and replica, replicating with GTID; the monitor user replicates too.
    for (const [name, port, id] of [
      ["primary", primaryPort, 1],
      ["replica", replicaPort, 2],
    ] as const) {
      fs.mkdirSync(path.join(dir, name));
      const db = await startMariadb({
        dir: path.join(dir, name),
        port,
        bufferPool: "16M",
        extraArgs: [`--server-id=${id}`],
      });
      databases.push(db);
    }
    const [primary] = databases;
    replica = databases[1];
    primary.rootSql(
      `CREATE USER '${REPLICATION.user}'@'127.0.0.1' IDENTIFIED BY '${REPLICATION.password}';` +
        `GRANT REPLICATION SLAVE ON *.* TO '${REPLICATION.user}'@'127.0.0.1';` +
        `CREATE USER '${MONITOR.user}'@'127.0.0.1' IDENTIFIED BY '${MONITOR.password}';` +
        `GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT ON *.* TO '${MONITOR.user}'@'127.0.0.1';`,
    );
    replica.rootSql(
      `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primaryPort}, ` +
        `MASTER_USER='${REPLICATION.user}', MASTER_PASSWORD='${REPLICATION.password}', ` +
        "MASTER_USE_GTID=slave_pos; START SLAVE;",
    );

    // prettier-ignore
    redis = await startListening("redis-server", "redis-server", [
      "--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
    ], redisPort);
    daemons.push(redis);

    fs.mkdirSync(textfile());
    writeBackupMetrics();
    refresh = setInterval(writeBackupMetrics, 2000);

    const listen = (port: number) => `--web.listen-address=127.0.0.1:${port}`;
    const start = (label: string, command: string, args: string[], env?: NodeJS.ProcessEnv) =>
      daemons.push(new Daemon(label, command, args, env ? { env } : {}));
    start("node_exporter", "prometheus-node-exporter", [
      listen(node),
      `--collector.textfile.directory=${textfile()}`,
    ]);
    for (const [port, db] of [
      [mysqldPrimary, primaryPort],
      [mysqldReplica, replicaPort],
    ]) {
      // The Debian exporter (0.14) takes its login from DATA_SOURCE_NAME.
      start(`mysqld_exporter-${db}`, "prometheus-mysqld-exporter", [listen(port)], {
        ...process.env,
        DATA_SOURCE_NAME: `${MONITOR.user}:${MONITOR.password}@tcp(127.0.0.1:${db})/`,
      });
    }
    start("redis_exporter", "prometheus-redis-exporter", [
      `--redis.addr=redis://127.0.0.1:${redisPort}`,
      listen(redisExp),
    ]);

    // Alertmanager as rendered: critical alerts to the webhook channel, warnings to the log.
    const amConfig = path.join(dir, "alertmanager.yml");
    fs.writeFileSync(
      amConfig,
      renderAlertmanagerConfig({
        environment: "test",
        routes: { warning: ["log"], critical: ["webhook"] },
        webhook: { url: `http://127.0.0.1:${hook}/hook` },
        timing: { groupWaitSeconds: 1, groupIntervalSeconds: 1, repeatIntervalSeconds: 3600 },
      }),
    );
    start("alertmanager", "prometheus-alertmanager", [
      `--config.file=${amConfig}`,
      `--storage.path=${path.join(dir, "am")}`,
      listen(am),
      "--cluster.listen-address=",
    ]);

    // Prometheus as rendered, the production instance names on loopback addresses.
    const spec = prometheusSpec({
      environment: "test",
      mysqlServers: ["mysql-primary", "mysql-replica-1"],
      redisNodes: ["redis"],
      healthUrl: "https://webstack-test-nginx/healthz",
    });
    const local = (port: number) => `127.0.0.1:${port}`;
    const config = renderPrometheusConfig({
      ...spec,
      probes: undefined,
      alertmanagers: [local(am)],
      node: spec.node.map((t) => ({ ...t, target: local(node) })),
      mysql: spec.mysql.map((t, i) => ({ ...t, target: local([mysqldPrimary, mysqldReplica][i]) })),
      redis: spec.redis.map((t) => ({ ...t, target: local(redisExp) })),
    })
      .replace("localhost:9090", local(promPort))
      .replaceAll("15s", "1s");
    const promDir = path.join(dir, "prometheus");
    fs.mkdirSync(path.join(promDir, "rules"), { recursive: true });
    fs.writeFileSync(path.join(promDir, "prometheus.yml"), config);
    fs.writeFileSync(
      path.join(promDir, spec.ruleFiles[0]),
      renderPrometheusRules({ environment: "test", alarms: ALARMS }),
    );
    start("prometheus", "prometheus", [
      `--config.file=${path.join(promDir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "tsdb")}`,
      listen(promPort),
    ]);
    for (const port of [node, mysqldPrimary, mysqldReplica, redisExp, am, promPort]) {
      await waitFor(`port ${port}`, () => portAccepts(port));
    }
  }, 120_000);

  afterAll(async () => {
    clearInterval(refresh);
    await Promise.all(daemons.map((d) => d.stop()));
    await Promise.all(databases.map((db) => db.stop()));
    sink.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("healthy: every target up, replication running, only the Watchdog fires", async () => {
    const query = async (expr: string) => {
      const url = `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`;
      return ((await (await fetch(url)).json()) as { data: { result: unknown[] } }).data.result;
    };
    await waitFor(
      "all targets up and the replica's threads scraped",
      async () =>
        (await query("up == 1")).length === 5 &&
        (await query('mysql_slave_status_slave_sql_running{instance="mysql-replica-1"} == 1'))
          .length === 1,
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    // Longer than every shortened `for` and BackupStale's 36 s window.
    await new Promise((resolve) => setTimeout(resolve, 40_000));
    // Firing only: the host's own CPU may be pending on a busy machine, never for 5 minutes here.
    const firing = (await alerts()).filter((a) => a.state === "firing");
    expect(firing.map((a) => a.labels.alertname)).toEqual(["Watchdog"]);
    expect(posts).toEqual([]);
  }, 120_000);

  test("the replica's SQL thread stopped: ReplicationBroken", async () => {
    replica.rootSql("STOP SLAVE SQL_THREAD;");
    await expectFiring("ReplicationBroken", { instance: "mysql-replica-1", role: "replica" });
  }, 120_000);

  test("Redis shut down, its exporter up: RedisDown", async () => {
    await redis.stop();
    await expectFiring("RedisDown", { instance: "redis" });
  }, 120_000);

  test("the replica's mysqld stopped, its exporter up: MysqlDown, not ReplicationBroken", async () => {
    await replica.stop();
    await expectFiring("MysqlDown", { instance: "mysql-replica-1" });
    await waitFor(
      "ReplicationBroken resolved",
      async () => (await alerts()).every((a) => a.labels.alertname !== "ReplicationBroken"),
      { timeoutMs: 30_000 },
    );
  }, 120_000);

  test("a backup kind's metrics file removed: BackupStale for that kind", async () => {
    removed.add("mysql-full");
    fs.rmSync(metricsFile("mysql-full"));
    await expectFiring("BackupStale", { kind: "mysql-full" });
    const stale = (await alerts()).filter((a) => a.labels.alertname === "BackupStale");
    expect(stale.map((a) => a.labels.kind)).toEqual(["mysql-full"]);
  }, 120_000);
});
