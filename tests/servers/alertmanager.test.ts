// The alertmanager.yml each environment ships, checked by the real tools: `amtool check-config`
// accepts it, `amtool config routes test` shows each severity reaching exactly the receivers of
// docs/requirements.md §1/§6, and a real Alertmanager delivers to local email, Slack and SMS sinks
// using secrets it read from files (SMTP password, Slack URL, SMS token), with critical alerts
// silencing their warning twins and the always-firing Watchdog reaching no one — or, with a dead
// man's switch, only the switch's service, again and again.
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import {
  AlertmanagerSpec,
  alertmanagerSecretFiles,
  renderAlertmanagerConfig,
} from "../../components/alarms/alertmanager-config";
import { Channel, Severity, TIERS } from "../../components/catalog/alarms";
import { readStackFile } from "../../tools/mock-runtime/stack-file";
import { Daemon, freePorts, requireBinary, run, scratchDir, waitFor } from "../support/servers";

/** Who each severity reaches: the committed stack file's `alerts.routes`, the one source. */
function committedRoutes(stack: string): Record<Severity, Channel[]> {
  const config = readStackFile(path.resolve(__dirname, "../.."), stack);
  return (JSON.parse(config.values["webstack:alerts"]) as { routes: Record<Severity, Channel[]> })
    .routes;
}

function fullSpec(environment: string, secretsDir = "/etc/alertmanager/secrets"): AlertmanagerSpec {
  return {
    environment,
    routes: committedRoutes(environment),
    secretsDir,
    email: {
      to: ["oncall@labelmedix.com"],
      from: "alerts@labelmedix.com",
      smarthost: "smtp.labelmedix.com:587",
      username: "alerts",
    },
    slack: { channel: "#alerts" },
    sms: { url: "http://sms-gateway:8080/send" },
    webhook: { url: "http://alert-log:8080/alerts" },
  };
}

// docs/requirements.md §1 "alarms notify" and §6 routing, spelled out rather than read from the
// stack files: the committed routes, rendered, must reach exactly these receivers.
const EXPECTED_RECEIVERS: ReadonlyArray<[string, string, string]> = [
  ["dev", "critical", "log"],
  ["dev", "warning", "log"],
  ["test", "critical", "email"],
  ["test", "warning", "email"],
  ["staging", "critical", "email,slack"],
  ["staging", "warning", "email,slack"],
  ["prod", "critical", "email,slack,sms"],
  ["prod", "warning", "email,slack"],
];

/** A real Alertmanager on `port` with `config`, its data under `dir`, answering /-/ready (stopped again if it never does). */
async function startAlertmanager(
  binary: string,
  config: string,
  dir: string,
  port: number,
): Promise<Daemon> {
  const daemon = new Daemon("alertmanager", binary, [
    `--config.file=${config}`,
    `--storage.path=${path.join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--cluster.listen-address=",
  ]);
  try {
    await waitFor(
      "alertmanager ready",
      async () => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok,
      { describe: () => daemon.log },
    );
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return daemon;
}

describe("Alertmanager config under amtool", () => {
  let amtool: string;
  let dir: string;

  beforeAll(() => {
    amtool = requireBinary("amtool", "prometheus-alertmanager");
    dir = scratchDir("amtool");
    for (const tier of TIERS) {
      fs.writeFileSync(path.join(dir, `${tier}.yml`), renderAlertmanagerConfig(fullSpec(tier)));
    }
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each(TIERS)("%s: amtool check-config accepts the config", (tier) => {
    const result = run(amtool, ["check-config", path.join(dir, `${tier}.yml`)]);
    expect(result.stdout).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  test.each(EXPECTED_RECEIVERS)(
    "%s: a %s alert reaches exactly %s",
    (tier, severity, receivers) => {
      const result = run(amtool, [
        "config",
        "routes",
        "test",
        `--config.file=${path.join(dir, `${tier}.yml`)}`,
        `--verify.receivers=${receivers}`,
        "alertname=Example",
        `severity=${severity}`,
        `environment=${tier}`,
      ]);
      expect(result.stdout.trim()).toBe(receivers);
      expect(result.status).toBe(0);
    },
  );

  test("an alert without a known severity still reaches the warning channels", () => {
    const result = run(amtool, [
      "config",
      "routes",
      "test",
      `--config.file=${path.join(dir, "prod.yml")}`,
      "alertname=Example",
      "severity=info",
    ]);
    expect(result.stdout.trim()).toBe("email");
  });

  test.each(TIERS)("%s: the Watchdog reaches only its receiver without integrations", (tier) => {
    const result = run(amtool, [
      "config",
      "routes",
      "test",
      `--config.file=${path.join(dir, `${tier}.yml`)}`,
      "--verify.receivers=watchdog",
      "alertname=Watchdog",
      "severity=none",
      `environment=${tier}`,
    ]);
    expect(result.stdout.trim()).toBe("watchdog");
    expect(result.status).toBe(0);
  });

  test("secrets are file references the container must mount, never values", () => {
    const text = fs.readFileSync(path.join(dir, "prod.yml"), "utf8");
    expect(text).toContain("smtp_auth_password_file: /etc/alertmanager/secrets/smtp_password");
    expect(text).toContain("api_url_file: /etc/alertmanager/secrets/slack_api_url");
    expect(text).not.toMatch(/smtp_auth_password:|api_url:|hooks\.slack\.com/);
    expect(alertmanagerSecretFiles(fullSpec("prod"))).toEqual([
      "/etc/alertmanager/secrets/smtp_password",
      "/etc/alertmanager/secrets/slack_api_url",
    ]);
  });
});

/** A minimal SMTP server that records AUTH PLAIN credentials and each message's body. */
function smtpSink(): { server: net.Server; logins: string[]; messages: string[] } {
  const logins: string[] = [];
  const messages: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    let body = "";
    socket.write("220 sink ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      let end: number;
      while ((end = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            messages.push(body);
            body = "";
            socket.write("250 queued\r\n");
          } else {
            body += `${line}\n`;
          }
          continue;
        }
        const verb = line.split(" ")[0].toUpperCase();
        if (verb === "EHLO") socket.write("250-sink\r\n250 AUTH PLAIN\r\n");
        else if (verb === "AUTH") {
          logins.push(Buffer.from(line.split(" ")[2] ?? "", "base64").toString("utf8"));
          socket.write("235 accepted\r\n");
        } else if (verb === "DATA") {
          inData = true;
          socket.write("354 go on\r\n");
        } else if (verb === "QUIT") {
          socket.end("221 bye\r\n");
        } else socket.write("250 ok\r\n");
      }
    });
  });
  return { server, logins, messages };
}

interface Received {
  readonly path: string;
  readonly authorization?: string;
  readonly body: string;
}

function httpSink(): { server: http.Server; received: Received[] } {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", authorization: req.headers.authorization, body });
      res.end("ok");
    });
  });
  return { server, received };
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
}

describe("a real Alertmanager with the prod config", () => {
  let dir: string;
  let alertmanager: Daemon | undefined;
  const smtp = smtpSink();
  const hooks = httpSink();
  let amPort: number;

  beforeAll(async () => {
    const binary = requireBinary("prometheus-alertmanager", "prometheus-alertmanager");
    dir = scratchDir("alertmanager");
    const secrets = path.join(dir, "secrets");
    fs.mkdirSync(secrets);
    let smtpPort: number;
    let hookPort: number;
    [amPort, smtpPort, hookPort] = await freePorts(3);
    await listen(smtp.server, smtpPort);
    await listen(hooks.server, hookPort);
    // Alertmanager 0.25 sends this file's bytes as they are: a trailing newline would become part
    // of the password (the Slack URL file is trimmed).
    fs.writeFileSync(path.join(secrets, "smtp_password"), "smtp-secret-from-file");
    fs.writeFileSync(
      path.join(secrets, "slack_api_url"),
      `http://127.0.0.1:${hookPort}/slack-hook\n`,
    );
    const spec: AlertmanagerSpec = {
      ...fullSpec("prod", secrets),
      // The sink speaks plain SMTP on loopback; production keeps STARTTLS required.
      email: { ...fullSpec("prod").email!, smarthost: `127.0.0.1:${smtpPort}`, requireTls: false },
      sms: { url: `http://127.0.0.1:${hookPort}/sms` },
      timing: {
        groupWaitSeconds: 1,
        groupIntervalSeconds: 60,
        repeatIntervalSeconds: 3600,
        criticalRepeatIntervalSeconds: 3600,
      },
    };
    const config = path.join(dir, "alertmanager.yml");
    fs.writeFileSync(config, renderAlertmanagerConfig(spec));
    alertmanager = await startAlertmanager(binary, config, dir, amPort);
  });

  afterAll(async () => {
    await alertmanager?.stop();
    smtp.server.close();
    hooks.server.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("delivers each severity to its channels with secrets read from files", async () => {
    const alert = (alertname: string, severity: string, watches: string) => ({
      labels: { alertname, severity, environment: "prod", watches, instance: "db-1" },
      annotations: { summary: `${alertname} summary`, runbook: `docs/operations.md#${alertname}` },
    });
    const response = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        alert("DiskSpaceCritical", "critical", "diskUsedPercent"),
        alert("HostCpuHigh", "warning", "hostCpuPercent"),
        alert("ReplicaLagCritical", "critical", "replicaLagSeconds"),
        alert("ReplicaLagWarning", "warning", "replicaLagSeconds"),
        alert("Watchdog", "none", "Watchdog"),
      ]),
    });
    expect(response.ok).toBe(true);

    const slack = () => hooks.received.filter((r) => r.path === "/slack-hook");
    const sms = () => hooks.received.filter((r) => r.path === "/sms");
    await waitFor(
      "three Slack posts, two SMS and three emails",
      () => slack().length >= 3 && sms().length >= 2 && smtp.messages.length >= 3,
      { timeoutMs: 20_000, describe: () => alertmanager?.log ?? "" },
    );
    // Give a stray warning or Watchdog time to arrive if routing or inhibition were wrong.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const names = (bodies: string[]) =>
      [
        "DiskSpaceCritical",
        "HostCpuHigh",
        "ReplicaLagCritical",
        "ReplicaLagWarning",
        "Watchdog",
      ].filter((n) => bodies.some((b) => b.includes(n)));
    expect(names(slack().map((r) => r.body))).toEqual([
      "DiskSpaceCritical",
      "HostCpuHigh",
      "ReplicaLagCritical",
    ]);
    expect(names(sms().map((r) => r.body))).toEqual(["DiskSpaceCritical", "ReplicaLagCritical"]);
    expect(names(smtp.messages)).toEqual([
      "DiskSpaceCritical",
      "HostCpuHigh",
      "ReplicaLagCritical",
    ]);
    expect(smtp.logins).toContain("\u0000alerts\u0000smtp-secret-from-file");
  });
});

describe("a dead man's switch under the real tools", () => {
  let dir: string;
  let alertmanager: Daemon | undefined;
  const service = httpSink();
  let amPort: number;
  let servicePort: number;
  // dev's routes: everything else goes to a log, so any post the service sees is the Watchdog's.
  const spec = (url: string): AlertmanagerSpec => ({
    environment: "dev",
    routes: committedRoutes("dev"),
    deadMansSwitch: { url },
  });

  beforeAll(async () => {
    dir = scratchDir("deadman");
    [amPort, servicePort] = await freePorts(2);
    await listen(service.server, servicePort);
  });

  afterAll(async () => {
    await alertmanager?.stop();
    service.server.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("amtool accepts the shipped timing and routes the Watchdog, and only it, to the switch", () => {
    const amtool = requireBinary("amtool", "prometheus-alertmanager");
    const config = path.join(dir, "shipped.yml");
    fs.writeFileSync(config, renderAlertmanagerConfig(spec("https://hc-ping.com/5b0c2c4e")));
    const check = run(amtool, ["check-config", config]);
    expect(check.stdout).toContain("SUCCESS");
    expect(check.status).toBe(0);
    const route = (labels: string[]) =>
      run(amtool, ["config", "routes", "test", `--config.file=${config}`, ...labels]).stdout.trim();
    expect(route(["alertname=Watchdog", "severity=none", "environment=dev"])).toBe("watchdog");
    expect(route(["alertname=DiskSpaceCritical", "severity=critical", "environment=dev"])).toBe(
      "log",
    );
  });

  test("a real Alertmanager posts the Watchdog to the service again and again", async () => {
    const binary = requireBinary("prometheus-alertmanager", "prometheus-alertmanager");
    const config = path.join(dir, "alertmanager.yml");
    // The shipped 5-minute repeat, shrunk to 2 s so a few posts arrive within the test.
    fs.writeFileSync(
      config,
      renderAlertmanagerConfig({
        ...spec(`http://127.0.0.1:${servicePort}/ping/dev-check`),
        deadMansSwitch: {
          url: `http://127.0.0.1:${servicePort}/ping/dev-check`,
          timing: { groupWaitSeconds: 1, groupIntervalSeconds: 1, repeatIntervalSeconds: 2 },
        },
      }),
    );
    alertmanager = await startAlertmanager(binary, config, dir, amPort);
    const response = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { labels: { alertname: "Watchdog", severity: "none", environment: "dev" } },
        { labels: { alertname: "DiskSpaceCritical", severity: "critical", environment: "dev" } },
      ]),
    });
    expect(response.ok).toBe(true);
    const started = Date.now();
    await waitFor("three posts to the service", () => service.received.length >= 3, {
      timeoutMs: 12_000,
      describe: () => alertmanager?.log ?? "",
    });
    // First after group_wait, then one per repeat: three within about 1 + 2 + 2 s (plus ticks).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(service.received.every((r) => r.path === "/ping/dev-check")).toBe(true);
    const alerts = service.received.map(
      (r) =>
        (JSON.parse(r.body) as { status: string; alerts: { labels: { alertname: string } }[] })
          .alerts,
    );
    expect(alerts.every((a) => a.length === 1 && a[0].labels.alertname === "Watchdog")).toBe(true);
  }, 30_000);
});
