// Renders the script cloud-init runs once on an app host's first boot, after the nginx and
// docker.io packages are installed: fetch the secrets (Nginx's private key, the backend's
// passwords) from SSM Parameter Store into root-owned files, start Nginx on the rendered config,
// install the CloudWatch agent, and run the frontend and backend containers. Pure: no Pulumi.
import {
  AppRole,
  HEALTH_CHECK,
  HEALTH_PATHS,
  healthCheckCommand,
  LOG_DRIVER,
  LOG_OPTIONS,
  RESTART,
  SECRETS_DIR,
} from "./app-containers";
import { CLOUDWATCH_AGENT_CONFIG_PATH } from "./cloudwatch-agent";

/** A SecureString parameter written to a file before anything reads it. */
export interface SecretFileSpec {
  /** SSM parameter name, e.g. "/webstack-prod/edge/tls-key". */
  readonly parameter: string;
  /** Absolute path on the host. */
  readonly path: string;
  /** File mode: 0600 for root-only readers (Nginx), 0444 for files mounted into a container. */
  readonly mode: "0600" | "0444";
}

/**
 * One app container on the host: on Docker's bridge network, published on loopback for Nginx
 * only — or, when it must act as the instance role, on the host's network.
 */
export interface HostContainerSpec {
  readonly role: AppRole;
  /** Pinned image. */
  readonly image: string;
  /** Port the app listens on, published as 127.0.0.1:<port>. */
  readonly port: number;
  /** Environment file the container reads (`--env-file`). */
  readonly envFile: string;
  /** Host directory mounted read-only at /run/secrets; absent when the app has no secrets. */
  readonly secretsDir?: string;
  /**
   * Run on the host's network so the AWS SDK in the container reaches the instance metadata
   * service, and with it the instance role. The launch template's IMDSv2 hop limit of 1 keeps
   * every bridged container (one hop further) away from the role; only a container that needs
   * the role's permissions (the backend: the uploads bucket) gets this.
   * @default false (bridge network, loopback publish)
   */
  readonly hostNetwork?: boolean;
}

export interface BootScriptSpec {
  readonly secretFiles: readonly SecretFileSpec[];
  /** Directories Nginx needs before it starts (directoriesNginxNeeds). */
  readonly nginxDirectories: readonly string[];
  readonly containers: readonly HostContainerSpec[];
}

/** Where cloud-init writes the script, and what its runcmd runs. */
export const BOOT_SCRIPT_PATH = "/usr/local/sbin/webstack-boot";

const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]+$/;
const PARAMETER = /^\/[A-Za-z0-9._/-]+$/;

/** Single-quotes a word for bash. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function fail(field: string, value: unknown, allowed: string): never {
  throw new Error(
    `app host boot script: ${field} must be ${allowed} (got ${JSON.stringify(value)})`,
  );
}

function validate(spec: BootScriptSpec): void {
  spec.secretFiles.forEach((file, i) => {
    if (!PARAMETER.test(file.parameter)) {
      fail(`secretFiles[${i}].parameter`, file.parameter, 'an SSM parameter path such as "/a/b"');
    }
    if (!ABSOLUTE_PATH.test(file.path)) {
      fail(`secretFiles[${i}].path`, file.path, "an absolute path of letters, digits and ._/-");
    }
  });
  spec.nginxDirectories.forEach((dir, i) => {
    if (!ABSOLUTE_PATH.test(dir)) {
      fail(`nginxDirectories[${i}]`, dir, "an absolute path of letters, digits and ._/-");
    }
  });
  spec.containers.forEach((container, i) => {
    if (!Number.isInteger(container.port) || container.port < 1 || container.port > 65535) {
      fail(`containers[${i}].port`, container.port, "an integer from 1 to 65535");
    }
    if (!/^[^\s'"\\$`]+$/.test(container.image)) {
      fail(
        `containers[${i}].image`,
        container.image,
        "an image reference without spaces or quotes",
      );
    }
    for (const [key, path] of [
      ["envFile", container.envFile],
      ["secretsDir", container.secretsDir],
    ] as const) {
      if (path !== undefined && !ABSOLUTE_PATH.test(path)) {
        fail(`containers[${i}].${key}`, path, "an absolute path of letters, digits and ._/-");
      }
    }
  });
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

/** The health check as `docker run --health-cmd` takes it: one line a shell inside runs. */
export function healthCheckShell(port: number, path: string): string {
  const [, program, flag, script] = healthCheckCommand(port, path);
  return [program, flag, shellQuote(script)].join(" ");
}

function dockerRun(container: HostContainerSpec): string[] {
  const healthShell = healthCheckShell(container.port, HEALTH_PATHS[container.role]);
  const options = [
    "--detach",
    `--name ${container.role}`,
    `--restart ${RESTART}`,
    `--log-driver ${LOG_DRIVER}`,
    ...Object.entries(LOG_OPTIONS).map(([key, value]) => `--log-opt ${key}=${value}`),
    `--health-cmd ${shellQuote(healthShell)}`,
    `--health-interval ${HEALTH_CHECK.interval}`,
    `--health-timeout ${HEALTH_CHECK.timeout}`,
    `--health-retries ${HEALTH_CHECK.retries}`,
    `--health-start-period ${HEALTH_CHECK.startPeriod}`,
    // Loopback only: Nginx is the one way in. On the host's network nothing is published: the
    // app listens on the host itself, where the app security group admits only 443 from the
    // load balancer, so its port is still unreachable from outside.
    container.hostNetwork === true
      ? "--network host"
      : `--publish 127.0.0.1:${container.port}:${container.port}`,
    // On the host's network a container with raw sockets could capture loopback, where Nginx
    // talks plain HTTP to the frontend; and nothing in it may gain privileges later.
    ...(container.hostNetwork === true
      ? ["--cap-drop NET_RAW", "--security-opt no-new-privileges"]
      : []),
    `--env-file ${shellQuote(container.envFile)}`,
    ...(container.secretsDir
      ? [`--volume ${shellQuote(`${container.secretsDir}:${SECRETS_DIR}:ro`)}`]
      : []),
  ];
  return [
    `docker rm --force ${container.role} >/dev/null 2>&1 || true`,
    `docker run ${options.join(" \\\n  ")} \\\n  ${shellQuote(container.image)}`,
  ];
}

/** The bash script; throws (naming the field) on anything it could not quote safely. */
export function renderBootScript(spec: BootScriptSpec): string {
  validate(spec);
  const secretDirs = [...new Set(spec.secretFiles.map((f) => parentOf(f.path)))];
  const lines = [
    "#!/bin/bash",
    "# Rendered by webstack (components/edge/app-host-boot.ts); cloud-init runs it once, on the",
    "# first boot, after the nginx and docker.io packages are installed.",
    "set -euo pipefail",
    "umask 077",
    "",
    "# The host's own region (IMDSv2), where the parameters and the agent download live.",
    'imds_token="$(curl -fsS --retry 5 -X PUT http://169.254.169.254/latest/api/token \\',
    "  -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')\"",
    'REGION="$(curl -fsS --retry 5 -H "X-aws-ec2-metadata-token: $imds_token" \\',
    '  http://169.254.169.254/latest/meta-data/placement/region)"',
    "",
    "# Secrets come from SSM Parameter Store (SecureString) with the instance role, so they are",
    "# never in the user data, which anyone allowed to describe the launch template can read.",
    'export PATH="$PATH:/snap/bin:/opt/aws/amazon-cloudwatch-agent/bin"',
    "if ! command -v aws >/dev/null 2>&1; then",
    "  snap install aws-cli --classic",
    "fi",
    "fetch_secret() {",
    '  local parameter="$1" target="$2" mode="$3" tmp',
    '  tmp="$(mktemp "$target.XXXXXX")"',
    '  aws ssm get-parameter --region "$REGION" --name "$parameter" --with-decryption \\',
    '    --query Parameter.Value --output text >"$tmp"',
    '  chmod "$mode" "$tmp"',
    '  mv -f "$tmp" "$target"',
    "}",
    "ensure_dir() {",
    '  [ -d "$1" ] || install -d -m 0755 "$1"',
    "}",
    ...secretDirs.map((dir) => `ensure_dir ${shellQuote(dir)}`),
    ...spec.secretFiles.map(
      (file) => `fetch_secret ${shellQuote(file.parameter)} ${shellQuote(file.path)} ${file.mode}`,
    ),
    "",
    "# Nginx on the rendered configuration (written by cloud-init after the package installed).",
    ...spec.nginxDirectories.map((dir) => `ensure_dir ${shellQuote(dir)}`),
    "nginx -t",
    "systemctl enable nginx",
    "systemctl restart nginx",
    "",
    "# CloudWatch agent: memory and disk use for the alarms.",
    'agent_deb="$(mktemp --suffix=.deb)"',
    'curl -fsSL --retry 5 -o "$agent_deb" \\',
    '  "https://amazoncloudwatch-agent-${REGION}.s3.${REGION}.amazonaws.com/ubuntu/amd64/latest/amazon-cloudwatch-agent.deb"',
    'dpkg -i -E "$agent_deb"',
    'rm -f "$agent_deb"',
    "amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \\",
    `  -c ${shellQuote(`file:${CLOUDWATCH_AGENT_CONFIG_PATH}`)}`,
    "",
    "# The app containers (Docker's daemon.json sets the same log rotation for anything else).",
    "systemctl enable --now docker",
    ...spec.containers.flatMap(dockerRun),
    "",
  ];
  return lines.join("\n");
}
