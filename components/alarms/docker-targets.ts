// Where the Docker monitoring containers live and what Prometheus scrapes: one exporter per
// watched server, each reachable on the stack's monitoring network by an alias derived from the
// server's own alias, and the prometheus.yml spec that ties them together. Pure: no Pulumi import,
// so the program, the unit tests and the real-exporter test compute the same targets.
import type { PrometheusConfigSpec } from "./prometheus-config";

/** Ports the exporters and servers listen on inside their containers (their images' defaults). */
export const MONITORING_PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  node: 9100,
  mysqld: 9104,
  redis: 9121,
  blackbox: 9115,
} as const;

/** The Docker host as alerts name it: node_exporter watches the host, not a container. */
export const HOST_INSTANCE = "docker-host";

/** Paths inside the containers; rule_files is relative to prometheus.yml. */
export const PATHS = {
  prometheusConfig: "/etc/prometheus/prometheus.yml",
  prometheusRules: "/etc/prometheus/rules/webstack.rules.yml",
  prometheusRulesRelative: "rules/webstack.rules.yml",
  prometheusData: "/prometheus",
  alertmanagerConfig: "/etc/alertmanager/alertmanager.yml",
  alertmanagerSecrets: "/etc/alertmanager/secrets",
  alertmanagerData: "/alertmanager",
  blackboxConfig: "/etc/blackbox_exporter/config.yml",
  blackboxCa: "/etc/blackbox_exporter/edge-ca.crt",
  textfile: "/var/lib/node_exporter/textfile",
} as const;

export const mysqldExporterAlias = (serverAlias: string) => `mysqld-exporter-${serverAlias}`;
export const redisExporterAlias = (nodeAlias: string) => `redis-exporter-${nodeAlias}`;

/**
 * The prometheus.yml spec for the servers the alarms watch, by the aliases they carry on their own
 * networks (MySQL primary first): node_exporter for the host, one mysqld_exporter per MySQL server
 * and one redis_exporter per Redis node with `instance` = the server's alias (what the policies
 * read), the blackbox probe of the edge's health URL, and the backend's /metrics when given.
 */
export function prometheusSpec(servers: {
  readonly environment: string;
  readonly mysqlServers: readonly string[];
  readonly redisNodes: readonly string[];
  readonly healthUrl: string;
  readonly backend?: string;
}): PrometheusConfigSpec {
  const at = (host: string, port: number) => `${host}:${port}`;
  return {
    environment: servers.environment,
    ruleFiles: [PATHS.prometheusRulesRelative],
    alertmanagers: [at("alertmanager", MONITORING_PORTS.alertmanager)],
    node: [{ instance: HOST_INSTANCE, target: at("node-exporter", MONITORING_PORTS.node) }],
    mysql: servers.mysqlServers.map((alias, i) => ({
      instance: alias,
      target: at(mysqldExporterAlias(alias), MONITORING_PORTS.mysqld),
      ...(i > 0 && { role: "replica" as const }),
    })),
    redis: servers.redisNodes.map((alias) => ({
      instance: alias,
      target: at(redisExporterAlias(alias), MONITORING_PORTS.redis),
    })),
    probes: {
      exporter: at("blackbox-exporter", MONITORING_PORTS.blackbox),
      urls: [servers.healthUrl],
    },
    ...(servers.backend !== undefined ? { backend: servers.backend } : {}),
  };
}

/**
 * mysqld_exporter's option file without the password: 0.15+ reads `[client] password` from the
 * MYSQLD_EXPORTER_PASSWORD variable when the file sets none. Writing a generated password into
 * this file would be unsafe: the exporter parses it with go-ini (`#` and `;` start comments) and
 * then expands `$NAME` in every value, and MySQL passwords here may contain all three.
 */
export function renderMysqldExporterCnf(spec: {
  readonly host: string;
  readonly port: number;
  readonly user: string;
}): string {
  return [
    "# mysqld_exporter: the metrics user's login (rendered by webstack). The password comes from",
    "# MYSQLD_EXPORTER_PASSWORD, set from the mounted secret file when the container starts.",
    "[client]",
    `host=${spec.host}`,
    `port=${spec.port}`,
    `user=${spec.user}`,
    "",
  ].join("\n");
}

/**
 * The container entrypoint of mysqld_exporter: read the secret file into the variable the
 * exporter expects, only in the exporter's own process (never in the container's config, where
 * `docker inspect` would show it), then exec it. `$(cat)` keeps every character of the password.
 */
export function mysqldExporterEntrypoint(spec: {
  readonly cnfPath: string;
  readonly passwordFile: string;
  readonly listenPort: number;
}): string[] {
  const script =
    `MYSQLD_EXPORTER_PASSWORD="$(cat ${spec.passwordFile})" && export MYSQLD_EXPORTER_PASSWORD && ` +
    `exec /bin/mysqld_exporter --config.my-cnf=${spec.cnfPath} ` +
    `--web.listen-address=:${spec.listenPort}`;
  return ["/bin/sh", "-c", script];
}

/**
 * redis_exporter's password file: JSON from the node's URI to its AUTH token, the format of
 * `--redis.password-file`. JSON quoting keeps any token intact.
 */
export function renderRedisExporterPasswordFile(
  host: string,
  port: number,
  password: string,
): string {
  return `${JSON.stringify({ [`redis://${host}:${port}`]: password })}\n`;
}
