// `webstack:ops:Alarms` on Docker (dev, test): Prometheus evaluating the catalog's rules,
// Alertmanager routing by severity to the stack's receivers, and the exporters the rules read —
// node_exporter for the host and the backup job's textfile metrics, one mysqld_exporter per MySQL
// server, one redis_exporter per Redis node, blackbox_exporter probing the edge's /healthz and its
// certificate. All on an internal monitoring network of the stack; nothing is published except,
// when asked (dev), the two UIs on 127.0.0.1.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { HEALTHCHECK_TIMINGS, JSON_FILE_LOGS, RESTART_POLICY } from "../container-defaults";
import {
  AlertmanagerSpec,
  alertmanagerConfigHoldsSecret,
  alertmanagerSecretFiles,
  renderAlertmanagerConfig,
  SECRET_FILES,
} from "./alertmanager-config";
import type { AlarmsOutputs, AlertSecrets, DockerAlarmsArgs } from "./contract";
import {
  MONITORING_PORTS,
  mysqldExporterAlias,
  mysqldExporterEntrypoint,
  PATHS,
  prometheusSpec,
  redisExporterAlias,
  renderMysqldExporterCnf,
  renderRedisExporterPasswordFile,
} from "./docker-targets";
import { renderBlackboxConfig, renderPrometheusConfig } from "./prometheus-config";
import { renderPrometheusRules } from "./prometheus-rules";

/** uid the prom/* images run as (`nobody`); it must read the secret files. */
const PROM_IMAGE_UID = "65534";
/** uid oliver006/redis_exporter runs as. */
const REDIS_EXPORTER_UID = "59000";
/** How long Prometheus keeps samples on its volume. */
const PROMETHEUS_RETENTION = "15d";

const MYSQLD_EXPORTER_CNF = "/etc/mysqld_exporter/my.cnf";
const MYSQLD_EXPORTER_PASSWORD_FILE = "/etc/mysqld_exporter/password";
const REDIS_EXPORTER_PASSWORD_FILE = "/etc/redis_exporter/passwords.json";

/** A file only `uid` (the image's user) may read: secrets, and text that holds one. */
const secretFile = (file: string, content: pulumi.Input<string>, uid = PROM_IMAGE_UID) => ({
  file,
  content,
  owner: uid,
  group: uid,
  permissions: "0400",
});

/** The secrets Alertmanager reads from files, by file name. */
const SECRET_OF_FILE: Readonly<Record<string, keyof AlertSecrets>> = {
  [SECRET_FILES.smtpPassword]: "smtpPassword",
  [SECRET_FILES.slackApiUrl]: "slackWebhookUrl",
};

/** The secrets that are URLs Alertmanager 0.25 can only read from its config text. */
type UrlSecret = "alertWebhookUrl" | "smsWebhookUrl" | "deadMansSwitchUrl";

/** Text that stands in for a secret URL in the copy of alertmanager.yml written under out/. */
export const secretPlaceholderUrl = (key: UrlSecret) => `https://secret.invalid/${key}`;

/**
 * The Alertmanager spec for these settings, with the webhook, SMS gateway and dead man's switch
 * URLs given: their values to render the uploaded file, or placeholders for the copy people read.
 */
export function dockerAlertmanagerSpec(
  environment: string,
  notify: DockerAlarmsArgs["notify"],
  urls: Readonly<Partial<Record<UrlSecret, string>>>,
): AlertmanagerSpec {
  return {
    environment,
    routes: notify.routes,
    ...(notify.email && { email: notify.email }),
    ...(notify.slack && { slack: notify.slack }),
    secretsDir: PATHS.alertmanagerSecrets,
    ...(urls.alertWebhookUrl !== undefined && { webhook: { url: urls.alertWebhookUrl } }),
    // The gateway holds the numbers: Alertmanager posts its alert JSON, the gateway texts.
    ...(urls.smsWebhookUrl !== undefined && { sms: { url: urls.smsWebhookUrl } }),
    ...(urls.deadMansSwitchUrl !== undefined && {
      deadMansSwitch: { url: urls.deadMansSwitchUrl },
    }),
  };
}

export class DockerAlarms extends pulumi.ComponentResource implements AlarmsOutputs {
  readonly destinations: AlarmsOutputs["destinations"];
  /** Rendered files by path under out/<stack>/ (alertmanager.yml with secret placeholders). */
  readonly renderedFiles: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: DockerAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:ops:Alarms", name, {}, opts);
    const { namePrefix, tier, notify, secrets } = args;
    const parent = { parent: this };
    const used = new Set([...notify.routes.warning, ...notify.routes.critical]);
    // Every channel but `log` reaches something outside the host, and so does the dead man's switch.
    const needsEgress =
      [...used].some((channel) => channel !== "log") || secrets.deadMansSwitchUrl !== undefined;
    const { publishUi } = args;

    const images = Object.fromEntries(
      Object.entries(args.images).map(([key, reference]) => [
        key,
        new docker.RemoteImage(
          `${name}-${key}-image`,
          { name: reference, keepLocally: true },
          parent,
        ).name,
      ]),
    ) as Record<keyof DockerAlarmsArgs["images"], pulumi.Output<string>>;

    const monitoring = new docker.Network(
      `${name}-monitoring`,
      { name: `${namePrefix}-monitoring`, driver: "bridge", internal: true },
      parent,
    );
    // Internal networks have no route out: Alertmanager needs one to deliver, and a published
    // port needs one too (Docker cannot publish from a container on internal networks only).
    const egress =
      needsEgress || publishUi
        ? new docker.Network(
            `${name}-egress`,
            { name: `${namePrefix}-monitoring-egress`, driver: "bridge", internal: false },
            parent,
          )
        : undefined;
    const volume = (suffix: string) =>
      new docker.Volume(
        `${name}-${suffix}`,
        { name: `${namePrefix}-${suffix}` },
        { parent: this, retainOnDelete: true },
      );
    const uiPort = (port: number) =>
      publishUi ? [{ internal: port, external: port, ip: "127.0.0.1", protocol: "tcp" }] : [];
    // Every container is on the monitoring network under its own suffix as alias, and also on
    // `networks`; a health check fetches `healthPath` with the busybox wget the images ship.
    const container = (
      suffix: string,
      port: number,
      healthPath: string,
      networks: docker.types.input.ContainerNetworksAdvanced[],
      inputs: Omit<docker.ContainerArgs, "name" | "restart" | "logDriver" | "logOpts">,
    ) =>
      new docker.Container(
        `${name}-${suffix}`,
        {
          name: `${namePrefix}-${suffix}`,
          restart: RESTART_POLICY,
          ...JSON_FILE_LOGS,
          ...inputs,
          networksAdvanced: [{ name: monitoring.name, aliases: [suffix] }, ...networks],
          healthcheck: {
            tests: [
              "CMD",
              "wget",
              "-q",
              "-O",
              "/dev/null",
              `http://127.0.0.1:${port}${healthPath}`,
            ],
            ...HEALTHCHECK_TIMINGS,
          },
        },
        parent,
      );

    // Prometheus: the rules and what to scrape.
    const rules = renderPrometheusRules({ environment: tier, alarms: args.alarms });
    const prometheusYml = renderPrometheusConfig(
      prometheusSpec({
        environment: tier,
        mysqlServers: args.mysql.servers,
        redisNodes: args.redis.nodes,
        healthUrl: `https://${args.edge.host}/healthz`,
        backend: args.backendMetrics,
      }),
    );
    const egressIf = (yes: boolean) => (yes && egress ? [{ name: egress.name }] : []);
    // The backend's /metrics is on the edge network.
    const prometheusNetworks = [{ name: args.edge.networkName }, ...egressIf(publishUi)];
    container("prometheus", MONITORING_PORTS.prometheus, "/-/healthy", prometheusNetworks, {
      image: images.prometheus,
      command: [
        `--config.file=${PATHS.prometheusConfig}`,
        `--storage.tsdb.path=${PATHS.prometheusData}`,
        `--storage.tsdb.retention.time=${PROMETHEUS_RETENTION}`,
      ],
      uploads: [
        { file: PATHS.prometheusConfig, content: prometheusYml, permissions: "0644" },
        { file: PATHS.prometheusRules, content: rules, permissions: "0644" },
      ],
      volumes: [
        { volumeName: volume("prometheus-data").name, containerPath: PATHS.prometheusData },
      ],
      ports: uiPort(MONITORING_PORTS.prometheus),
    });

    // Alertmanager: receivers per the stack's routes; secrets only ever as files or secret text.
    const urlSecrets: Partial<Record<UrlSecret, pulumi.Input<string>>> = {
      ...(used.has("webhook") && { alertWebhookUrl: secrets.alertWebhookUrl }),
      ...(used.has("sms") && { smsWebhookUrl: secrets.smsWebhookUrl }),
      ...(secrets.deadMansSwitchUrl !== undefined && {
        deadMansSwitchUrl: secrets.deadMansSwitchUrl,
      }),
    };
    const urlKeys = Object.keys(urlSecrets) as UrlSecret[];
    const placeholderSpec = dockerAlertmanagerSpec(
      tier,
      notify,
      Object.fromEntries(urlKeys.map((key) => [key, secretPlaceholderUrl(key)])),
    );
    const alertmanagerYml: pulumi.Input<string> = alertmanagerConfigHoldsSecret(placeholderSpec)
      ? pulumi.secret(
          pulumi
            .all(urlSecrets)
            .apply((urls) => renderAlertmanagerConfig(dockerAlertmanagerSpec(tier, notify, urls))),
        )
      : renderAlertmanagerConfig(placeholderSpec);
    // Config guarantees the secret of every file the config reads.
    const secretUploads = alertmanagerSecretFiles(placeholderSpec).map((file) =>
      secretFile(file, pulumi.secret(secrets[SECRET_OF_FILE[file.split("/").pop()!]]!)),
    );
    container("alertmanager", MONITORING_PORTS.alertmanager, "/-/healthy", egressIf(true), {
      image: images.alertmanager,
      command: [
        `--config.file=${PATHS.alertmanagerConfig}`,
        `--storage.path=${PATHS.alertmanagerData}`,
        // One instance: no gossip port for a cluster that does not exist.
        "--cluster.listen-address=",
      ],
      uploads: [secretFile(PATHS.alertmanagerConfig, alertmanagerYml), ...secretUploads],
      volumes: [
        { volumeName: volume("alertmanager-data").name, containerPath: PATHS.alertmanagerData },
      ],
      ports: uiPort(MONITORING_PORTS.alertmanager),
    });

    // node_exporter: the host's CPU, memory and disks through read-only mounts, and the backup
    // job's textfile metrics. Not on the host network, so its network metrics are its own.
    // Private mount propagation (Docker's default): "rslave" would show filesystems mounted
    // later, but Docker Desktop, rootless Docker and some hosts refuse it, and dev must start on
    // any Docker. A filesystem mounted later shows up when the container restarts.
    const hostMount = (source: string, target: string) =>
      ({ type: "bind", source, target, readOnly: true }) as const;
    container("node-exporter", MONITORING_PORTS.node, "/", [], {
      image: images.nodeExporter,
      command: [
        "--path.procfs=/host/proc",
        "--path.sysfs=/host/sys",
        "--path.rootfs=/host/root",
        `--collector.textfile.directory=${PATHS.textfile}`,
        `--web.listen-address=:${MONITORING_PORTS.node}`,
      ],
      mounts: [
        hostMount("/proc", "/host/proc"),
        hostMount("/sys", "/host/sys"),
        hostMount("/", "/host/root"),
      ],
      volumes: [
        { volumeName: args.textfileVolumeName, containerPath: PATHS.textfile, readOnly: true },
      ],
    });

    // One mysqld_exporter per MySQL server, logged in as the metrics user; its health check
    // reads the landing page, which needs no database round trip.
    const mysqlPassword = pulumi.secret(args.mysql.monitorPassword);
    const files: Record<string, pulumi.Output<string>> = {};
    for (const server of args.mysql.servers) {
      const { port, monitorUser: user, networkName } = args.mysql;
      const cnf = renderMysqldExporterCnf({ host: server, port, user });
      files[`alarms/mysqld-exporter-${server}.cnf`] = pulumi.output(cnf);
      const alias = mysqldExporterAlias(server);
      container(alias, MONITORING_PORTS.mysqld, "/", [{ name: networkName }], {
        image: images.mysqldExporter,
        entrypoints: mysqldExporterEntrypoint({
          cnfPath: MYSQLD_EXPORTER_CNF,
          passwordFile: MYSQLD_EXPORTER_PASSWORD_FILE,
          listenPort: MONITORING_PORTS.mysqld,
        }),
        uploads: [
          { file: MYSQLD_EXPORTER_CNF, content: cnf, permissions: "0644" },
          secretFile(MYSQLD_EXPORTER_PASSWORD_FILE, mysqlPassword),
        ],
      });
    }

    // One redis_exporter per Redis node, the AUTH token in its password file. Its address is
    // fixed on the cluster network, so it is never a stopped node's (contract.ts); its health
    // check needs the wget of the -alpine image.
    const { nodes, addresses, port: redisPort, networkName: redisNetwork } = args.redis;
    if (addresses && addresses.length !== nodes.length) {
      const counts = `${addresses.length} fixed addresses for ${nodes.length} Redis nodes`;
      throw new pulumi.ResourceError(`${counts}: redis_exporter needs one per node`, this);
    }
    nodes.forEach((node, n) => {
      const passwords = pulumi.secret(
        pulumi
          .output(args.redis.authToken)
          .apply((token) => renderRedisExporterPasswordFile(node, redisPort, token)),
      );
      const network = { name: redisNetwork, ...(addresses && { ipv4Address: addresses[n] }) };
      container(redisExporterAlias(node), MONITORING_PORTS.redis, "/health", [network], {
        image: images.redisExporter,
        command: [
          `--redis.addr=redis://${node}:${redisPort}`,
          `--redis.password-file=${REDIS_EXPORTER_PASSWORD_FILE}`,
          `--web.listen-address=:${MONITORING_PORTS.redis}`,
        ],
        uploads: [secretFile(REDIS_EXPORTER_PASSWORD_FILE, passwords, REDIS_EXPORTER_UID)],
      });
    });

    // blackbox_exporter: the edge's health URL over HTTPS, verified against the edge's own CA.
    const blackboxYml = renderBlackboxConfig({
      caFile: PATHS.blackboxCa,
      serverName: args.edge.serverName,
    });
    const edgeNetwork = [{ name: args.edge.networkName }];
    container("blackbox-exporter", MONITORING_PORTS.blackbox, "/-/healthy", edgeNetwork, {
      image: images.blackboxExporter,
      command: [
        `--config.file=${PATHS.blackboxConfig}`,
        `--web.listen-address=:${MONITORING_PORTS.blackbox}`,
      ],
      uploads: [
        { file: PATHS.blackboxConfig, content: blackboxYml, permissions: "0644" },
        { file: PATHS.blackboxCa, content: args.edge.caCertificatePem, permissions: "0644" },
      ],
    });

    this.destinations = {
      warning: pulumi.output(notify.routes.warning.join(",")),
      critical: pulumi.output(notify.routes.critical.join(",")),
    };
    this.renderedFiles = {
      "alarms/webstack.rules.yml": pulumi.output(rules),
      "alarms/prometheus.yml": pulumi.output(prometheusYml),
      "alarms/alertmanager.yml": pulumi.output(renderAlertmanagerConfig(placeholderSpec)),
      "alarms/blackbox.yml": pulumi.output(blackboxYml),
      ...files,
    };
    this.registerOutputs({ destinations: this.destinations });
  }
}
