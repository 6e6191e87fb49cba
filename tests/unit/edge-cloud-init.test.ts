// The app hosts' cloud-init as the hosts will read it: valid cloud-config (checked by the real
// `cloud-init schema`), every file decodable and in the right stage, small enough for EC2, no
// private key anywhere in it — and the boot script, run by bash with every command stubbed,
// fetches the secrets before Nginx starts and starts the containers as REQUIREMENTS §7 asks.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { BOOT_SCRIPT_PATH, renderBootScript } from "../../components/edge/app-host-boot";
import {
  CloudInitSpec,
  DOCKER_DAEMON_CONFIG_PATH,
  envFilePath,
  NGINX_CONF_PATH,
  readCloudInitFiles,
  renderCloudInit,
  USER_DATA_LIMIT_BYTES,
} from "../../components/edge/cloud-init";
import {
  CLOUDWATCH_AGENT_CONFIG_PATH,
  renderCloudWatchAgentConfig,
} from "../../components/edge/cloudwatch-agent";
import {
  directoriesNginxNeeds,
  filesNginxReads,
  renderNginxConf,
} from "../../components/edge/nginx-conf";
import { awsSiteSpec } from "../../components/edge/stack-site";
import { siteSettingsFromConfig } from "../../components/environment/edge-site";
import { cloudWatchAlarmSpecs } from "../../components/alarms/cloudwatch-specs";
import { ALARM_CATALOG } from "../../components/catalog/alarms";
import { requireBinary, run, scratchDir } from "../support/servers";

const spec = awsSiteSpec(
  siteSettingsFromConfig({
    domains: ["labelmedix.com", "www.labelmedix.com"],
    app: { frontendPort: 3000, backendPort: 3001 },
    edge: {
      rateLimits: {
        api: { ratePerSecond: 10, burst: 20 },
        login: { ratePerSecond: 1, burst: 5 },
        uploads: { ratePerSecond: 1, burst: 5 },
      },
      uploadsPath: "/api/upload",
      clientMaxBodyMb: 20,
      tlsProtocols: ["TLSv1.2", "TLSv1.3"],
      hstsMaxAgeSeconds: 31536000,
    },
  }),
  "ubuntu-22.04",
  "10.40.0.0/16",
);
const nginxConf = renderNginxConf(spec);
const { certificate, key } = filesNginxReads(spec);
const CERTIFICATE_PEM = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

const cloudInitSpec: CloudInitSpec = {
  nginxConf,
  certificatePath: certificate,
  certificatePem: CERTIFICATE_PEM,
  environments: {
    frontend: { NODE_ENV: "production", PORT: "3000" },
    backend: {
      NODE_ENV: "production",
      PORT: "3001",
      DATABASE_HOST: "db.internal",
      DATABASE_PASSWORD_FILE: "/run/secrets/database_password",
    },
  },
  boot: {
    secretFiles: [
      { parameter: "/webstack-prod/edge/tls-key", path: key, mode: "0600" },
      {
        parameter: "/webstack-prod/edge/backend/database_password",
        path: "/etc/webstack/secrets/backend/database_password",
        mode: "0444",
      },
    ],
    nginxDirectories: directoriesNginxNeeds(spec),
    containers: [
      {
        role: "frontend",
        image: "ghcr.io/labelmedix/frontend:1.0.0",
        port: 3000,
        envFile: envFilePath("frontend"),
      },
      {
        role: "backend",
        image: "ghcr.io/labelmedix/backend:1.0.0",
        port: 3001,
        envFile: envFilePath("backend"),
        secretsDir: "/etc/webstack/secrets/backend",
        hostNetwork: true,
      },
    ],
  },
};
const text = renderCloudInit(cloudInitSpec);
const document = parse(text) as {
  packages: string[];
  runcmd: string[][];
  write_files: {
    path: string;
    content: string;
    encoding: string;
    permissions: string;
    defer?: boolean;
  }[];
};
const files = readCloudInitFiles(text);

let dir: string;
beforeAll(() => (dir = scratchDir("cloud-init")));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("cloud-config", () => {
  test("starts with #cloud-config and is accepted by cloud-init's own schema check", () => {
    requireBinary("cloud-init", "cloud-init");
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    const file = path.join(dir, "user-data.yaml");
    fs.writeFileSync(file, text);
    const result = run("cloud-init", ["schema", "--config-file", file]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe(`Valid cloud-config: ${file}`);
    expect(result.status).toBe(0);
  });

  test("fits EC2's 16 KiB user-data limit with room to spare", () => {
    expect(Buffer.byteLength(text, "utf8")).toBeLessThan(USER_DATA_LIMIT_BYTES / 2);
    // Plain base64 would not fit: nginx.conf alone is over the limit once encoded.
    expect(Buffer.from(nginxConf).toString("base64").length).toBeGreaterThan(USER_DATA_LIMIT_BYTES);
  });

  test("installs Nginx and Docker from Ubuntu and runs the boot script once", () => {
    expect(document.packages).toEqual(["nginx", "docker.io"]);
    expect(document.runcmd).toEqual([[BOOT_SCRIPT_PATH]]);
  });

  test("every file is a write_files entry with path, content and encoding", () => {
    for (const entry of document.write_files) {
      expect(entry).toEqual(
        expect.objectContaining({
          path: expect.stringMatching(/^\//),
          content: expect.any(String),
          encoding: "gz+b64",
        }),
      );
    }
    expect(Object.keys(files).sort()).toEqual(
      [
        DOCKER_DAEMON_CONFIG_PATH,
        NGINX_CONF_PATH,
        certificate,
        envFilePath("frontend"),
        envFilePath("backend"),
        CLOUDWATCH_AGENT_CONFIG_PATH,
        BOOT_SCRIPT_PATH,
      ].sort(),
    );
  });

  test("nginx.conf is the rendered file, byte for byte", () => {
    expect(files[NGINX_CONF_PATH]).toBe(nginxConf);
    expect(files[certificate]).toBe(CERTIFICATE_PEM);
  });

  test("only Docker's daemon.json is written before the packages install", () => {
    const early = document.write_files.filter((f) => f.defer !== true).map((f) => f.path);
    expect(early).toEqual([DOCKER_DAEMON_CONFIG_PATH]);
    expect(JSON.parse(files[DOCKER_DAEMON_CONFIG_PATH])).toMatchObject({
      "log-driver": "json-file",
      "log-opts": { "max-size": "50m", "max-file": "5" },
    });
  });

  test("env files and the boot script are root-only", () => {
    const modes = Object.fromEntries(document.write_files.map((f) => [f.path, f.permissions]));
    expect(modes[envFilePath("backend")]).toBe("0600");
    expect(modes[envFilePath("frontend")]).toBe("0600");
    expect(modes[BOOT_SCRIPT_PATH]).toBe("0700");
    expect(files[envFilePath("backend")]).toBe(
      "NODE_ENV=production\nPORT=3001\nDATABASE_HOST=db.internal\n" +
        "DATABASE_PASSWORD_FILE=/run/secrets/database_password\n",
    );
  });

  test("no private key travels in the user data", () => {
    expect(text).not.toMatch(/PRIVATE KEY/);
    for (const content of Object.values(files)) expect(content).not.toMatch(/PRIVATE KEY/);
  });

  test("a value that would break the env file is refused, naming it", () => {
    const broken = {
      ...cloudInitSpec,
      environments: { ...cloudInitSpec.environments, frontend: { API_URL: "a\nB=c" } },
    };
    expect(() => renderCloudInit(broken)).toThrow(
      'cloud-init: environments.frontend.API_URL must be an upper-case name with a one-line value (got "a\\nB=c")',
    );
  });
});

describe("CloudWatch agent", () => {
  test("publishes every CWAgent metric the alarm catalog reads, by AutoScalingGroupName", () => {
    const config = JSON.parse(files[CLOUDWATCH_AGENT_CONFIG_PATH]);
    expect(config).toEqual(JSON.parse(renderCloudWatchAgentConfig()));
    const published = Object.entries(
      config.metrics.metrics_collected as Record<string, { measurement: string[] }>,
    ).flatMap(([section, c]) =>
      c.measurement.map((m) => (m.startsWith(`${section}_`) ? m : `${section}_${m}`)),
    );
    const wanted = cloudWatchAlarmSpecs(ALARM_CATALOG)
      .flatMap((s) => [s.metric, ...Object.values(s.math?.metrics ?? {})])
      .filter((m) => m?.namespace === "CWAgent");
    expect(wanted.length).toBeGreaterThan(0);
    for (const metric of wanted) {
      expect(config.metrics.namespace).toBe(metric?.namespace);
      expect(published).toContain(metric?.metricName);
      expect(config.metrics.aggregation_dimensions).toContainEqual(
        Object.keys(metric?.dimensions ?? {}),
      );
    }
  });
});

/** Runs the boot script under bash with every command it calls replaced by a recorder. */
function runBootScript(script: string): string[][] {
  const log = path.join(dir, "calls.log");
  fs.writeFileSync(log, "");
  const stubs = [
    `log=${JSON.stringify(log)}`,
    `tmpdir=${JSON.stringify(dir)}`,
    "record() { local IFS=$'\\x1f'; printf '%s\\n' \"$*\" >>\"$log\"; }",
    'curl() { record curl "$@"; case "$*" in *placement/region*) echo ap-southeast-1 ;; *api/token*) echo token ;; esac; }',
    'aws() { record aws "$@"; echo "value of ${6}"; }',
    'mktemp() { record mktemp "$@"; echo "$tmpdir/tmp.$RANDOM"; }',
    ...[
      "snap",
      "install",
      "chmod",
      "mv",
      "rm",
      "nginx",
      "systemctl",
      "dpkg",
      "docker",
      "amazon-cloudwatch-agent-ctl",
    ].map((command) => `${command}() { record ${command} "$@"; }`),
  ].join("\n");
  const stubFile = path.join(dir, "stubs.sh");
  const scriptFile = path.join(dir, "boot.sh");
  fs.writeFileSync(stubFile, `${stubs}\n`);
  fs.writeFileSync(scriptFile, script);
  const result = run("bash", ["-c", `. ${stubFile}; . ${scriptFile}`]);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return fs
    .readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split("\x1f"));
}

describe("boot script", () => {
  const script = files[BOOT_SCRIPT_PATH];

  test("is the rendered script and clean under shellcheck", () => {
    requireBinary("shellcheck", "shellcheck");
    expect(script).toBe(renderBootScript(cloudInitSpec.boot));
    const file = path.join(dir, "webstack-boot");
    fs.writeFileSync(file, script);
    const result = run("shellcheck", ["--shell=bash", file]);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  test("fetches each secret with the host's region into its file and mode before Nginx starts", () => {
    const calls = runBootScript(script);
    const index = (predicate: (c: string[]) => boolean) => calls.findIndex(predicate);
    const fetches = calls.filter((c) => c[0] === "aws");
    expect(fetches.map((c) => c.slice(1, 7))).toEqual([
      [
        "ssm",
        "get-parameter",
        "--region",
        "ap-southeast-1",
        "--name",
        "/webstack-prod/edge/tls-key",
      ],
      [
        "ssm",
        "get-parameter",
        "--region",
        "ap-southeast-1",
        "--name",
        "/webstack-prod/edge/backend/database_password",
      ],
    ]);
    expect(fetches.every((c) => c.includes("--with-decryption"))).toBe(true);
    const moves = calls.filter((c) => c[0] === "mv").map((c) => c[3]);
    expect(moves).toEqual([key, "/etc/webstack/secrets/backend/database_password"]);
    const modes = calls.filter((c) => c[0] === "chmod").map((c) => c[1]);
    expect(modes).toEqual(["0600", "0444"]);
    const lastSecret = index(
      (c) => c[0] === "mv" && c[3] === "/etc/webstack/secrets/backend/database_password",
    );
    const check = index((c) => c.join(" ") === "nginx -t");
    const restart = index((c) => c.join(" ") === "systemctl restart nginx");
    expect(lastSecret).toBeLessThan(check);
    expect(check).toBeLessThan(restart);
  });

  test("installs the CloudWatch agent from the host's region and loads its config", () => {
    const calls = runBootScript(script);
    const download = calls.find((c) => c[0] === "curl" && c.join(" ").includes(".deb"));
    expect(download?.at(-1)).toBe(
      "https://amazoncloudwatch-agent-ap-southeast-1.s3.ap-southeast-1.amazonaws.com/ubuntu/amd64/latest/amazon-cloudwatch-agent.deb",
    );
    expect(calls).toContainEqual([
      "amazon-cloudwatch-agent-ctl",
      "-a",
      "fetch-config",
      "-m",
      "ec2",
      "-s",
      "-c",
      `file:${CLOUDWATCH_AGENT_CONFIG_PATH}`,
    ]);
  });

  test.each([
    ["frontend", 3000, "/health", [], ["127.0.0.1:3000:3000"], []],
    [
      "backend",
      3001,
      "/health/ready",
      ["--volume", "/etc/webstack/secrets/backend:/run/secrets:ro"],
      // On the host's network, to reach the instance role (uploads bucket): nothing to publish.
      [],
      ["host"],
    ],
  ])(
    "runs the %s container on :%d with health on %s, rotated logs and restart",
    (role, port, healthPath, extra, publish, network) => {
      const calls = runBootScript(script);
      const started = calls.findIndex((c) => c.join(" ") === "systemctl enable --now docker");
      const runIndex = calls.findIndex(
        (c) => c[0] === "docker" && c[1] === "run" && c.includes(role),
      );
      expect(started).toBeGreaterThanOrEqual(0);
      expect(runIndex).toBeGreaterThan(started);
      const args = calls[runIndex];
      const option = (name: string) => args.filter((_, i) => args[i - 1] === name);
      expect(option("--name")).toEqual([role]);
      expect(option("--restart")).toEqual(["unless-stopped"]);
      expect(option("--log-driver")).toEqual(["json-file"]);
      expect(option("--log-opt")).toEqual(["max-size=50m", "max-file=5"]);
      expect(option("--health-interval")).toEqual(["30s"]);
      expect(option("--health-timeout")).toEqual(["10s"]);
      expect(option("--health-retries")).toEqual(["3"]);
      expect(option("--health-start-period")).toEqual(["40s"]);
      expect(option("--health-cmd")[0]).toContain(`path:"${healthPath}"`);
      expect(option("--publish")).toEqual(publish);
      expect(option("--network")).toEqual(network);
      expect(option("--health-cmd")[0]).toContain(`port:${port}`);
      expect(option("--env-file")).toEqual([envFilePath(role as "frontend" | "backend")]);
      expect(option("--volume")).toEqual(extra.slice(1));
      expect(args.at(-1)).toBe(`ghcr.io/labelmedix/${role}:1.0.0`);
    },
  );

  test("an unsafe path is refused before any script is written", () => {
    expect(() =>
      renderBootScript({
        ...cloudInitSpec.boot,
        secretFiles: [{ parameter: "/p", path: "/etc/x; rm -rf /", mode: "0600" }],
      }),
    ).toThrow(
      'app host boot script: secretFiles[0].path must be an absolute path of letters, digits and ._/- (got "/etc/x; rm -rf /")',
    );
  });
});
