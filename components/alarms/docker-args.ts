// The Docker alarms component's arguments, their validation, and the Alertmanager spec they
// describe (which secret fills which file). Pure apart from types: the unit tests call these
// directly, and DockerAlarms calls them before it creates anything.
import type * as pulumi from "@pulumi/pulumi";
import type { AlarmRule, Channel, Severity } from "../catalog/alarms";
import type { Tier } from "../catalog/tiers";
import type { SecretKey } from "../config/parts/alerts";
import { isPinnedImage } from "../edge/app-containers";
import { isIpv4 } from "../redis/validate";
import {
  ALERTMANAGER_SECRET_FILES,
  AlertmanagerSpec,
  alertmanagerSecretFiles,
} from "./alertmanager-config";
import { ALERTMANAGER_PATHS } from "./docker-targets";

/** Pinned images of the monitoring containers (config `webstack:alarms.images`). */
export interface MonitoringImages {
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly nodeExporter: string;
  readonly mysqldExporter: string;
  readonly redisExporter: string;
  readonly blackboxExporter: string;
}

/** Who is notified, as the stack's `webstack:alerts` says (secrets separately). */
export interface DockerNotifySettings {
  /** Channels per severity (`alerts.routes`). */
  readonly routes: Readonly<Record<Severity, readonly Channel[]>>;
  /** @default none (the email channel cannot be routed to) */
  readonly email?: {
    readonly to: readonly string[];
    readonly from: string;
    readonly smarthost: string;
    readonly requireTls: boolean;
    readonly username?: string;
  };
  /** @default none */
  readonly slack?: { readonly channel: string };
}

export interface DockerAlarmsArgs {
  /** Environment whose alarms these are; every alert carries it as `environment`. */
  readonly tier: Tier;
  /** Prefix of every container, volume and network name, e.g. "webstack-dev". */
  readonly namePrefix: string;
  /** The stack's merged alarms (`stackAlarms(config)`). */
  readonly alarms: readonly AlarmRule[];
  readonly images: MonitoringImages;
  readonly notify: DockerNotifySettings;
  /**
   * The stack's alert secrets: `smtpPassword` (with `notify.email.username`), `slackWebhookUrl`
   * (slack), `alertWebhookUrl` (webhook), `smsWebhookUrl` (sms), `deadMansSwitchUrl` (where the
   * Watchdog is posted every few minutes; unset, it reaches no one). @default {}
   */
  readonly secrets?: Readonly<Partial<Record<SecretKey, pulumi.Input<string>>>>;
  /** The MySQL servers one mysqld_exporter each watches. */
  readonly mysql: {
    /** Network aliases, the primary first (`DockerMysqlCluster.serverAliases`). */
    readonly servers: readonly string[];
    readonly port: number;
    /** Network the servers are on; the exporters join it. */
    readonly networkName: pulumi.Input<string>;
    /** The metrics user (`operationsCredentials.monitor`). */
    readonly monitorUser: string;
    readonly monitorPassword: pulumi.Input<string>;
  };
  /** The Redis nodes one redis_exporter each watches. */
  readonly redis: {
    /** Network aliases (`DockerRedisCluster.nodeAliases`). */
    readonly nodes: readonly string[];
    readonly port: number;
    /** `DockerRedisCluster.networkName`. */
    readonly networkName: pulumi.Input<string>;
    /**
     * Fixed IPv4 addresses the exporters take on `networkName`, one per entry of `nodes` in its
     * order (`DockerRedisCluster.exporterAddresses`): on the cluster network a dynamic one could
     * be a stopped node's, which could then not start.
     * @default none (Docker picks them; right for the data network, which has no fixed addresses)
     */
    readonly addresses?: readonly string[];
    readonly authToken: pulumi.Input<string>;
  };
  /** The edge blackbox_exporter probes over HTTPS. */
  readonly edge: {
    readonly networkName: pulumi.Input<string>;
    /** Host the probe connects to on the edge network (the Nginx container's name). */
    readonly host: string;
    /** Name on the certificate, sent as SNI and Host (the stack's first domain). */
    readonly serverName: string;
    /** The edge's private CA, which the probe trusts instead of skipping verification. */
    readonly caCertificatePem: pulumi.Input<string>;
    /** @default "/healthz" */
    readonly healthPath?: string;
  };
  /** `host:port` of the backend's /metrics on the edge network. @default none (not scraped) */
  readonly backendMetrics?: string;
  /**
   * Volume the backup job writes its textfile metrics to; node_exporter reads it.
   * @default none (BackupFailed and BackupStale then have no data)
   */
  readonly textfileVolumeName?: pulumi.Input<string>;
  /**
   * Publish the Prometheus (9090) and Alertmanager (9093) UIs on 127.0.0.1 of the Docker host,
   * for dev. Nothing else of monitoring is ever published. @default false
   */
  readonly publishUi?: boolean;
}

const PREFIX = /^[a-z0-9][a-z0-9_.-]*$/;
const ALIAS = /^[a-z0-9][a-z0-9.-]{0,62}$/;
const HOST = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;
const HOST_PORT = /^[A-Za-z0-9][A-Za-z0-9.-]*:\d{1,5}$/;

function aliases(owner: string, field: string, values: readonly string[]): void {
  if (values.length === 0) {
    throw new Error(`${owner}: ${field} must list at least one network alias (got [])`);
  }
  values.forEach((value, i) => {
    if (!ALIAS.test(value)) {
      throw new Error(
        `${owner}: ${field}[${i}] must be a network alias of lower-case letters, digits, '.' or '-' (got "${value}")`,
      );
    }
  });
  if (new Set(values).size !== values.length) {
    throw new Error(`${owner}: ${field} must not repeat an alias (got ${JSON.stringify(values)})`);
  }
}

function port(owner: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${owner}: ${field} must be a port from 1 to 65535 (got ${value})`);
  }
}

function fixedAddresses(owner: string, redis: DockerAlarmsArgs["redis"]): void {
  const addresses = redis.addresses ?? [];
  if (addresses.length !== redis.nodes.length) {
    throw new Error(
      `${owner}: redis.addresses must give one address per entry of redis.nodes (${redis.nodes.length}), in its order (got ${addresses.length})`,
    );
  }
  addresses.forEach((address, i) => {
    if (!isIpv4(address)) {
      throw new Error(
        `${owner}: redis.addresses[${i}] must be an IPv4 address such as 192.168.254.22 (got "${address}")`,
      );
    }
  });
  if (new Set(addresses).size !== addresses.length) {
    throw new Error(
      `${owner}: redis.addresses must not repeat an address (got ${JSON.stringify(addresses)})`,
    );
  }
}

/** Which stack secret fills which Alertmanager secret file. */
export const SECRET_FOR_FILE: Readonly<Record<string, SecretKey>> = {
  [ALERTMANAGER_SECRET_FILES.smtpPassword]: "smtpPassword",
  [ALERTMANAGER_SECRET_FILES.slackApiUrl]: "slackWebhookUrl",
};

/** Text that stands in for a secret URL in the copy of alertmanager.yml written under out/. */
export const secretPlaceholderUrl = (key: SecretKey) => `https://secret.invalid/${key}`;

/** The secrets that are URLs Alertmanager 0.25 can only read from its config text. */
export type UrlSecretKey = "alertWebhookUrl" | "smsWebhookUrl" | "deadMansSwitchUrl";

/**
 * The Alertmanager spec for these settings. The webhook, SMS gateway and dead man's switch URLs
 * are themselves secrets (Alertmanager 0.25 cannot read a URL from a file): pass their values to
 * render the uploaded file, or the placeholders for the copy people read.
 */
export function dockerAlertmanagerSpec(
  environment: string,
  notify: DockerNotifySettings,
  urls: Readonly<Partial<Record<UrlSecretKey, string>>>,
): AlertmanagerSpec {
  return {
    environment,
    routes: notify.routes,
    secretsDir: ALERTMANAGER_PATHS.secretsDir,
    ...(notify.email ? { email: notify.email } : {}),
    ...(notify.slack ? { slack: notify.slack } : {}),
    ...(urls.alertWebhookUrl !== undefined ? { webhook: { url: urls.alertWebhookUrl } } : {}),
    // The gateway holds the numbers: Alertmanager posts its alert JSON, the gateway texts.
    ...(urls.smsWebhookUrl !== undefined
      ? { sms: { via: "webhook" as const, url: urls.smsWebhookUrl, bearerToken: false } }
      : {}),
    ...(urls.deadMansSwitchUrl !== undefined
      ? { deadMansSwitch: { url: urls.deadMansSwitchUrl } }
      : {}),
  };
}

/** The channels the routes use. */
export function usedChannels(notify: DockerNotifySettings): Set<Channel> {
  return new Set(Object.values(notify.routes).flat());
}

/** Throws, naming the field and what is allowed, before any resource exists. */
export function validateDockerAlarmsArgs(owner: string, args: DockerAlarmsArgs): void {
  if (!PREFIX.test(args.namePrefix)) {
    throw new Error(
      `${owner}: namePrefix must be lower-case letters, digits, '_', '.' or '-' (got "${args.namePrefix}")`,
    );
  }
  if (args.alarms.length === 0) {
    throw new Error(`${owner}: alarms must list the stack's alarms (got none)`);
  }
  for (const [field, image] of Object.entries(args.images)) {
    if (!isPinnedImage(image)) {
      throw new Error(
        `${owner}: images.${field} must be pinned to a version tag or digest, never "latest" or no tag (got "${image}")`,
      );
    }
  }
  aliases(owner, "mysql.servers", args.mysql.servers);
  port(owner, "mysql.port", args.mysql.port);
  if (!/^[A-Za-z0-9_]{1,32}$/.test(args.mysql.monitorUser)) {
    throw new Error(
      `${owner}: mysql.monitorUser must be a MySQL user name (got "${args.mysql.monitorUser}")`,
    );
  }
  aliases(owner, "redis.nodes", args.redis.nodes);
  port(owner, "redis.port", args.redis.port);
  if (args.redis.addresses !== undefined) fixedAddresses(owner, args.redis);
  for (const field of ["host", "serverName"] as const) {
    if (!HOST.test(args.edge[field])) {
      throw new Error(`${owner}: edge.${field} must be a host name (got "${args.edge[field]}")`);
    }
  }
  const healthPath = args.edge.healthPath ?? "/healthz";
  if (!/^\/[A-Za-z0-9._/-]*$/.test(healthPath)) {
    throw new Error(`${owner}: edge.healthPath must be an absolute URL path (got "${healthPath}")`);
  }
  if (args.backendMetrics !== undefined && !HOST_PORT.test(args.backendMetrics)) {
    throw new Error(
      `${owner}: backendMetrics must be "host:port" on the edge network (got "${args.backendMetrics}")`,
    );
  }

  const used = usedChannels(args.notify);
  const secrets = args.secrets ?? {};
  const need = (channel: Channel, key: SecretKey) => {
    if (used.has(channel) && secrets[key] === undefined) {
      throw new Error(
        `${owner}: secrets.${key} must be set: alerts are routed to ${channel} ("pulumi config set --secret ${key} <value>")`,
      );
    }
  };
  need("webhook", "alertWebhookUrl");
  need("sms", "smsWebhookUrl");
  // Files the rendered config reads must have a secret to fill them.
  const spec = dockerAlertmanagerSpec(args.tier, args.notify, {
    ...(used.has("webhook") ? { alertWebhookUrl: secretPlaceholderUrl("alertWebhookUrl") } : {}),
    ...(used.has("sms") ? { smsWebhookUrl: secretPlaceholderUrl("smsWebhookUrl") } : {}),
  });
  for (const file of alertmanagerSecretFiles(spec)) {
    const key = SECRET_FOR_FILE[file.split("/").pop() ?? ""];
    if (key === undefined || secrets[key] === undefined) {
      throw new Error(
        `${owner}: secrets.${key ?? file} must be set: Alertmanager reads ${file} for the routes ${JSON.stringify(args.notify.routes)}`,
      );
    }
  }
}
