// The app hosts' cloud-init as the hosts will read it: valid cloud-config (checked by the real
// `cloud-init schema`), every file decodable and in the right stage, small enough for EC2, no
// private key anywhere in it — and the boot script, run by bash with every command stubbed,
// fetches the secrets before Nginx starts and starts the containers as docs/requirements.md §7 asks.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
  AppHostSpec,
  BOOT_ENV_PATH,
  BOOT_SCRIPT,
  BOOT_SCRIPT_PATH,
  CLOUDWATCH_AGENT_CONFIG,
  CLOUDWATCH_AGENT_CONFIG_PATH,
  DOCKER_DAEMON_CONFIG_PATH,
  envFilePath,
  NGINX_CONF_PATH,
  renderCloudInit,
  USER_DATA_LIMIT_BYTES,
} from "../../components/edge/cloud-init";
import { renderNginxConf } from "../../components/edge/nginx-conf";
import { awsSiteSpec } from "../../components/edge/site-spec";
import { cloudWatchAlarmSpecs } from "../../components/alarms/cloudwatch-specs";
import { ALARM_CATALOG } from "../../components/catalog/alarms";
import { readCloudInitFiles } from "../../policies/cloud-init";
import { requireBinary, run, scratchDir } from "../support/servers";
import { dockerRun, fetchedSecrets, runBootScript } from "./edge-boot-run";

const spec = awsSiteSpec(
  {
    domains: ["labelmedix.com", "www.labelmedix.com"],
    frontendPort: 3000,
    backendPort: 3001,
    rateLimits: {
      api: { ratePerSecond: 10, burst: 20 },
      login: { ratePerSecond: 1, burst: 5 },
      uploads: { ratePerSecond: 1, burst: 5 },
    },
    uploadsPath: "/api/upload",
    uploadMaxBodyMb: 20,
    tlsProtocols: ["TLSv1.2", "TLSv1.3"],
    hstsMaxAgeSeconds: 31536000,
  },
  "ubuntu-22.04",
  "10.40.0.0/16",
);
const nginxConf = renderNginxConf(spec);
const { certificate, key } = spec.paths;
const CERTIFICATE_PEM = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

const cloudInitSpec: AppHostSpec = {
  site: spec,
  nginxConf,
  certificatePem: CERTIFICATE_PEM,
  images: {
    frontend: "ghcr.io/labelmedix/frontend:1.0.0",
    backend: "ghcr.io/labelmedix/backend:1.0.0",
  },
  backendEnvironment: { DATABASE_HOST: "db.internal" },
  tlsKeyParameter: "/webstack-prod/edge/tls-key",
  backendSecretParameters: "/webstack-prod/edge/backend",
  backendSecrets: ["DATABASE_PASSWORD"],
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
    expect(document.runcmd).toEqual([[BOOT_SCRIPT_PATH, BOOT_ENV_PATH]]);
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
        BOOT_ENV_PATH,
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
    expect(modes[BOOT_ENV_PATH]).toBe("0600");
    expect(modes[BOOT_SCRIPT_PATH]).toBe("0700");
    expect(files[envFilePath("frontend")]).toBe("NODE_ENV=production\nPORT=3000\n");
    expect(files[envFilePath("backend")]).toBe(
      "NODE_ENV=production\nPORT=3001\nDATABASE_HOST=db.internal\n" +
        "DATABASE_PASSWORD_FILE=/run/secrets/database_password\n",
    );
  });

  test("no private key travels in the user data", () => {
    expect(text).not.toMatch(/PRIVATE KEY/);
    for (const content of Object.values(files)) expect(content).not.toMatch(/PRIVATE KEY/);
  });
});

describe("CloudWatch agent", () => {
  test("publishes every CWAgent metric the alarm catalog reads, by AutoScalingGroupName", () => {
    const config = JSON.parse(files[CLOUDWATCH_AGENT_CONFIG_PATH]);
    expect(config).toEqual(JSON.parse(CLOUDWATCH_AGENT_CONFIG));
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

describe("boot script", () => {
  let calls: string[][];
  beforeAll(() => (calls = runBootScript(files[BOOT_SCRIPT_PATH], files[BOOT_ENV_PATH])));

  test("is the shipped app-host-boot.sh, clean under shellcheck", () => {
    requireBinary("shellcheck", "shellcheck");
    expect(files[BOOT_SCRIPT_PATH]).toBe(BOOT_SCRIPT);
    const file = path.join(__dirname, "../../components/edge/app-host-boot.sh");
    expect(fs.readFileSync(file, "utf8")).toBe(BOOT_SCRIPT);
    const result = run("shellcheck", ["--shell=bash", file]);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  test("fetches each secret with the host's region into its file and mode before Nginx starts", () => {
    const index = (predicate: (c: string[]) => boolean) => calls.findIndex(predicate);
    const fetches = calls.filter((c) => c[0] === "aws");
    expect(fetches.map((c) => c.slice(1, 5))).toEqual([
      ["ssm", "get-parameter", "--region", "ap-southeast-1"],
      ["ssm", "get-parameter", "--region", "ap-southeast-1"],
    ]);
    expect(fetches.every((c) => c.includes("--with-decryption"))).toBe(true);
    expect(fetchedSecrets(calls)).toEqual([
      ["/webstack-prod/edge/tls-key", key, "0600"],
      [
        "/webstack-prod/edge/backend/database_password",
        "/etc/webstack/secrets/backend/database_password",
        "0444",
      ],
    ]);
    const lastSecret = index(
      (c) => c[0] === "mv" && c[3] === "/etc/webstack/secrets/backend/database_password",
    );
    const check = index((c) => c.join(" ") === "nginx -t");
    const restart = index((c) => c.join(" ") === "systemctl restart nginx");
    expect(lastSecret).toBeLessThan(check);
    expect(check).toBeLessThan(restart);
  });

  test("installs the CloudWatch agent from the host's region and loads its config", () => {
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
    ["frontend", 3000, "/health", [], ["127.0.0.1:3000:3000"], [], []],
    [
      "backend",
      3001,
      "/health/ready",
      ["/etc/webstack/secrets/backend:/run/secrets:ro"],
      // On the host's network, to reach the instance role (uploads bucket): nothing to publish,
      // no raw sockets to capture loopback, no privileges gained later.
      [],
      ["host"],
      ["NET_RAW"],
    ],
  ])(
    "runs the %s container on :%d with health on %s, rotated logs and restart",
    (role, port, healthPath, volumes, publish, network, dropped) => {
      const started = calls.findIndex((c) => c.join(" ") === "systemctl enable --now docker");
      const args = dockerRun(calls, role);
      expect(started).toBeGreaterThanOrEqual(0);
      expect(calls.indexOf(args)).toBeGreaterThan(started);
      const option = (name: string) => args.filter((_, i) => args[i - 1] === name);
      expect(option("--restart")).toEqual(["unless-stopped"]);
      expect(option("--log-driver")).toEqual(["json-file"]);
      expect(option("--log-opt")).toEqual(["max-size=50m", "max-file=5"]);
      expect(option("--health-interval")).toEqual(["30s"]);
      expect(option("--health-timeout")).toEqual(["10s"]);
      expect(option("--health-retries")).toEqual(["3"]);
      expect(option("--health-start-period")).toEqual(["40s"]);
      expect(option("--health-cmd")[0]).toContain(`path:"${healthPath}"`);
      expect(option("--health-cmd")[0]).toContain(`port:${port}`);
      expect(option("--publish")).toEqual(publish);
      expect(option("--network")).toEqual(network);
      expect(option("--cap-drop")).toEqual(dropped);
      expect(option("--security-opt")).toEqual(dropped.length ? ["no-new-privileges"] : []);
      expect(option("--env-file")).toEqual([envFilePath(role as "frontend" | "backend")]);
      expect(option("--volume")).toEqual(volumes);
      expect(args.at(-1)).toBe(`ghcr.io/labelmedix/${role}:1.0.0`);
    },
  );

  test("a backend without secrets fetches only Nginx's key and mounts nothing", () => {
    const plain = readCloudInitFiles(renderCloudInit({ ...cloudInitSpec, backendSecrets: [] }));
    const without = runBootScript(plain[BOOT_SCRIPT_PATH], plain[BOOT_ENV_PATH]);
    expect(fetchedSecrets(without)).toEqual([["/webstack-prod/edge/tls-key", key, "0600"]]);
    expect(dockerRun(without, "backend")).not.toContain("--volume");
  });

  test("settings reach the script as single words, whatever shell syntax they hold", () => {
    const odd = "/webstack-prod/edge/it's $(touch x); `id`";
    const quoted = readCloudInitFiles(renderCloudInit({ ...cloudInitSpec, tlsKeyParameter: odd }));
    const oddCalls = runBootScript(quoted[BOOT_SCRIPT_PATH], quoted[BOOT_ENV_PATH]);
    expect(fetchedSecrets(oddCalls)[0]).toEqual([odd, key, "0600"]);
  });
});
