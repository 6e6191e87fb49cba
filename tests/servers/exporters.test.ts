// The Docker monitoring stack for real, on loopback: MariaDB (standing in for MySQL 8) with the
// rendered metrics and backup users, redis-server, node_exporter reading the textfile metrics the
// real backup.sh wrote, mysqld_exporter, redis_exporter with the rendered password file,
// blackbox_exporter with the rendered module probing a TLS server through the private CA, and a
// real Prometheus with the rendered prometheus.yml (addresses remapped only) and the rule file.
// Proves every metric the rules read is really scraped, under the instance the alerts name.
// Debian ships older exporters than the pinned images (mysqld_exporter 0.14, which predates the
// MYSQLD_EXPORTER_PASSWORD variable the container uses: here it logs in through DATA_SOURCE_NAME).
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { ALARM_CATALOG } from "../../components/catalog/alarms";
import {
  HOST_INSTANCE,
  prometheusSpec,
  renderRedisExporterPasswordFile,
} from "../../components/alarms/docker-targets";
import {
  renderBlackboxConfig,
  renderPrometheusConfig,
} from "../../components/alarms/prometheus-config";
import { MONITORING_RULES } from "../../components/alarms/monitoring-rules";
import { renderPrometheusRules } from "../../components/alarms/prometheus-rules";
import { OPERATIONS_USERS } from "../../components/catalog/mysql";
import { backupJobEnv, installBackupScripts } from "../support/backup-job";
import { Mariadb, runPrimaryInit, startMariadb } from "../support/mariadb";
import {
  Daemon,
  freePorts,
  portAccepts,
  requireBinary,
  run,
  scratchDir,
  startListening,
  waitFor,
} from "../support/servers";

const PASSWORDS = {
  app: "App-Secret-1234567890",
  replication: "Repl-Secret-1234567890",
  backup: "Back#up;Secret$x=1234",
  monitor: "Mon#itor;Secret$PATH%(x)",
  redis: "Redis!&#$^<>-token-12345",
};
const SERVER_NAME = "test.labelmedix.com";

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe("the rendered monitoring config against the real exporters and Prometheus", () => {
  let dir: string;
  const daemons: Daemon[] = [];
  let db: Mariadb | undefined;
  let tlsServer: https.Server | undefined;
  let ports: Record<
    | "mysql"
    | "redis"
    | "node"
    | "mysqld"
    | "redisExp"
    | "blackbox"
    | "prometheus"
    | "tls"
    | "alertmanager",
    number
  >;
  let certNotAfter = 0;

  const file = (name: string, text: string, mode = 0o644) => {
    const target = path.join(dir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text, { mode });
    return target;
  };
  const start = (label: string, command: string, args: string[], env?: NodeJS.ProcessEnv) => {
    const daemon = new Daemon(label, command, args, env ? { env } : {});
    daemons.push(daemon);
    return daemon;
  };
  const must = (what: string, result: { status: number | null; stderr: string }) => {
    if (result.status !== 0) throw new Error(`${what} failed: ${result.stderr}`);
  };

  async function query(expr: string): Promise<Sample[]> {
    const url = `http://127.0.0.1:${ports.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`;
    const body = (await (await fetch(url)).json()) as { data: { result: Sample[] } };
    return body.data.result;
  }

  beforeAll(async () => {
    for (const [binary, pkg] of [
      ["mariadb-dump", "mariadb-client"],
      ["redis-server", "redis-server"],
      ["redis-cli", "redis-tools"],
      ["prometheus", "prometheus"],
      ["prometheus-node-exporter", "prometheus-node-exporter"],
      ["prometheus-mysqld-exporter", "prometheus-mysqld-exporter"],
      ["prometheus-redis-exporter", "prometheus-redis-exporter"],
      ["prometheus-blackbox-exporter", "prometheus-blackbox-exporter"],
      ["openssl", "openssl"],
    ]) {
      requireBinary(binary, pkg);
    }
    dir = scratchDir("exporters");
    const [mysql, redis, node, mysqld, redisExp, blackbox, prometheus, tls, alertmanager] =
      await freePorts(9);
    ports = { mysql, redis, node, mysqld, redisExp, blackbox, prometheus, tls, alertmanager };

    // MariaDB with the operations users exactly as the primary's first-start script makes them.
    db = await startMariadb({ dir, port: ports.mysql, bufferPool: "32M" });
    const secrets = runPrimaryInit(db, {
      dir,
      database: "labelmedix",
      appUser: "labelmedix_app",
      passwords: PASSWORDS,
    });
    // Redis with an AUTH token full of the characters generated tokens use.
    // prettier-ignore
    daemons.push(await startListening("redis-server", "redis-server", [
      "--port", String(ports.redis), "--bind", "127.0.0.1", "--save", "",
      "--requirepass", PASSWORDS.redis, "--maxmemory", "64mb",
    ], ports.redis));

    // The real backup.sh writes the textfile metrics node_exporter serves.
    const textfile = path.join(dir, "textfile");
    must(
      "backup.sh mysql-full",
      run(installBackupScripts(path.join(dir, "bin")).backup, ["mysql-full"], {
        env: backupJobEnv({
          BACKUP_DIR: path.join(dir, "backups"),
          METRICS_DIR: textfile,
          MYSQL_HOST: "127.0.0.1",
          MYSQL_PORT: String(ports.mysql),
          MYSQL_USER: OPERATIONS_USERS.backup,
          MYSQL_PASSWORD_FILE: secrets.backup,
        }),
        timeoutMs: 60_000,
      }),
    );

    // A TLS server standing in for the edge: a private CA, a certificate for the stack's name,
    // and /healthz answered only for that Host, as Nginx's server block does.
    const ssl = (args: string[]) => must(`openssl ${args[0]}`, run("openssl", args, { cwd: dir }));
    ssl([
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "30",
      "-subj",
      "/CN=webstack-test edge CA",
    ]);
    ssl([
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
      "-subj",
      `/CN=${SERVER_NAME}`,
    ]);
    file("san.ext", `subjectAltName=DNS:${SERVER_NAME}\n`);
    ssl([
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.crt",
      "-days",
      "20",
      "-extfile",
      "san.ext",
    ]);
    const enddate = run("openssl", [
      "x509",
      "-enddate",
      "-noout",
      "-in",
      path.join(dir, "server.crt"),
    ]);
    certNotAfter = Date.parse(enddate.stdout.trim().replace("notAfter=", "")) / 1000;
    tlsServer = https.createServer(
      {
        key: fs.readFileSync(path.join(dir, "server.key")),
        cert: fs.readFileSync(path.join(dir, "server.crt")),
        minVersion: "TLSv1.2",
      },
      (req, res) => {
        const ok = req.url === "/healthz" && req.headers.host === SERVER_NAME;
        res.writeHead(ok ? 200 : 404).end(ok ? "ok\n" : "no\n");
      },
    );
    await new Promise<void>((resolve) => tlsServer!.listen(ports.tls, "127.0.0.1", resolve));

    // The exporters, each with its rendered piece; listen addresses are the only change.
    const listen = (port: number) => `--web.listen-address=127.0.0.1:${port}`;
    start("node_exporter", "prometheus-node-exporter", [
      listen(ports.node),
      `--collector.textfile.directory=${textfile}`,
    ]);
    start("mysqld_exporter", "prometheus-mysqld-exporter", [listen(ports.mysqld)], {
      ...process.env,
      DATA_SOURCE_NAME: `${OPERATIONS_USERS.monitor}:${PASSWORDS.monitor}@tcp(127.0.0.1:${ports.mysql})/`,
    });
    const redisPasswords = file(
      "redis_exporter/passwords.json",
      renderRedisExporterPasswordFile("127.0.0.1", ports.redis, PASSWORDS.redis),
      0o600,
    );
    start("redis_exporter", "prometheus-redis-exporter", [
      `--redis.addr=redis://127.0.0.1:${ports.redis}`,
      `--redis.password-file=${redisPasswords}`,
      listen(ports.redisExp),
    ]);
    const blackboxYml = file(
      "blackbox.yml",
      renderBlackboxConfig({ caFile: path.join(dir, "ca.crt"), serverName: SERVER_NAME }),
    );
    start("blackbox_exporter", "prometheus-blackbox-exporter", [
      `--config.file=${blackboxYml}`,
      listen(ports.blackbox),
    ]);

    // Prometheus with the rendered config: the production instance names, loopback addresses.
    const spec = prometheusSpec({
      environment: "test",
      mysqlServers: ["mysql-primary"],
      redisNodes: ["redis"],
      healthUrl: "https://webstack-test-nginx/healthz",
    });
    const local = (port: number) => `127.0.0.1:${port}`;
    const remapped = {
      ...spec,
      alertmanagers: [local(ports.alertmanager)],
      node: spec.node.map((t) => ({ ...t, target: local(ports.node) })),
      mysql: spec.mysql.map((t) => ({ ...t, target: local(ports.mysqld) })),
      redis: spec.redis.map((t) => ({ ...t, target: local(ports.redisExp) })),
      probes: { exporter: local(ports.blackbox), urls: [`https://127.0.0.1:${ports.tls}/healthz`] },
    };
    const config = file(
      "prometheus/prometheus.yml",
      renderPrometheusConfig(remapped).replace("localhost:9090", local(ports.prometheus)),
    );
    file(
      `prometheus/${spec.ruleFiles[0]}`,
      renderPrometheusRules({ environment: "test", alarms: ALARM_CATALOG }),
    );
    const prom = start("prometheus", "prometheus", [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, "tsdb")}`,
      `--web.listen-address=${local(ports.prometheus)}`,
    ]);
    await waitFor("Prometheus", () => portAccepts(ports.prometheus), {
      timeoutMs: 20_000,
      describe: () => prom.log,
    });
    // Every scrape job has scraped once (15 s interval, offsets spread within it).
    await waitFor(
      "every target scraped",
      async () => (await query("up")).length >= 5 && (await query("probe_success")).length === 1,
      {
        timeoutMs: 40_000,
        intervalMs: 1000,
        describe: () => daemons.map((d) => `${d.label}: ${d.log.slice(-400)}`).join("\n"),
      },
    );
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) =>
      tlsServer ? tlsServer.close(() => resolve()) : resolve(),
    );
    for (const daemon of daemons.reverse()) await daemon.stop();
    await db?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("every exporter target is up, under the instance the alerts name", async () => {
    const up = (await query("up")).map((s) => [s.metric.job, s.metric.instance, s.value[1]]);
    expect(up.filter(([job]) => job !== "prometheus" && job !== "blackbox").sort()).toEqual([
      ["mysqld", "mysql-primary", "1"],
      ["node", HOST_INSTANCE, "1"],
      ["redis", "redis", "1"],
    ]);
  });

  test.each([
    ["node_cpu_seconds_total", "node", HOST_INSTANCE],
    ["node_memory_MemAvailable_bytes", "node", HOST_INSTANCE],
    ["node_memory_MemTotal_bytes", "node", HOST_INSTANCE],
    ["node_filesystem_avail_bytes", "node", HOST_INSTANCE],
    ["node_filesystem_size_bytes", "node", HOST_INSTANCE],
    ["mysql_global_status_threads_connected", "mysqld", "mysql-primary"],
    ["mysql_global_variables_max_connections", "mysqld", "mysql-primary"],
    ["redis_memory_used_bytes", "redis", "redis"],
    ["redis_memory_max_bytes", "redis", "redis"],
  ])("%s is scraped from %s as %s", async (metric, job, instance) => {
    const samples = await query(metric);
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.every((s) => s.metric.job === job && s.metric.instance === instance)).toBe(true);
  });

  test("the metrics user sees max_connections and Redis reports its maxmemory", async () => {
    const [maxConnections] = await query("mysql_global_variables_max_connections");
    expect(Number(maxConnections.value[1])).toBeGreaterThan(0);
    const [maxMemory] = await query("redis_memory_max_bytes");
    expect(Number(maxMemory.value[1])).toBe(64 * 1024 * 1024);
  });

  test("the probe reaches /healthz with the CA, SNI and Host, and reads the certificate's expiry", async () => {
    const [success] = await query("probe_success");
    expect(success.metric.instance).toBe(`https://127.0.0.1:${ports.tls}/healthz`);
    expect(success.value[1]).toBe("1");
    const [expiry] = await query("probe_ssl_earliest_cert_expiry");
    expect(Number(expiry.value[1])).toBe(certNotAfter);
  });

  test("the backup job's textfile metrics arrive through node_exporter", async () => {
    const [status] = await query('webstack_backup_last_status{kind="mysql-full"}');
    expect(status.value[1]).toBe("1");
    const [last] = await query('webstack_backup_last_success_timestamp_seconds{kind="mysql-full"}');
    expect(Date.now() / 1000 - Number(last.value[1])).toBeLessThan(300);
  });

  test("Prometheus loaded every catalog and self-health rule and evaluates them without error", async () => {
    await waitFor(
      "a rule evaluation",
      async () => {
        const body = (await (
          await fetch(`http://127.0.0.1:${ports.prometheus}/api/v1/rules`)
        ).json()) as {
          data: { groups: { rules: { health: string }[] }[] };
        };
        const rules = body.data.groups.flatMap((g) => g.rules);
        return (
          rules.length === ALARM_CATALOG.length + MONITORING_RULES.length &&
          rules.every((r) => r.health === "ok")
        );
      },
      { timeoutMs: 20_000, intervalMs: 1000 },
    );
    // Only the certificate, 20 days from expiry, is wrong here; everything else holds or needs
    // its condition to last minutes first. The Watchdog fires always, by design.
    const firing = async () => {
      const url = `http://127.0.0.1:${ports.prometheus}/api/v1/alerts`;
      const body = (await (await fetch(url)).json()) as {
        data: { alerts: { state: string; labels: Record<string, string> }[] };
      };
      return body.data.alerts
        .filter((a) => a.state === "firing")
        .map((a) => a.labels.alertname)
        .sort();
    };
    await waitFor("the certificate alert", async () => (await firing()).length > 1, {
      timeoutMs: 20_000,
      intervalMs: 1000,
    });
    expect(await firing()).toEqual(["CertificateExpiringWarning", "Watchdog"]);
  });
});
