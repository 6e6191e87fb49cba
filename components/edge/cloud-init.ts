// Renders an app host's cloud-init (`#cloud-config`): install nginx and docker.io, write
// nginx.conf, the certificate, the containers' env files, the CloudWatch agent's config, the boot
// script (app-host-boot.sh) and its env file, then run the script once. Files are `write_files`
// entries in gzip+base64 (the policy pack reads nginx.conf back so): EC2 caps user data at 16 KiB.
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { stringify } from "yaml";
import { HEALTHCHECK_TIMINGS, JSON_FILE_LOGS, RESTART_POLICY } from "../container-defaults";
import {
  AppRole,
  containerEnvironment,
  HEALTH_PATHS,
  healthCheckShell,
  SECRETS_DIR,
  shellQuote,
} from "./app-containers";
import { directoriesNginxNeeds } from "./nginx-conf";
import type { NginxSiteSpec } from "./site-spec";

/** EC2's limit on user data, before base64 (the launch template carries it base64-encoded). */
export const USER_DATA_LIMIT_BYTES = 16_384;

export const NGINX_CONF_PATH = "/etc/nginx/nginx.conf";
export const DOCKER_DAEMON_CONFIG_PATH = "/etc/docker/daemon.json";
/** Where cloud-init writes the boot script and its settings; runcmd runs the one with the other. */
export const BOOT_SCRIPT_PATH = "/usr/local/sbin/webstack-boot";
export const BOOT_ENV_PATH = "/etc/webstack/boot.env";
/** Where the backend's secret files live on the host (mounted read-only at /run/secrets). */
export const BACKEND_SECRETS_DIR = "/etc/webstack/secrets/backend";

const besideThis = (name: string) => fs.readFileSync(path.join(__dirname, name), "utf8");

/** The script every app host runs once, as shipped. */
export const BOOT_SCRIPT = besideThis("app-host-boot.sh");

/** What an app host runs; the boot script is told all but the files cloud-init writes itself. */
export interface AppHostSpec {
  /** The site Nginx serves: where its files go, the apps' ports. */
  readonly site: NginxSiteSpec;
  /** nginx.conf rendered from `site`. */
  readonly nginxConf: string;
  /** PEM of the internal server certificate (public; its key is fetched at boot). */
  readonly certificatePem: string;
  readonly images: Readonly<Record<AppRole, string>>;
  /** The backend's plain settings (its secrets reach it as files). */
  readonly backendEnvironment: Readonly<Record<string, string>>;
  /** Names of the backend's secrets (`NAME` is fetched into BACKEND_SECRETS_DIR/<name>). */
  readonly backendSecrets: readonly string[];
  /** SSM SecureString parameter holding Nginx's private key. */
  readonly tlsKeyParameter: string;
  /** SSM path with one SecureString parameter per backend secret, named in lower case. */
  readonly backendSecretParameters: string;
}

/** What the boot script is told (app-host-boot.sh says what it does with each setting). */
export type BootSpec = Omit<AppHostSpec, "nginxConf" | "certificatePem" | "backendEnvironment">;

/** Where each app container's environment file goes. */
export const envFilePath = (role: AppRole) => `/etc/webstack/${role}.env`;

function file(path: string, text: string, permissions: string, defer = true) {
  return {
    path,
    // gzip output is deterministic here (no name, no mtime), so user data changes only when
    // the content does, and only then does the auto-scaling group roll the hosts.
    content: gzipSync(Buffer.from(text, "utf8"), { level: 9 }).toString("base64"),
    encoding: "gz+b64",
    permissions,
    owner: "root:root",
    // Written after the packages are installed (cloud-init's final stage).
    ...(defer ? { defer: true } : {}),
  };
}

/** `NAME=value` lines: verbatim for `docker --env-file`, shell-quoted for a file bash sources. */
function envFile(environment: Readonly<Record<string, string | number>>, quote = false): string {
  const value = (v: string | number) => (quote ? shellQuote(String(v)) : v);
  return Object.entries(environment)
    .map(([name, v]) => `${name}=${value(v)}\n`)
    .join("");
}

/** The boot script's env file, shell-quoted: cloud-init passes it to the script. */
export function renderBootEnvironment(spec: BootSpec): string {
  const { site, images } = spec;
  return envFile(
    {
      TLS_KEY_PARAMETER: spec.tlsKeyParameter,
      TLS_KEY_FILE: site.paths.key,
      BACKEND_SECRETS: spec.backendSecrets.map((name) => name.toLowerCase()).join(" "),
      BACKEND_SECRET_PARAMETERS: spec.backendSecretParameters,
      BACKEND_SECRETS_DIR,
      SECRETS_MOUNT: SECRETS_DIR,
      NGINX_DIRECTORIES: directoriesNginxNeeds(site).join(" "),
      CLOUDWATCH_AGENT_CONFIG: CLOUDWATCH_AGENT_CONFIG_PATH,
      FRONTEND_IMAGE: images.frontend,
      FRONTEND_PORT: site.frontendPort,
      FRONTEND_ENV_FILE: envFilePath("frontend"),
      FRONTEND_HEALTH_CMD: healthCheckShell(site.frontendPort, HEALTH_PATHS.frontend),
      BACKEND_IMAGE: images.backend,
      BACKEND_ENV_FILE: envFilePath("backend"),
      BACKEND_HEALTH_CMD: healthCheckShell(site.backendPort, HEALTH_PATHS.backend),
      RESTART: RESTART_POLICY,
      LOG_MAX_SIZE: JSON_FILE_LOGS.logOpts["max-size"],
      LOG_MAX_FILE: JSON_FILE_LOGS.logOpts["max-file"],
      HEALTH_INTERVAL: HEALTHCHECK_TIMINGS.interval,
      HEALTH_TIMEOUT: HEALTHCHECK_TIMINGS.timeout,
      HEALTH_RETRIES: HEALTHCHECK_TIMINGS.retries,
      HEALTH_START_PERIOD: HEALTHCHECK_TIMINGS.startPeriod,
    },
    true,
  );
}

/** Where the agent's package reads its configuration from (`fetch-config -c file:...`). */
export const CLOUDWATCH_AGENT_CONFIG_PATH =
  "/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json";

/**
 * The CloudWatch agent's configuration (cloudwatch-agent.json, beside this file): memory and
 * root-disk use in percent (`mem_used_percent`, `disk_used_percent`), one sample a minute, in the
 * CWAgent namespace. The agent tags each host's samples with its group and instance, and keeps
 * one series per AutoScalingGroupName: what the host-memory and disk alarms
 * (components/alarms/cloudwatch-specs.ts) read, however often hosts are replaced.
 */
export const CLOUDWATCH_AGENT_CONFIG = besideThis("cloudwatch-agent.json");

/** Docker's defaults for every container: json-file logs rotated as every container's are. */
const DOCKER_DAEMON = {
  "log-driver": JSON_FILE_LOGS.logDriver,
  "log-opts": JSON_FILE_LOGS.logOpts,
  // Containers keep running while the daemon restarts (package upgrades).
  "live-restore": true,
};
const DOCKER_DAEMON_CONFIG = `${JSON.stringify(DOCKER_DAEMON, null, 2)}\n`;

/** The `#cloud-config` text. */
export function renderCloudInit(spec: AppHostSpec): string {
  const { site, backendEnvironment, backendSecrets } = spec;
  const frontend = containerEnvironment(site.frontendPort, {}, []);
  const backend = containerEnvironment(site.backendPort, backendEnvironment, backendSecrets);
  const cloudConfig = {
    package_update: true,
    packages: ["nginx", "docker.io"],
    write_files: [
      // Before the packages: dockerd reads it on its first start.
      file(DOCKER_DAEMON_CONFIG_PATH, DOCKER_DAEMON_CONFIG, "0644", false),
      // After the packages: the nginx package starts Nginx on its own default config, which
      // must not find ours before the boot script has fetched the key.
      file(NGINX_CONF_PATH, spec.nginxConf, "0644"),
      file(spec.site.paths.certificate, spec.certificatePem, "0644"),
      file(envFilePath("frontend"), envFile(frontend), "0600"),
      file(envFilePath("backend"), envFile(backend), "0600"),
      file(CLOUDWATCH_AGENT_CONFIG_PATH, CLOUDWATCH_AGENT_CONFIG, "0644"),
      file(BOOT_ENV_PATH, renderBootEnvironment(spec), "0600"),
      file(BOOT_SCRIPT_PATH, BOOT_SCRIPT, "0700"),
    ],
    runcmd: [[BOOT_SCRIPT_PATH, BOOT_ENV_PATH]],
  };
  return `#cloud-config\n${stringify(cloudConfig, { lineWidth: 0 })}`;
}
