// Program level: the real program for dev and test under the mock runtime runs the operations
// part we promise on Docker — Prometheus with the catalog's rules at the stack's thresholds and a
// target for every MySQL server and Redis node by its alias, Alertmanager with exactly the stack's
// receivers, the exporters, and the backup job on the catalog's schedules and retention — from
// pinned images, on internal networks, publishing nothing but dev's two UIs on 127.0.0.1, with
// every volume retained and no password readable in what the engine records.
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { policies } from "../../policies/policies";
import { evaluatePolicies } from "../../tools/policy/evaluate";
import { readPackConfig } from "../../tools/policy/report";
import { RecordedResource } from "../../tools/mock-runtime/mocks";
import { StackRun } from "../../tools/mock-runtime/run-stack";
import {
  configObject,
  inputsOf,
  named,
  ofType,
  PROJECT_DIR,
  stackConfig,
  synth,
  uploadOf,
  uploadsOf,
  withConfig,
} from "../support/program";
import { packViolations } from "../support/policy";

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const NETWORK = "docker:index/network:Network";
const STACKS = ["dev", "test"] as const;

type Inputs = Record<string, unknown>;
interface Attachment {
  name: string;
  aliases?: string[];
  ipv4Address?: string;
}

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of STACKS) runs[stack] = await synth(stack);
}, 60_000);

/** Resources the operations parts registered. */
const ops = (run: StackRun, type: string) =>
  ofType(run, type).filter((r) => /webstack:ops:(Alarms|Backups)/.test(r.urn));
const container = (stack: string, suffix: string) => named(runs[stack], `${stack}-${suffix}`);
const uploads = uploadsOf;
const upload = uploadOf;
const envOf = (resource: RecordedResource) =>
  Object.fromEntries(
    (inputsOf(resource).envs as string[]).map((e) => [
      e.slice(0, e.indexOf("=")),
      e.slice(e.indexOf("=") + 1),
    ]),
  );

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
}
function rulesOf(stack: string): Map<string, Rule> {
  const text = upload(
    container(stack, "alarms-prometheus"),
    "/etc/prometheus/rules/webstack.rules.yml",
  );
  const groups = (parse(text.content) as { groups: { rules: Rule[] }[] }).groups;
  return new Map(groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
}

interface ScrapeJob {
  job_name: string;
  static_configs: { targets: string[]; labels?: { instance: string } }[];
}
function prometheusYml(stack: string) {
  const text = upload(container(stack, "alarms-prometheus"), "/etc/prometheus/prometheus.yml");
  return parse(text.content) as { scrape_configs: ScrapeJob[]; rule_files: string[] };
}

describe.each(STACKS)("%s alarms on Docker", (stack) => {
  const prefix = `webstack-${stack}`;
  const mysqlServers = stack === "test" ? ["mysql-primary", "mysql-replica-1"] : ["mysql-primary"];

  test("every monitoring container runs its pinned image, named after the stack", () => {
    const images = Object.fromEntries(
      ops(runs[stack], CONTAINER).map((c) => [inputsOf(c).name, inputsOf(c).image]),
    );
    expect(images).toEqual({
      [`${prefix}-prometheus`]: "prom/prometheus:v2.53.4",
      [`${prefix}-alertmanager`]: "prom/alertmanager:v0.25.0",
      [`${prefix}-node-exporter`]: "prom/node-exporter:v1.8.2",
      ...Object.fromEntries(
        mysqlServers.map((s) => [`${prefix}-mysqld-exporter-${s}`, "prom/mysqld-exporter:v0.18.0"]),
      ),
      [`${prefix}-redis-exporter-redis`]: "oliver006/redis_exporter:v1.62.0-alpine",
      [`${prefix}-blackbox-exporter`]: "prom/blackbox-exporter:v0.25.0",
      [`${prefix}-backup-job`]: expect.stringMatching(
        new RegExp(`^${prefix}-backup-job:[0-9a-f]{12}$`),
      ),
    });
  });

  test.each([
    // alert, comparison and threshold, for, severity: docs/requirements.md §6
    ["HostCpuHigh", "> 80", "5m", "warning"],
    ["HostMemoryHigh", "> 85", "5m", "warning"],
    ["DiskSpaceCritical", "> 90", "1m", "critical"],
    ["ServiceDown", "< 100", "1m", "critical"],
    ["LatencyP95High", "> 1000", "5m", "warning"],
    ["BackendSlow", "> 2", "5m", "warning"],
    ["ErrorRateHigh", "> 5", "2m", "critical"],
    ["AvailabilityLow", "< 99", "1m", "critical"],
    ["DbConnectionsHigh", "> 80", "5m", "warning"],
    ["ReplicaLagWarning", "> 30", "5m", "warning"],
    ["ReplicaLagCritical", "> 300", "5m", "critical"],
    ["RedisMemoryHigh", "> 85", "5m", "warning"],
    ["CertificateExpiringWarning", "< 30", undefined, "warning"],
    ["CertificateExpiringCritical", "< 7", undefined, "critical"],
    ["BackupFailed", "< 1", undefined, "critical"],
    ["BackupStale", "> 26", undefined, "critical"],
    // The faults a threshold cannot see (docs/operations-catalog.md).
    ["ReplicationBroken", "< 1", "2m", "critical"],
    ["MysqlDown", "< 1", "1m", "critical"],
    ["RedisDown", "< 1", "1m", "critical"],
  ])("Prometheus evaluates %s at %s for %s (%s)", (alert, comparison, duration, severity) => {
    const rule = rulesOf(stack).get(alert);
    expect(rule).toBeDefined();
    expect(rule!.expr.endsWith(` ${comparison}`)).toBe(true);
    expect(rule!.for).toBe(duration);
    expect(rule!.labels).toMatchObject({ severity, environment: stack });
  });

  test("the rule file holds exactly the catalog's nineteen alarms and the two self-health rules", () => {
    expect(rulesOf(stack).size).toBe(21);
    // Monitoring self-health, beside the catalog: any scrape target down for 5 minutes warns, and
    // the Watchdog always fires (Alertmanager routes it to no one).
    expect(rulesOf(stack).get("ScrapeTargetDown")).toMatchObject({
      expr: "up == 0",
      for: "5m",
      labels: { severity: "warning", environment: stack },
    });
    expect(rulesOf(stack).get("Watchdog")).toMatchObject({
      expr: "vector(1)",
      labels: { severity: "none", environment: stack },
    });
    expect(prometheusYml(stack).rule_files).toEqual(["rules/webstack.rules.yml"]);
  });

  test("prometheus.yml targets every MySQL server and Redis node by its network alias", () => {
    const jobs = new Map(prometheusYml(stack).scrape_configs.map((j) => [j.job_name, j]));
    const instances = (job: string) => jobs.get(job)!.static_configs.map((c) => c.labels?.instance);
    expect(instances("mysqld")).toEqual(mysqlServers);
    expect(instances("redis")).toEqual(["redis"]);
    expect(instances("node")).toEqual(["docker-host"]);
    // The instances are the servers' own aliases on the data network.
    const dataAliases = ofType(runs[stack], CONTAINER)
      .filter((c) => c.urn.includes("webstack:data:"))
      .flatMap((c) =>
        (inputsOf(c).networksAdvanced as Attachment[]).flatMap((n) => n.aliases ?? []),
      );
    expect(dataAliases).toEqual(expect.arrayContaining([...mysqlServers, "redis"]));
    // Every target host is a container alias on the monitoring network Prometheus is on.
    const monitoring = `${prefix}-monitoring`;
    const onMonitoring = ops(runs[stack], CONTAINER).flatMap((c) =>
      (inputsOf(c).networksAdvanced as Attachment[])
        .filter((n) => n.name === monitoring)
        .flatMap((n) => n.aliases ?? []),
    );
    const prometheusNetworks = (
      inputsOf(container(stack, "alarms-prometheus")).networksAdvanced as Attachment[]
    ).map((n) => n.name);
    expect(prometheusNetworks).toContain(monitoring);
    for (const job of ["node", "mysqld", "redis"]) {
      for (const { targets } of jobs.get(job)!.static_configs) {
        expect(onMonitoring).toContain(targets[0].split(":")[0]);
      }
    }
  });

  test("the health probe goes to the edge over HTTPS, trusting the edge's own CA", () => {
    const jobs = prometheusYml(stack).scrape_configs;
    const probe = jobs.find((j) => j.job_name === "blackbox")!;
    expect(probe.static_configs[0].targets).toEqual([`https://${prefix}-nginx/healthz`]);
    const blackbox = container(stack, "alarms-blackbox-exporter");
    const config = parse(upload(blackbox, "/etc/blackbox_exporter/config.yml").content);
    const tls = config.modules.https_health.http.tls_config;
    expect(tls).toEqual({
      ca_file: "/etc/blackbox_exporter/edge-ca.crt",
      server_name: stack === "dev" ? "localhost" : "test.labelmedix.com",
      min_version: "TLS12",
    });
    expect(upload(blackbox, "/etc/blackbox_exporter/edge-ca.crt").content).toBe(
      `<computed:tls:index/selfSignedCert:SelfSignedCert::${stack}-edge-tls-ca.certPem>`,
    );
    const networks = (inputsOf(blackbox).networksAdvanced as Attachment[]).map((n) => n.name);
    expect(networks).toEqual([`${prefix}-monitoring`, `${prefix}-edge`]);
  });

  test("Alertmanager has exactly the stack's receivers, one route per severity, the Watchdog's first", () => {
    const alertmanager = container(stack, "alarms-alertmanager");
    const config = parse(upload(alertmanager, "/etc/alertmanager/alertmanager.yml").content);
    const receiver = stack === "dev" ? "log" : "email";
    expect(config.receivers).toEqual([
      expect.objectContaining({ name: receiver }),
      { name: "watchdog" },
    ]);
    expect(
      config.route.routes.map(
        (r: { matchers: string[]; receiver?: string; routes?: { receiver: string }[] }) => [
          r.matchers,
          r.routes ? r.routes.map((x) => x.receiver) : [r.receiver],
        ],
      ),
    ).toEqual([
      [['alertname="Watchdog"'], ["watchdog"]],
      [['severity="critical"'], [receiver]],
      [['severity="warning"'], [receiver]],
    ]);
    if (stack === "test") {
      expect(config.receivers[0].email_configs[0].to).toBe("ops@labelmedix.com");
      expect(config.global.smtp_smarthost).toBe("smtp.labelmedix.com:587");
    }
    expect(runs[stack].outputs.alarmDestinations).toEqual({
      warning: receiver,
      critical: receiver,
    });
  });

  test("only dev publishes anything: the Prometheus and Alertmanager UIs on 127.0.0.1", () => {
    const published = ops(runs[stack], CONTAINER)
      .flatMap((c) =>
        ((inputsOf(c).ports as Inputs[] | undefined) ?? []).map((p) => [
          inputsOf(c).name,
          p.ip,
          p.internal,
          p.external,
        ]),
      )
      .sort();
    expect(published).toEqual(
      stack === "dev"
        ? [
            [`${prefix}-alertmanager`, "127.0.0.1", 9093, 9093],
            [`${prefix}-prometheus`, "127.0.0.1", 9090, 9090],
          ]
        : [],
    );
  });

  test("monitoring runs on an internal network; only Alertmanager (and dev's UIs) get a way out", () => {
    const networks = ops(runs[stack], NETWORK).map((n) => [inputsOf(n).name, inputsOf(n).internal]);
    expect(networks).toEqual([
      [`${prefix}-monitoring`, true],
      [`${prefix}-monitoring-egress`, false],
    ]);
    const egress = `${prefix}-monitoring-egress`;
    const onEgress = ops(runs[stack], CONTAINER)
      .filter((c) => (inputsOf(c).networksAdvanced as Attachment[]).some((n) => n.name === egress))
      .map((c) => inputsOf(c).name)
      .sort();
    expect(onEgress).toEqual(
      stack === "dev"
        ? [`${prefix}-alertmanager`, `${prefix}-prometheus`]
        : [`${prefix}-alertmanager`],
    );
  });

  test("every operations container has the shared health check and log rotation", () => {
    for (const c of ops(runs[stack], CONTAINER)) {
      const inputs = inputsOf(c);
      expect(inputs.healthcheck).toMatchObject({
        interval: "30s",
        timeout: "10s",
        retries: 3,
        startPeriod: "40s",
      });
      expect(inputs.logOpts).toEqual({ "max-size": "50m", "max-file": "5" });
      expect(inputs.restart).toBe("unless-stopped");
    }
  });

  test("node_exporter sees the host read-only and reads the backup job's metrics volume", () => {
    const node = inputsOf(container(stack, "alarms-node-exporter"));
    expect((node.mounts as Inputs[]).map((m) => [m.source, m.target, m.readOnly])).toEqual([
      ["/proc", "/host/proc", true],
      ["/sys", "/host/sys", true],
      ["/", "/host/root", true],
    ]);
    expect(node.volumes).toEqual([
      {
        volumeName: `${prefix}-backup-metrics`,
        containerPath: "/var/lib/node_exporter/textfile",
        readOnly: true,
      },
    ]);
    const job = inputsOf(container(stack, "backups-job"));
    expect(job.volumes).toContainEqual({
      volumeName: `${prefix}-backup-metrics`,
      containerPath: envOf(container(stack, "backups-job")).METRICS_DIR,
    });
  });

  test("each mysqld_exporter logs in as the metrics user of its own server", () => {
    for (const server of mysqlServers) {
      const exporter = container(stack, `alarms-mysqld-exporter-${server}`);
      const cnf = upload(exporter, "/etc/mysqld_exporter/my.cnf").content;
      expect(cnf).toContain(`host=${server}\nport=3306\nuser=webstack_monitor\n`);
      expect(cnf).not.toMatch(/^password/m);
      expect(upload(exporter, "/etc/mysqld_exporter/password")).toMatchObject({
        content: `<computed:random:index/randomPassword:RandomPassword::${stack}-mysql-monitor-password.result>`,
        owner: "65534",
        permissions: "0400",
      });
      const networks = (inputsOf(exporter).networksAdvanced as Attachment[]).map((n) => n.name);
      expect(networks).toEqual([`${prefix}-monitoring`, `${prefix}-data`]);
    }
  });

  test("in the single layout the redis_exporter joins the data network with no fixed address", () => {
    // The data network has no fixed addresses to collide with; Docker picks one.
    expect(inputsOf(container(stack, "alarms-redis-exporter-redis")).networksAdvanced).toEqual([
      { name: `${prefix}-monitoring`, aliases: ["redis-exporter-redis"] },
      { name: `${prefix}-data` },
    ]);
  });
});

describe.each(STACKS)("%s backups on Docker", (stack) => {
  const prefix = `webstack-${stack}`;

  test("the job dumps the primary as the backup user with the catalog's retention", () => {
    const env = envOf(container(stack, "backups-job"));
    expect(env).toEqual({
      TZ: "UTC",
      BACKUP_DIR: "/backups",
      METRICS_DIR: "/var/lib/webstack/metrics",
      MYSQL_HOST: "mysql-primary",
      MYSQL_PORT: "3306",
      MYSQL_USER: "webstack_backup",
      MYSQL_PASSWORD_FILE: "/run/secrets/webstack/mysql-backup-password",
      UPLOADS_DIR: "/var/lib/webstack/uploads",
      CONFIG_DIR: "/etc/webstack/config",
      REDIS_HOST: "redis",
      REDIS_PORT: "6379",
      REDIS_PASSWORD_FILE: "/run/secrets/webstack/redis-password",
      RETENTION_DAYS_MYSQL_FULL: "30",
      RETENTION_DAYS_MYSQL_BINLOG: "7",
      RETENTION_DAYS_FILES: "90",
      RETENTION_DAYS_CONFIG: "365",
      RETENTION_DAYS_REDIS: "7",
      WEEKLY_DAY_MYSQL_FULL: "0",
      WEEKLY_RETENTION_DAYS_MYSQL_FULL: "28",
      MONTHLY_DAY_MYSQL_FULL: "1",
      MONTHLY_RETENTION_DAYS_MYSQL_FULL: "365",
      // A run holding its lock longer than its kind's longest gap between runs is stuck.
      LOCK_MAX_AGE_SECONDS_MYSQL_FULL: "86400",
      LOCK_MAX_AGE_SECONDS_MYSQL_BINLOG: "3600",
      LOCK_MAX_AGE_SECONDS_FILES: "86400",
      LOCK_MAX_AGE_SECONDS_CONFIG: "604800",
      LOCK_MAX_AGE_SECONDS_REDIS: "86400",
      LOCK_MAX_AGE_SECONDS_RESTORE_TEST: "604800",
    });
  });

  test("the crontab runs each tier on its schedule and the restore test weekly", () => {
    const job = container(stack, "backups-job");
    const crontab = upload(job, "/etc/webstack/crontab").content;
    const lines = crontab.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    expect(lines).toEqual([
      "0 2 * * * /usr/local/bin/backup.sh mysql-full",
      "15 * * * * /usr/local/bin/backup.sh mysql-binlog",
      "0 3 * * * /usr/local/bin/backup.sh files",
      "0 4 * * 0 /usr/local/bin/backup.sh config",
      "30 2 * * * /usr/local/bin/backup.sh redis",
      "0 5 * * 0 /usr/local/bin/backup.sh restore-test",
    ]);
    for (const script of ["backup.sh", "restore.sh", "common.sh"]) {
      expect(upload(job, `/usr/local/bin/${script}`).content).toBe(
        runs[stack].files[`backups/${script}`],
      );
    }
    expect(upload(job, "/usr/local/bin/backup.sh")).toMatchObject({ permissions: "0555" });
    expect(inputsOf(job).command).toEqual(["/etc/webstack/crontab"]);
  });

  test("the job image is built from job-image/ for the server's flavour, never pushed", () => {
    const [image] = ops(runs[stack], "docker:index/image:Image");
    const inputs = inputsOf(image);
    expect(inputs.skipPush).toBe(true);
    expect(String((inputs.build as Inputs).context)).toMatch(/components\/backups\/job-image$/);
    expect((inputs.build as Inputs).args).toEqual({
      MYSQL_FLAVOUR: "mysql",
      MYSQL_APT_COMPONENT: "mysql-8.4-lts",
    });
    expect(inputsOf(container(stack, "backups-job")).image).toBe(inputs.imageName);
  });

  test("the job reads uploads read-only and reaches only the data network", () => {
    const job = inputsOf(container(stack, "backups-job"));
    expect(job.volumes).toEqual([
      { volumeName: `${prefix}-backups`, containerPath: "/backups" },
      { volumeName: `${prefix}-backup-metrics`, containerPath: "/var/lib/webstack/metrics" },
      {
        volumeName: `${prefix}-uploads`,
        containerPath: "/var/lib/webstack/uploads",
        readOnly: true,
      },
    ]);
    expect((job.networksAdvanced as Attachment[]).map((n) => n.name)).toEqual([`${prefix}-data`]);
    // The backend writes the same uploads volume.
    const backend = inputsOf(named(runs[stack], `${stack}-edge-backend`));
    expect(backend.volumes).toEqual([
      { volumeName: `${prefix}-uploads`, containerPath: "/var/lib/webstack/uploads" },
    ]);
    expect(runs[stack].outputs.backupDestination).toBe(`${prefix}-backups`);
  });

  test("the config tier keeps what was deployed, never redis.conf (it holds the AUTH token)", () => {
    const files = uploads(container(stack, "backups-job"))
      .map((u) => u.file)
      .filter((f) => f.startsWith("/etc/webstack/config/"));
    expect(files).toContain("/etc/webstack/config/edge/nginx.conf");
    expect(files).toContain("/etc/webstack/config/mysql/primary.cnf");
    expect(files.filter((f) => f.includes("redis"))).toEqual([]);
  });
});

describe.each(STACKS)("%s operations state and secrets", (stack) => {
  const prefix = `webstack-${stack}`;

  test("every volume of monitoring, backups and uploads survives pulumi destroy", () => {
    const volumes = ofType(runs[stack], VOLUME).filter((v) => !v.urn.includes("webstack:data:"));
    expect(volumes.map((v) => [inputsOf(v).name, v.retainOnDelete]).sort()).toEqual(
      [
        [`${prefix}-alertmanager-data`, true],
        [`${prefix}-backup-metrics`, true],
        [`${prefix}-backups`, true],
        [`${prefix}-prometheus-data`, true],
        [`${prefix}-uploads`, true],
      ].sort(),
    );
  });

  test("no generated password is ever readable outside a secret", () => {
    const exposed = ops(runs[stack], CONTAINER).flatMap((c) =>
      plainStrings(c.inputs)
        .filter(([, value]) => value.includes("RandomPassword::"))
        .map(([where]) => `${c.name}.${where}`),
    );
    expect(exposed).toEqual([]);
  });
});

/** Every string in `value` not under a secret wrapper, with its path. */
/** The Alertmanager container with every alert routed to a log webhook: no one is e-mailed. */
function logOnly(alertmanager: RecordedResource): RecordedResource {
  const config = {
    route: { receiver: "log" },
    receivers: [{ name: "log", webhook_configs: [{ url: "http://127.0.0.1:9/log" }] }],
  };
  const changed = uploads(alertmanager).map((u) =>
    u.file.endsWith("/alertmanager.yml") ? { ...u, content: stringify(config) } : u,
  );
  return { ...alertmanager, inputs: { ...inputsOf(alertmanager), uploads: changed } };
}

function plainStrings(value: unknown, path = ""): [string, string][] {
  if (pulumi.runtime.isRpcSecret(value)) return [];
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => plainStrings(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => plainStrings(v, path ? `${path}.${k}` : k));
  }
  return [];
}

describe("a test stack routing to Slack and an authenticated SMTP relay", () => {
  let run: StackRun;
  beforeAll(async () => {
    const base = stackConfig("test");
    const alerts = configObject(base, "webstack:alerts");
    run = await synth(
      "test",
      withConfig(
        base,
        {
          "webstack:alerts": {
            ...alerts,
            email: { ...(alerts.email as Inputs), username: "alerts" },
            slack: { channel: "#ops-test" },
            routes: { warning: ["email"], critical: ["email", "slack"] },
          },
          "webstack:slackWebhookUrl": "https://hooks.slack.com/services/T000/B000/XYZsecret",
          "webstack:smtpPassword": "Smtp-Relay-Secret-8841",
        },
        ["webstack:slackWebhookUrl", "webstack:smtpPassword"],
      ),
    );
  }, 60_000);

  test("Alertmanager reads both secrets from files that are secret in state", () => {
    const alertmanager = named(run, "test-alarms-alertmanager");
    // Pulumi keeps a list holding a secret secret as a whole: the engine records no part of it.
    expect(pulumi.runtime.isRpcSecret(alertmanager.inputs.uploads)).toBe(true);
    const files = uploads(alertmanager).filter((u) =>
      u.file.startsWith("/etc/alertmanager/secrets/"),
    );
    expect(files.map((u) => [u.file, u.content, u.owner, u.permissions])).toEqual([
      ["/etc/alertmanager/secrets/smtp_password", "Smtp-Relay-Secret-8841", "65534", "0400"],
      [
        "/etc/alertmanager/secrets/slack_api_url",
        "https://hooks.slack.com/services/T000/B000/XYZsecret",
        "65534",
        "0400",
      ],
    ]);
    const config = parse(upload(alertmanager, "/etc/alertmanager/alertmanager.yml").content);
    expect(config.receivers.map((r: { name: string }) => r.name)).toEqual([
      "email",
      "slack",
      "watchdog",
    ]);
    expect(config.global.smtp_auth_password_file).toBe("/etc/alertmanager/secrets/smtp_password");
  });

  test("the policy pack still reads the secret Alertmanager config, as the engine unwraps secrets for policies", async () => {
    const delivery = policies.filter((p) => p.name === "webstack-alarms-delivery");
    // Judged at the test tier, as CI passes policies/config/test.json for this stack.
    const packConfig = readPackConfig(PROJECT_DIR, "test");
    const [result] = await evaluatePolicies(delivery, run.resources, packConfig);
    expect(result.violations).toEqual([]);
    // The config really was read: the same secret upload routed to a log only is refused.
    const weakened = run.resources.map((r) =>
      r.name === "test-alarms-alertmanager" ? logOnly(r) : r,
    );
    const [refused] = await evaluatePolicies(delivery, weakened, packConfig);
    expect(refused.violations.map((v) => v.message)).toEqual([
      "warning alerts reach webhook but the test floor also needs email.",
      "critical alerts reach webhook but the test floor also needs email.",
    ]);
  });

  test("neither secret appears in any plain input", () => {
    const leaks = run.resources.flatMap((r) =>
      plainStrings(r.inputs)
        .filter(([, v]) => v.includes("XYZsecret") || v.includes("Smtp-Relay-Secret"))
        .map(([where]) => `${r.name}.${where}`),
    );
    expect(leaks).toEqual([]);
  });
});

describe("dev routing to a webhook whose URL is a `secure:` value synth cannot decrypt", () => {
  // What tools/mock-runtime/stack-file.ts passes for `webstack:alertWebhookUrl: {secure: …}`.
  const PLACEHOLDER = "<secret:webstack:alertWebhookUrl>";
  let run: StackRun;
  beforeAll(async () => {
    const base = stackConfig("dev");
    run = await synth(
      "dev",
      withConfig(
        base,
        {
          "webstack:alerts": { routes: { warning: ["log"], critical: ["webhook"] } },
          "webstack:alertWebhookUrl": PLACEHOLDER,
        },
        ["webstack:alertWebhookUrl"],
      ),
    );
  }, 60_000);

  test("Alertmanager is registered, posting critical alerts to the secret URL", () => {
    const alertmanager = named(run, "dev-alarms-alertmanager");
    expect(pulumi.runtime.isRpcSecret(alertmanager.inputs.uploads)).toBe(true);
    const config = parse(upload(alertmanager, "/etc/alertmanager/alertmanager.yml").content);
    expect(config.receivers).toContainEqual({
      name: "webhook",
      webhook_configs: [{ url: PLACEHOLDER, send_resolved: true }],
    });
    expect(run.files["alarms/alertmanager.yml"]).toContain(
      "url: https://secret.invalid/alertWebhookUrl",
    );
  });

  test("the policy pack finds nothing", async () => {
    expect(await packViolations(run)).toEqual([]);
  });
});

describe("dev with a dead man's switch and no UIs published", () => {
  const PING = "https://hc-ping.com/7d1f0a2b-switch-secret";
  const AM = "dev-alarms-alertmanager";
  const CONFIG = "/etc/alertmanager/alertmanager.yml";
  // publishUi off, so nothing but the switch can give Alertmanager a way out of dev's log routes.
  let withSwitch: StackRun;
  let without: StackRun;
  beforeAll(async () => {
    const base = stackConfig("dev");
    const quiet = {
      "webstack:alarms": { ...configObject(base, "webstack:alarms"), publishUi: false },
    };
    without = await synth("dev", withConfig(base, quiet));
    withSwitch = await synth(
      "dev",
      withConfig(base, { ...quiet, "webstack:deadMansSwitchUrl": PING }, [
        "webstack:deadMansSwitchUrl",
      ]),
    );
  }, 60_000);

  const config = (run: StackRun) => parse(upload(named(run, AM), CONFIG).content);

  test("the Watchdog is posted to the switch every 5 minutes; without the key it reaches no one", () => {
    expect(config(withSwitch).route.routes[0]).toEqual({
      matchers: ['alertname="Watchdog"'],
      receiver: "watchdog",
      group_wait: "10s",
      group_interval: "1m",
      repeat_interval: "5m",
    });
    expect(config(withSwitch).receivers).toEqual([
      { name: "log" },
      {
        name: "watchdog",
        webhook_configs: [{ url: PING, send_resolved: false, max_alerts: 1 }],
      },
    ]);
    expect(config(without).route.routes[0]).toEqual({
      matchers: ['alertname="Watchdog"'],
      receiver: "watchdog",
    });
    expect(config(without).receivers).toEqual([{ name: "log" }, { name: "watchdog" }]);
  });

  test("the URL is in no plain input, and the copy under out/ holds a placeholder", () => {
    expect(pulumi.runtime.isRpcSecret(named(withSwitch, AM).inputs.uploads)).toBe(true);
    expect(pulumi.runtime.isRpcSecret(named(without, AM).inputs.uploads)).toBe(false);
    const leaks = withSwitch.resources.flatMap((r) =>
      plainStrings(r.inputs)
        .filter(([, v]) => v.includes("switch-secret"))
        .map(([where]) => `${r.name}.${where}`),
    );
    expect(leaks).toEqual([]);
    const copy = withSwitch.files["alarms/alertmanager.yml"];
    expect(copy).toContain("url: https://secret.invalid/deadMansSwitchUrl");
    expect(copy).not.toContain("switch-secret");
  });

  test("only with the switch does Alertmanager get a way out, and nothing else does", () => {
    const egress = (run: StackRun) =>
      ops(run, CONTAINER)
        .filter((c) =>
          (inputsOf(c).networksAdvanced as Attachment[]).some(
            (n) => n.name === "webstack-dev-monitoring-egress",
          ),
        )
        .map((c) => inputsOf(c).name);
    expect(egress(withSwitch)).toEqual(["webstack-dev-alertmanager"]);
    expect(egress(without)).toEqual([]);
    expect(ops(without, NETWORK).map((n) => inputsOf(n).name)).toEqual(["webstack-dev-monitoring"]);
  });

  test("the policy pack finds nothing", async () => {
    expect(await packViolations(withSwitch)).toEqual([]);
  });
});

describe("dev backups in the Redis cluster layout", () => {
  let run: StackRun;
  beforeAll(async () => {
    const base = stackConfig("dev");
    run = await synth(
      "dev",
      withConfig(base, {
        "webstack:redis": {
          ...configObject(base, "webstack:redis"),
          layout: "cluster",
          clusterSubnet: "192.168.77.0/24",
        },
      }),
    );
  }, 60_000);

  test("the job is given every node as a seed, REDIS_CLUSTER=1 and the token as a file", () => {
    const job = named(run, "dev-backups-job");
    expect(envOf(job)).toMatchObject({
      REDIS_HOST: "redis-0 redis-1 redis-2 redis-3 redis-4 redis-5",
      REDIS_PORT: "6379",
      REDIS_CLUSTER: "1",
      REDIS_PASSWORD_FILE: "/run/secrets/webstack/redis-password",
    });
    expect(upload(job, "/run/secrets/webstack/redis-password")).toMatchObject({
      content: "<computed:random:index/randomPassword:RandomPassword::dev-redis-auth-token.result>",
      owner: "10001",
      permissions: "0400",
    });
    expect(Object.keys(envOf(job)).filter((k) => /PASSWORD$|AUTH/.test(k))).toEqual([]);
  });

  test("the job joins the cluster network, where the nodes announce their addresses", () => {
    const job = inputsOf(named(run, "dev-backups-job"));
    expect((job.networksAdvanced as Attachment[]).map((n) => n.name)).toEqual([
      "webstack-dev-data",
      "webstack-dev-redis-cluster",
    ]);
  });

  test("on the cluster network the job has a fixed address no other container uses", () => {
    const [data, cluster] = inputsOf(named(run, "dev-backups-job"))
      .networksAdvanced as Attachment[];
    // The nodes' fixed addresses are not reserved: a dynamic one could be a stopped node's.
    expect(cluster.ipv4Address).toBe("192.168.77.21");
    // The data network has no fixed addresses; Docker picks the job's there.
    expect(data.ipv4Address).toBeUndefined();
    const fixed = run.resources
      .filter((r) => r.type === "docker:index/container:Container" && r.name !== "dev-backups-job")
      .flatMap((r) => (r.inputs.networksAdvanced as Attachment[] | undefined) ?? [])
      .filter((n) => n.name === "webstack-dev-redis-cluster" && n.ipv4Address !== undefined)
      .map((n) => n.ipv4Address);
    // The six nodes, the create job, the six exporters and the backend; none is the job's.
    expect(fixed.sort()).toEqual(
      [10, 11, 12, 13, 14, 15, 20, 22, 23, 24, 25, 26, 27, 28].map((n) => `192.168.77.${n}`),
    );
    expect(fixed).not.toContain(cluster.ipv4Address);
  });

  test("the crontab runs the redis tier daily and the policy pack finds nothing", async () => {
    const crontab = upload(named(run, "dev-backups-job"), "/etc/webstack/crontab").content;
    expect(crontab).toContain("30 2 * * * /usr/local/bin/backup.sh redis\n");
    expect(await packViolations(run)).toEqual([]);
  });
});

describe("dev in the Redis cluster layout on the smallest subnet allowed (/27)", () => {
  // 192.168.77.32/27: hosts .33–.62, .33 being the gateway Docker takes; host n is .32 + n.
  const at = (host: number) => `192.168.77.${32 + host}`;
  const CLUSTER_NETWORK = "webstack-dev-redis-cluster";
  let run: StackRun;
  beforeAll(async () => {
    const base = stackConfig("dev");
    run = await synth(
      "dev",
      withConfig(base, {
        "webstack:redis": {
          ...configObject(base, "webstack:redis"),
          layout: "cluster",
          clusterSubnet: "192.168.77.32/27",
        },
      }),
    );
  }, 60_000);

  /** Every container's attachment to the cluster network, by container name. */
  const onCluster = () =>
    ofType(run, CONTAINER).flatMap((c) =>
      ((inputsOf(c).networksAdvanced as Attachment[] | undefined) ?? [])
        .filter((n) => n.name === CLUSTER_NETWORK)
        .map((n) => [inputsOf(c).name as string, n.ipv4Address] as const),
    );

  test("the backend joins the cluster network at .28, where the nodes redirect it", () => {
    const backend = inputsOf(named(run, "dev-edge-backend"));
    expect((backend.networksAdvanced as Attachment[]).slice(1)).toEqual([
      { name: "webstack-dev-data" },
      { name: CLUSTER_NETWORK, ipv4Address: at(28) },
    ]);
    // It reaches the cluster by a seed node's alias on that network.
    expect(envOf(named(run, "dev-edge-backend")).REDIS_HOST).toBe("redis-0");
  });

  test("each redis_exporter joins the cluster network at .22 + n and watches node n", () => {
    for (let n = 0; n < 6; n++) {
      const exporter = inputsOf(named(run, `dev-alarms-redis-exporter-redis-${n}`));
      expect((exporter.networksAdvanced as Attachment[])[1]).toEqual({
        name: CLUSTER_NETWORK,
        ipv4Address: at(22 + n),
      });
      expect(exporter.command).toContain(`--redis.addr=redis://redis-${n}:6379`);
    }
  });

  test("every container on the cluster network has its own fixed address inside the subnet", () => {
    const attached = onCluster();
    // 6 nodes, the create job, the backup job, 6 exporters and the backend: nothing dynamic.
    expect(attached).toHaveLength(15);
    const hosts = attached.map(([container, address]) => {
      expect([container, address]).toEqual([container, expect.stringMatching(/^192\.168\.77\./)]);
      return Number(address!.split(".")[3]);
    });
    expect(new Set(hosts).size).toBe(15);
    // Above the gateway (.33), below the broadcast address (.63).
    expect(Math.min(...hosts)).toBeGreaterThan(33);
    expect(Math.max(...hosts)).toBeLessThan(63);
    expect(hosts.sort((a, b) => a - b)).toEqual(
      [10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25, 26, 27, 28].map((h) => 32 + h),
    );
  });

  test("the network is the /27 asked for, and the policy pack finds nothing", async () => {
    const network = ofType(run, NETWORK).find((n) => inputsOf(n).name === CLUSTER_NETWORK)!;
    expect(inputsOf(network)).toMatchObject({
      internal: true,
      ipamConfigs: [{ subnet: "192.168.77.32/27" }],
    });
    expect(await packViolations(run)).toEqual([]);
  });
});
