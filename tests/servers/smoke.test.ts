// `npm run smoke` against real local HTTPS servers: certificates made by openssl, servers that
// answer like a healthy edge and like the broken ones an operator must hear about.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { runSmoke, SmokeIo } from "../../tools/smoke/main";
import { freePort, requireBinary, run, scratchDir } from "../support/servers";

const ROOT = path.resolve(__dirname, "../..");
const HSTS_YEAR = "max-age=31536000; includeSubDomains";

interface Certificate {
  readonly key: string;
  readonly cert: string;
  readonly certFile: string;
}

/** A self-signed certificate for localhost/127.0.0.1 valid for `days` from now. */
function makeCertificate(dir: string, name: string, days: number): Certificate {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.pem`);
  // prettier-ignore
  const made = run("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
    "-keyout", keyFile, "-out", certFile, "-days", String(days),
    "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ]);
  if (made.status !== 0) throw new Error(`openssl req failed: ${made.stderr}`);
  return {
    key: fs.readFileSync(keyFile, "utf8"),
    cert: fs.readFileSync(certFile, "utf8"),
    certFile,
  };
}

/** A certificate whose validity ended in 2020, signed with `openssl ca` (req cannot backdate). */
function makeExpiredCertificate(dir: string): Certificate {
  const caDir = path.join(dir, "expired-ca");
  fs.mkdirSync(caDir);
  fs.writeFileSync(path.join(caDir, "index.txt"), "");
  fs.writeFileSync(path.join(caDir, "serial"), "01\n");
  const config = [
    "[ ca ]",
    "default_ca = scratch",
    "[ scratch ]",
    `dir = ${caDir}`,
    `database = ${caDir}/index.txt`,
    `new_certs_dir = ${caDir}`,
    `serial = ${caDir}/serial`,
    "default_md = sha256",
    "policy = anything",
    "copy_extensions = copy",
    "unique_subject = no",
    "[ anything ]",
    "commonName = supplied",
  ].join("\n");
  fs.writeFileSync(path.join(caDir, "ca.cnf"), config);
  const keyFile = path.join(caDir, "expired.key");
  const csrFile = path.join(caDir, "expired.csr");
  const certFile = path.join(caDir, "expired.pem");
  // prettier-ignore
  const request = run("openssl", [
    "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", csrFile,
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ]);
  if (request.status !== 0) throw new Error(`openssl req failed: ${request.stderr}`);
  // prettier-ignore
  const signed = run("openssl", [
    "ca", "-batch", "-config", path.join(caDir, "ca.cnf"), "-selfsign", "-keyfile", keyFile,
    "-in", csrFile, "-out", certFile, "-notext",
    "-startdate", "20200101000000Z", "-enddate", "20200201000000Z",
  ]);
  if (signed.status !== 0) throw new Error(`openssl ca failed: ${signed.stderr}`);
  return {
    key: fs.readFileSync(keyFile, "utf8"),
    cert: fs.readFileSync(certFile, "utf8"),
    certFile,
  };
}

interface EdgeBehaviour {
  /** Strict-Transport-Security value; undefined sends none. */
  readonly hsts?: string;
  /** Status codes /health/ready answers with, one per request; the last one repeats. */
  readonly readiness: readonly number[];
}

/** An HTTPS server that answers /healthz and /health/ready the way the edge and app do. */
async function startEdge(certificate: Certificate, behaviour: EdgeBehaviour) {
  const port = await freePort();
  let readinessCalls = 0;
  const server = https.createServer(
    { key: certificate.key, cert: certificate.cert },
    (req, res) => {
      if (behaviour.hsts !== undefined) res.setHeader("Strict-Transport-Security", behaviour.hsts);
      if (req.url === "/healthz") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      } else if (req.url === "/health/ready") {
        const status =
          behaviour.readiness[Math.min(readinessCalls++, behaviour.readiness.length - 1)];
        const body =
          status === 200 ? { status: "ready" } : { status: "unavailable", database: "down" };
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      } else {
        res.writeHead(404).end();
      }
    },
  );
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${port}`,
    readinessCalls: () => readinessCalls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs the smoke check in-process with fast retries, capturing what it prints. */
async function smoke(argv: readonly string[]) {
  const lines: string[] = [];
  const io: SmokeIo = {
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    wait: () => Promise.resolve(),
    run: () => Promise.reject(new Error("no pulumi in this test")),
  };
  const code = await runSmoke(argv, io);
  return { code, output: lines.join("\n") };
}

/** Runs `npm run smoke` as a separate process, as CI does; async so our servers keep serving. */
function npmSmoke(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(
      "npm",
      ["run", "--silent", "smoke", "--", ...args],
      { cwd: ROOT, env, timeout: 45_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe("npm run smoke against local HTTPS servers", () => {
  let dir: string;
  let good: Certificate;
  let expiringSoon: Certificate;
  let expired: Certificate;
  const servers: Array<{ close: () => Promise<void> }> = [];

  async function edge(certificate: Certificate, behaviour: EdgeBehaviour) {
    const server = await startEdge(certificate, behaviour);
    servers.push(server);
    return server;
  }

  beforeAll(() => {
    requireBinary("openssl", "openssl");
    dir = scratchDir("smoke");
    good = makeCertificate(dir, "good", 400);
    expiringSoon = makeCertificate(dir, "three-days", 3);
    expired = makeExpiredCertificate(dir);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a healthy edge passes every check and npm run smoke exits 0", async () => {
    const server = await edge(good, { hsts: HSTS_YEAR, readiness: [200] });
    const result = await npmSmoke(["--url", server.url, "--ca", good.certFile, "--attempts", "1"]);
    expect(result.output).toContain(`PASS healthz     ${server.url}/healthz: HTTP 200`);
    expect(result.output).toContain(`PASS readiness   ${server.url}/health/ready: HTTP 200`);
    expect(result.output).toMatch(/PASS hsts .*max-age=31536000/);
    expect(result.output).toMatch(/PASS certificate .*\((399\.\d|400\.0) days from now\)/);
    expect(result.code).toBe(0);
  });

  test("readiness 503 fails with exit 1, naming the URL, the expected and the actual status", async () => {
    const server = await edge(good, { hsts: HSTS_YEAR, readiness: [503] });
    const result = await npmSmoke(["--url", server.url, "--ca", good.certFile, "--attempts", "1"]);
    expect(result.output).toContain(
      `FAIL readiness   ${server.url}/health/ready: expected HTTP 200, got HTTP 503 ` +
        `(body: "{\\"status\\":\\"unavailable\\",\\"database\\":\\"down\\"}")`,
    );
    expect(result.output).toContain("smoke: FAILED after 1 attempt(s): readiness");
    expect(result.code).toBe(1);
  });

  test("a service that becomes ready during the retries passes on a later attempt", async () => {
    const server = await edge(good, { hsts: HSTS_YEAR, readiness: [503, 503, 200] });
    const result = await smoke(["--url", server.url, "--ca", good.certFile, "--attempts", "5"]);
    expect(result.output).toContain("smoke: attempt 1/5 failed: readiness");
    expect(result.output).toContain("retrying in 3000 ms");
    expect(result.output).toContain("smoke: attempt 2/5 failed: readiness");
    expect(result.output).toContain("retrying in 6000 ms");
    expect(result.output).toContain("smoke: all checks passed (attempt 3/5)");
    expect(server.readinessCalls()).toBe(3);
    expect(result.code).toBe(0);
  });

  test("retries are bounded: a service that never gets ready fails after exactly --attempts", async () => {
    const server = await edge(good, { hsts: HSTS_YEAR, readiness: [503] });
    const result = await smoke(["--url", server.url, "--ca", good.certFile, "--attempts", "3"]);
    expect(server.readinessCalls()).toBe(3);
    expect(result.output).toContain("smoke: FAILED after 3 attempt(s): readiness");
    expect(result.code).toBe(1);
  });

  test("a response without HSTS fails the hsts check", async () => {
    const server = await edge(good, { readiness: [200] });
    const result = await smoke(["--url", server.url, "--ca", good.certFile, "--attempts", "1"]);
    expect(result.output).toContain(
      `FAIL hsts        ${server.url}/healthz: expected Strict-Transport-Security with ` +
        "max-age >= 31536000, got no Strict-Transport-Security header",
    );
    expect(result.code).toBe(1);
  });

  test("HSTS shorter than a year fails with the max-age that came back", async () => {
    const server = await edge(good, { hsts: "max-age=300", readiness: [200] });
    const result = await smoke(["--url", server.url, "--ca", good.certFile, "--attempts", "1"]);
    expect(result.output).toContain('got max-age=300 ("max-age=300")');
    expect(result.code).toBe(1);
  });

  test("a certificate expiring in 3 days fails the > 7 days check", async () => {
    const server = await edge(expiringSoon, { hsts: HSTS_YEAR, readiness: [200] });
    const args = ["--url", server.url, "--ca", expiringSoon.certFile, "--attempts", "1"];
    const result = await smoke(args);
    expect(result.output).toMatch(
      /FAIL certificate \S+\/healthz: expected certificate valid for more than 7 days, got expires \S+ \([23]\.\d days from now\)/,
    );
    expect(result.output).toContain("PASS readiness");
    expect(result.code).toBe(1);
  });

  test("an expired certificate is reported as expired with --insecure", async () => {
    const server = await edge(expired, { hsts: HSTS_YEAR, readiness: [200] });
    const result = await smoke(["--url", server.url, "--insecure", "--attempts", "1"]);
    expect(result.output).toMatch(
      /FAIL certificate \S+: expected certificate valid for more than 7 days, got expired 2020-02-01T00:00:00\.000Z \(\d+\.\d days ago\)/,
    );
    expect(result.code).toBe(1);
  });

  test("an expired certificate fails verification with --ca, and the message says why", async () => {
    const server = await edge(expired, { hsts: HSTS_YEAR, readiness: [200] });
    const result = await smoke(["--url", server.url, "--ca", expired.certFile, "--attempts", "1"]);
    expect(result.output).toContain("got no response (CERT_HAS_EXPIRED: certificate has expired");
    expect(result.code).toBe(1);
  });

  test("a self-signed certificate without --ca or --insecure fails and points at both flags", async () => {
    const server = await edge(good, { hsts: HSTS_YEAR, readiness: [200] });
    const result = await smoke(["--url", server.url, "--attempts", "1"]);
    expect(result.output).toContain(
      "DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate (the certificate did not verify; " +
        "pass --ca <file> for a private CA or --insecure for dev/test)",
    );
    expect(result.code).toBe(1);
  });

  test("nothing listening fails with the connection error and the URL", async () => {
    const port = await freePort();
    const result = await smoke(["--url", `https://127.0.0.1:${port}`, "--attempts", "1"]);
    expect(result.output).toContain(
      `FAIL healthz     https://127.0.0.1:${port}/healthz: expected HTTP 200, got no response (ECONNREFUSED`,
    );
    expect(result.code).toBe(1);
  });

  test("--stack reads healthUrl and readinessUrl from `pulumi stack output --json`", async () => {
    const server = await edge(good, { hsts: HSTS_YEAR, readiness: [200] });
    const bin = path.join(dir, "fake-pulumi-bin");
    fs.mkdirSync(bin, { recursive: true });
    const argvLog = path.join(dir, "pulumi-argv.txt");
    const outputs = JSON.stringify({
      publicUrl: server.url,
      healthUrl: `${server.url}/healthz`,
      readinessUrl: `${server.url}/health/ready`,
      databasePassword: "[secret]",
    });
    fs.writeFileSync(
      path.join(bin, "pulumi"),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\ncat <<'JSON'\n${outputs}\nJSON\n`,
      { mode: 0o755 },
    );
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const result = await npmSmoke(
      ["--stack", "test", "--ca", good.certFile, "--attempts", "1"],
      env,
    );
    expect(fs.readFileSync(argvLog, "utf8").trim()).toBe("stack output --json --stack test");
    expect(result.output).toContain(`PASS readiness   ${server.url}/health/ready: HTTP 200`);
    expect(result.code).toBe(0);
  });
});
