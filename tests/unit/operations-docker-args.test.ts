// The Docker operations components' argument rules and pure helpers: every bad argument is refused
// with a message naming the field and what is allowed, before any resource exists; the exporter
// files keep credentials out of places that would mangle or expose them.
import { parse } from "yaml";
import {
  mysqldExporterEntrypoint,
  prometheusSpec,
  renderMysqldExporterCnf,
  renderRedisExporterPasswordFile,
} from "../../components/alarms/docker-targets";
import { renderBlackboxConfig } from "../../components/alarms/prometheus-config";

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
      {
        instance: "mysql-replica-1",
        target: "mysqld-exporter-mysql-replica-1:9104",
        role: "replica",
      },
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
  });
});
