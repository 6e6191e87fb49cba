// The Docker operations components' argument rules and pure helpers: every bad argument is refused
// with a message naming the field and what is allowed, before any resource exists; the exporter
// files keep credentials out of places that would mangle or expose them.
import { parse } from "yaml";
import { DockerAlarmsArgs, validateDockerAlarmsArgs } from "../../components/alarms/docker-args";
import {
  mysqldExporterEntrypoint,
  prometheusSpec,
  renderMysqldExporterCnf,
  renderRedisExporterPasswordFile,
} from "../../components/alarms/docker-targets";
import { renderBlackboxConfig } from "../../components/alarms/prometheus-config";
import { ALARM_CATALOG } from "../../components/catalog/alarms";

const alarms: DockerAlarmsArgs = {
  tier: "test",
  namePrefix: "webstack-test",
  alarms: ALARM_CATALOG,
  images: {
    prometheus: "prom/prometheus:v2.53.4",
    alertmanager: "prom/alertmanager:v0.25.0",
    nodeExporter: "prom/node-exporter:v1.8.2",
    mysqldExporter: "prom/mysqld-exporter:v0.15.1",
    redisExporter: "oliver006/redis_exporter:v1.62.0-alpine",
    blackboxExporter: "prom/blackbox-exporter:v0.25.0",
  },
  notify: { routes: { warning: ["log"], critical: ["log"] } },
  mysql: {
    servers: ["mysql-primary", "mysql-replica-1"],
    port: 3306,
    networkName: "webstack-test-data",
    monitorUser: "webstack_monitor",
    monitorPassword: "x",
  },
  redis: { nodes: ["redis"], port: 6379, networkName: "webstack-test-data", authToken: "y" },
  edge: {
    networkName: "webstack-test-edge",
    host: "webstack-test-nginx",
    serverName: "test.labelmedix.com",
    caCertificatePem: "pem",
  },
};

describe("DockerAlarms arguments", () => {
  test("the stacks' shape is accepted", () => {
    expect(() => validateDockerAlarmsArgs("a", alarms)).not.toThrow();
  });

  test("the cluster layout's shape is accepted: six nodes, six fixed addresses", () => {
    const nodes = Array.from({ length: 6 }, (_, n) => `redis-${n}`);
    const addresses = nodes.map((_, n) => `192.168.254.${22 + n}`);
    const redis = { ...alarms.redis, nodes, addresses };
    expect(() => validateDockerAlarmsArgs("a", { ...alarms, redis })).not.toThrow();
  });

  test.each<[string, Partial<DockerAlarmsArgs>, string]>([
    [
      "namePrefix",
      { namePrefix: "Web Stack" },
      `a: namePrefix must be lower-case letters, digits, '_', '.' or '-' (got "Web Stack")`,
    ],
    [
      "latest image",
      { images: { ...alarms.images, prometheus: "prom/prometheus:latest" } },
      `a: images.prometheus must be pinned to a version tag or digest, never "latest" or no tag (got "prom/prometheus:latest")`,
    ],
    [
      "no MySQL server",
      { mysql: { ...alarms.mysql, servers: [] } },
      "a: mysql.servers must list at least one network alias (got [])",
    ],
    [
      "repeated alias",
      { mysql: { ...alarms.mysql, servers: ["mysql-primary", "mysql-primary"] } },
      `a: mysql.servers must not repeat an alias (got ["mysql-primary","mysql-primary"])`,
    ],
    [
      "bad alias",
      { redis: { ...alarms.redis, nodes: ["Redis_1"] } },
      `a: redis.nodes[0] must be a network alias of lower-case letters, digits, '.' or '-' (got "Redis_1")`,
    ],
    [
      "port",
      { redis: { ...alarms.redis, port: 70000 } },
      "a: redis.port must be a port from 1 to 65535 (got 70000)",
    ],
    [
      "fewer fixed exporter addresses than nodes",
      { redis: { ...alarms.redis, nodes: ["redis-0", "redis-1"], addresses: ["192.168.254.22"] } },
      "a: redis.addresses must give one address per entry of redis.nodes (2), in its order (got 1)",
    ],
    [
      "a fixed exporter address that is not IPv4",
      { redis: { ...alarms.redis, addresses: ["192.168.254.300"] } },
      'a: redis.addresses[0] must be an IPv4 address such as 192.168.254.22 (got "192.168.254.300")',
    ],
    [
      "a fixed exporter address twice",
      {
        redis: {
          ...alarms.redis,
          nodes: ["redis-0", "redis-1"],
          addresses: ["192.168.254.22", "192.168.254.22"],
        },
      },
      'a: redis.addresses must not repeat an address (got ["192.168.254.22","192.168.254.22"])',
    ],
    [
      "monitor user",
      { mysql: { ...alarms.mysql, monitorUser: "mon itor" } },
      `a: mysql.monitorUser must be a MySQL user name (got "mon itor")`,
    ],
    [
      "edge host",
      { edge: { ...alarms.edge, serverName: "https://x" } },
      `a: edge.serverName must be a host name (got "https://x")`,
    ],
    [
      "backend",
      { backendMetrics: "backend" },
      `a: backendMetrics must be "host:port" on the edge network (got "backend")`,
    ],
    ["no alarms", { alarms: [] }, "a: alarms must list the stack's alarms (got none)"],
  ])("refuses %s", (_, change, message) => {
    expect(() => validateDockerAlarmsArgs("a", { ...alarms, ...change })).toThrow(message);
  });

  test.each<[string, DockerAlarmsArgs["notify"], string]>([
    [
      "webhook",
      { routes: { warning: ["webhook"], critical: ["webhook"] } },
      'a: secrets.alertWebhookUrl must be set: alerts are routed to webhook ("pulumi config set --secret alertWebhookUrl <value>")',
    ],
    [
      "sms",
      { routes: { warning: ["log"], critical: ["sms"] } },
      'a: secrets.smsWebhookUrl must be set: alerts are routed to sms ("pulumi config set --secret smsWebhookUrl <value>")',
    ],
    [
      "slack",
      { routes: { warning: ["slack"], critical: ["slack"] }, slack: { channel: "#ops" } },
      "a: secrets.slackWebhookUrl must be set: Alertmanager reads /etc/alertmanager/secrets/slack_api_url",
    ],
    [
      "SMTP AUTH",
      {
        routes: { warning: ["email"], critical: ["email"] },
        email: {
          to: ["o@x.com"],
          from: "a@x.com",
          smarthost: "smtp.x.com:587",
          requireTls: true,
          username: "u",
        },
      },
      "a: secrets.smtpPassword must be set: Alertmanager reads /etc/alertmanager/secrets/smtp_password",
    ],
  ])("a %s route without its secret is refused", (_, notify, message) => {
    expect(() => validateDockerAlarmsArgs("a", { ...alarms, notify })).toThrow(message);
  });
});

describe("exporter files", () => {
  test("the mysqld_exporter option file carries no password, whatever characters it has", () => {
    const cnf = renderMysqldExporterCnf({
      host: "mysql-replica-1",
      port: 3306,
      user: "webstack_monitor",
    });
    expect(cnf.split("\n").filter((l) => !l.startsWith("#"))).toEqual([
      "[client]",
      "host=mysql-replica-1",
      "port=3306",
      "user=webstack_monitor",
      "",
    ]);
    expect(() => renderMysqldExporterCnf({ host: "a b", port: 3306, user: "u" })).toThrow(
      'mysqldExporter.host must be a host name (got "a b")',
    );
  });

  test("the entrypoint reads the password file into the exporter's own variable", () => {
    const [shell, flag, script] = mysqldExporterEntrypoint({
      cnfPath: "/etc/mysqld_exporter/my.cnf",
      passwordFile: "/etc/mysqld_exporter/password",
      listenPort: 9104,
    });
    expect([shell, flag]).toEqual(["/bin/sh", "-c"]);
    expect(script).toBe(
      'MYSQLD_EXPORTER_PASSWORD="$(cat /etc/mysqld_exporter/password)" && export MYSQLD_EXPORTER_PASSWORD && exec /bin/mysqld_exporter --config.my-cnf=/etc/mysqld_exporter/my.cnf --web.listen-address=:9104',
    );
  });

  test.each(['pa"ss\\word', "!&#$^<>-", "$PATH{x}"])(
    "the redis_exporter password file keeps %j intact",
    (token) => {
      const file = renderRedisExporterPasswordFile("redis", 6379, token);
      expect(JSON.parse(file)).toEqual({ "redis://redis:6379": token });
    },
  );

  test("exporter targets are aliases derived from the servers', instances the servers' own", () => {
    const spec = prometheusSpec({
      environment: "test",
      mysqlServers: ["mysql-primary", "mysql-replica-1"],
      redisNodes: ["redis"],
      healthUrl: "https://webstack-test-nginx/healthz",
    });
    expect(spec.mysql).toEqual([
      { instance: "mysql-primary", target: "mysqld-exporter-mysql-primary:9104" },
      { instance: "mysql-replica-1", target: "mysqld-exporter-mysql-replica-1:9104" },
    ]);
    expect(spec.redis).toEqual([{ instance: "redis", target: "redis-exporter-redis:9121" }]);
    expect(spec.alertmanagers).toEqual(["alertmanager:9093"]);
  });

  test("the blackbox module verifies the name it is told, not the address it probes", () => {
    const module = parse(
      renderBlackboxConfig({ caFile: "/ca.crt", serverName: "test.labelmedix.com" }),
    ).modules.https_health.http;
    expect(module.headers).toEqual({ Host: "test.labelmedix.com" });
    expect(module.tls_config).toEqual({
      ca_file: "/ca.crt",
      server_name: "test.labelmedix.com",
      min_version: "TLS12",
    });
    expect(() => renderBlackboxConfig({ serverName: "a b" })).toThrow(
      'blackbox.serverName must be a host name (got "a b")',
    );
  });
});
