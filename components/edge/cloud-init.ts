// Renders the app hosts' cloud-init (`#cloud-config`): install nginx and docker.io, write the
// rendered nginx.conf, the internal certificate, the app containers' environment files, the
// CloudWatch agent's config and the boot script, then run the boot script once. Every file is a
// `write_files` entry with `path`, `content` and `encoding` (the policy pack reads nginx.conf
// back out of the launch template this way). Files are gzip+base64: EC2 refuses user data over
// 16 KiB, and nginx.conf alone is larger than that once base64-encoded. Pure: no Pulumi import.
import { gzipSync } from "node:zlib";
import { stringify } from "yaml";
import { AppRole } from "./app-containers";
export { readCloudInitFiles } from "./cloud-init-reader";
import { BOOT_SCRIPT_PATH, BootScriptSpec, renderBootScript } from "./app-host-boot";
import { CLOUDWATCH_AGENT_CONFIG_PATH, renderCloudWatchAgentConfig } from "./cloudwatch-agent";

/** EC2's limit on user data, before base64 (the launch template carries it base64-encoded). */
export const USER_DATA_LIMIT_BYTES = 16_384;

export const NGINX_CONF_PATH = "/etc/nginx/nginx.conf";
export const DOCKER_DAEMON_CONFIG_PATH = "/etc/docker/daemon.json";

export interface CloudInitSpec {
  /** The rendered nginx.conf, written to /etc/nginx/nginx.conf. */
  readonly nginxConf: string;
  /** Where nginx.conf expects the certificate (filesNginxReads(spec).certificate). */
  readonly certificatePath: string;
  /** PEM of the internal server certificate (public; its key is a secret file). */
  readonly certificatePem: string;
  /** Environment of each app container, as plain (non-secret) values. */
  readonly environments: Readonly<Record<AppRole, Readonly<Record<string, string>>>>;
  /** Secrets, directories and containers of the boot script. */
  readonly boot: BootScriptSpec;
}

interface WriteFile {
  readonly path: string;
  readonly content: string;
  readonly encoding: "gz+b64";
  readonly permissions: string;
  readonly owner: "root:root";
  /** Written after the packages are installed (cloud-init's final stage). */
  readonly defer?: true;
}

/** Where each app container's environment file goes. */
export function envFilePath(role: AppRole): string {
  return `/etc/webstack/${role}.env`;
}

function file(path: string, text: string, permissions: string, defer: boolean): WriteFile {
  return {
    path,
    // gzip output is deterministic here (no name, no mtime), so user data changes only when
    // the content does, and only then does the auto-scaling group roll the hosts.
    content: gzipSync(Buffer.from(text, "utf8"), { level: 9 }).toString("base64"),
    encoding: "gz+b64",
    permissions,
    owner: "root:root",
    ...(defer ? { defer: true as const } : {}),
  };
}

function envFile(environment: Readonly<Record<string, string>>, role: AppRole): string {
  return Object.entries(environment)
    .map(([name, value]) => {
      // docker --env-file takes one NAME=value per line, verbatim: no quoting, no newlines.
      if (!/^[A-Z][A-Z0-9_]*$/.test(name) || /[\r\n]/.test(value)) {
        throw new Error(
          `cloud-init: environments.${role}.${name} must be an upper-case name with a one-line value (got ${JSON.stringify(value)})`,
        );
      }
      return `${name}=${value}\n`;
    })
    .join("");
}

/** Docker's defaults for every container: json-file logs rotated at 50 MB × 5. */
export function renderDockerDaemonConfig(): string {
  const config = {
    "log-driver": "json-file",
    "log-opts": { "max-size": "50m", "max-file": "5" },
    // Containers keep running while the daemon restarts (package upgrades).
    "live-restore": true,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The `#cloud-config` text; validates the boot script's inputs first. */
export function renderCloudInit(spec: CloudInitSpec): string {
  const bootScript = renderBootScript(spec.boot);
  const containersByRole = new Map(spec.boot.containers.map((c) => [c.role, c]));
  for (const [role, container] of containersByRole) {
    if (container.envFile !== envFilePath(role)) {
      throw new Error(
        `cloud-init: boot.containers ${role}.envFile must be ${envFilePath(role)} (got ${JSON.stringify(container.envFile)})`,
      );
    }
  }
  const cloudConfig = {
    package_update: true,
    packages: ["nginx", "docker.io"],
    write_files: [
      // Before the packages: dockerd reads it on its first start.
      file(DOCKER_DAEMON_CONFIG_PATH, renderDockerDaemonConfig(), "0644", false),
      // After the packages: the nginx package starts Nginx on its own default config, which
      // must not find ours before the boot script has fetched the key.
      file(NGINX_CONF_PATH, spec.nginxConf, "0644", true),
      file(spec.certificatePath, spec.certificatePem, "0644", true),
      ...[...containersByRole.keys()].map((role) =>
        file(envFilePath(role), envFile(spec.environments[role] ?? {}, role), "0600", true),
      ),
      file(CLOUDWATCH_AGENT_CONFIG_PATH, renderCloudWatchAgentConfig(), "0644", true),
      file(BOOT_SCRIPT_PATH, bootScript, "0700", true),
    ],
    runcmd: [[BOOT_SCRIPT_PATH]],
  };
  return `#cloud-config\n${stringify(cloudConfig, { lineWidth: 0 })}`;
}
