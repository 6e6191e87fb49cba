// The rendered edge nginx.conf on a real nginx (Debian's 1.22) with stub upstreams on loopback:
// every stack's config passes `nginx -t`, and the prod config, started for real, behaves as
// docs/requirements.md §4 says over real TLS connections. Only paths, ports and upstream hosts
// are remapped (Docker service names do not resolve here); the loopback client plays the ALB,
// so the prod config trusts 127.0.0.1's X-Forwarded-For as it will trust the VPC on AWS.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { directoriesNginxNeeds, renderNginxConf } from "../../components/edge/nginx-conf";
import { defaultSiteSpec, NginxSiteSpec } from "../../components/edge/site-spec";
import {
  Daemon,
  freePorts,
  requireBinary,
  run,
  scratchDir,
  startListening,
} from "../support/servers";

const STACK_DOMAINS: Record<string, string[]> = {
  dev: ["localhost"],
  test: ["test.labelmedix.com"],
  staging: ["staging.labelmedix.com"],
  prod: ["labelmedix.com", "www.labelmedix.com"],
};
const HOST = "labelmedix.com";
const SECURITY_HEADERS = {
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
};

interface Seen {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
}

/** A stub app server that records what Nginx forwarded and how many TCP connections it used. */
class StubUpstream {
  readonly seen: Seen[] = [];
  connections = 0;
  readonly server: http.Server;

  constructor(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
    this.server = http.createServer((req, res) => {
      this.seen.push({ path: req.url ?? "", headers: req.headers });
      handler(req, res);
    });
    this.server.on("connection", () => this.connections++);
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve) => this.server.listen(port, "127.0.0.1", resolve));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const frontend = new StubUpstream((req, res) => {
  if (req.url?.startsWith("/static/")) {
    // What a framework typically sends; Nginx must replace, not duplicate, these.
    res.writeHead(200, {
      "Content-Type": "application/javascript",
      "Cache-Control": "no-cache",
      "X-Powered-By": "Next.js",
    });
    res.end(`console.log(${JSON.stringify("x".repeat(400))});\n`);
    return;
  }
  res.writeHead(200, { "Content-Type": "text/html", "X-Frame-Options": "SAMEORIGIN" });
  res.end(`<!doctype html><title>frontend</title><p>${req.url}</p>`);
});

const backend = new StubUpstream((req, res) => {
  let received = 0;
  req.on("data", (chunk: Buffer) => (received += chunk.length));
  req.on("end", () => {
    res.writeHead(200, { "Content-Type": "application/json", "X-Powered-By": "Express" });
    // Padded past gzip_min_length so compression is decided by type, not size.
    const padding = "p".repeat(600);
    res.end(JSON.stringify({ path: req.url, headers: req.headers, received, padding }));
  });
});

// After a 101 the stub writes the headers it saw into the tunnel and hangs up.
backend.server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket) => {
  backend.seen.push({ path: req.url ?? "", headers: req.headers });
  socket.end(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" +
      JSON.stringify({ headers: req.headers }),
  );
});

let scratch = "";
let httpPort = 0;
let httpsPort = 0;
let controlPort = 0;
let nginx: Daemon | undefined;
let controlTls: Daemon | undefined;
let agent: https.Agent | undefined;
const nginxTest = new Map<string, { status: number | null; output: string }>();

function openssl(args: string[]): void {
  const result = run("openssl", args);
  if (result.status !== 0) throw new Error(`openssl ${args.join(" ")}\n${result.stderr}`);
}

/** A private CA and, per stack, a server certificate whose SANs are that stack's domains. */
function makeCertificates(): void {
  const ca = path.join(scratch, "ca");
  fs.mkdirSync(ca);
  // prettier-ignore
  openssl([
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=webstack test CA",
    "-keyout", `${ca}/ca.key`, "-out", `${ca}/ca.crt`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
  ]);
  for (const [stack, domains] of Object.entries(STACK_DOMAINS)) {
    const dir = path.join(scratch, stack, "tls");
    fs.mkdirSync(dir, { recursive: true });
    const extensions = path.join(dir, "ext.cnf");
    fs.writeFileSync(
      extensions,
      `subjectAltName=${domains.map((d) => `DNS:${d}`).join(",")}\n` +
        "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    );
    // prettier-ignore
    openssl([
      "req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${domains[0]}`,
      "-keyout", `${dir}/server.key`, "-out", `${dir}/server.csr`,
    ]);
    // prettier-ignore
    openssl([
      "x509", "-req", "-in", `${dir}/server.csr`, "-CA", `${ca}/ca.crt`, "-CAkey", `${ca}/ca.key`,
      "-CAcreateserial", "-days", "2", "-extfile", extensions, "-out", `${dir}/server.crt`,
    ]);
  }
}

/** The stack's default spec with paths, ports and upstream hosts remapped, nothing else. */
function remappedSpec(stack: string, upstreamPorts: [number, number]): NginxSiteSpec {
  const base = defaultSiteSpec(STACK_DOMAINS[stack]);
  const dir = path.join(scratch, stack);
  return {
    ...base,
    listen: { address: "127.0.0.1", http: httpPort, https: httpsPort },
    upstreamHosts: { frontend: "127.0.0.1", backend: "127.0.0.1" },
    frontendPort: upstreamPorts[0],
    backendPort: upstreamPorts[1],
    paths: {
      ...base.paths,
      certificate: `${dir}/tls/server.crt`,
      key: `${dir}/tls/server.key`,
      pid: `${dir}/run/nginx.pid`,
      errorLog: `${dir}/log/error.log`,
      accessLog: `${dir}/log/access.log`,
      tempDir: `${dir}/tmp`,
      acmeChallengeRoot: `${dir}/acme`,
    },
  };
}

function writeConf(stack: string, spec: NginxSiteSpec): string {
  for (const dir of directoriesNginxNeeds(spec)) fs.mkdirSync(dir, { recursive: true });
  const file = path.join(scratch, stack, "nginx.conf");
  fs.writeFileSync(file, renderNginxConf(spec));
  return file;
}

beforeAll(async () => {
  requireBinary("nginx", "nginx");
  requireBinary("openssl", "openssl");
  requireBinary("sslscan", "sslscan");
  scratch = scratchDir("edge");
  // Workers drop to www-data and must reach their temp dirs and the ACME webroot.
  fs.chmodSync(scratch, 0o755);
  let frontendPort: number, backendPort: number;
  [httpPort, httpsPort, controlPort, frontendPort, backendPort] = await freePorts(5);
  await frontend.listen(frontendPort);
  await backend.listen(backendPort);
  makeCertificates();

  for (const stack of Object.keys(STACK_DOMAINS)) {
    const conf = writeConf(stack, remappedSpec(stack, [frontendPort, backendPort]));
    const result = run("nginx", ["-t", "-c", conf]);
    nginxTest.set(stack, { status: result.status, output: result.stderr });
  }

  const prod = remappedSpec("prod", [frontendPort, backendPort]);
  const live = { ...prod, trustedProxies: ["127.0.0.1/32"] };
  const conf = writeConf("prod", live);
  const challenge = path.join(live.paths.acmeChallengeRoot, ".well-known/acme-challenge");
  fs.mkdirSync(challenge, { recursive: true });
  fs.writeFileSync(path.join(challenge, "token-123"), "token-123.thumbprint");
  nginx = await startListening("nginx", "nginx", ["-c", conf, "-g", "daemon off;"], httpsPort);

  // A deliberately permissive TLS server: proves this client CAN speak TLS 1.0/1.1 and offer
  // the forbidden suites, so their failure against Nginx is the server's refusal.
  const tls = path.join(scratch, "prod", "tls");
  // prettier-ignore
  controlTls = await startListening("openssl s_server", "openssl", [
    "s_server", "-www", "-accept", `127.0.0.1:${controlPort}`,
    "-cert", `${tls}/server.crt`, "-key", `${tls}/server.key`,
    "-cipher", "ALL:eNULL:@SECLEVEL=0", "-min_protocol", "TLSv1", "-max_protocol", "TLSv1.2",
  ], controlPort);
  agent = new https.Agent({
    keepAlive: true,
    maxSockets: 1,
    ca: fs.readFileSync(path.join(scratch, "ca", "ca.crt")),
  });
}, 30_000);

afterAll(async () => {
  agent?.destroy();
  await nginx?.stop("SIGQUIT", 5_000);
  await controlTls?.stop();
  await frontend.close();
  await backend.close();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The whole response: status, headers and the body as received (still compressed, if it was). */
function readReply(res: http.IncomingMessage): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("error", reject);
    res.on("end", () =>
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
    );
  });
}

/** One HTTPS request to Nginx with SNI and certificate verification against the test CA. */
function request(
  urlPath: string,
  options: {
    method?: string;
    headers?: http.OutgoingHttpHeaders;
    body?: Buffer;
    servername?: string;
  } = {},
): Promise<Reply> {
  const servername = options.servername ?? HOST;
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: httpsPort,
        path: urlPath,
        method: options.method ?? "GET",
        servername,
        agent,
        headers: { Host: servername, ...options.headers },
      },
      (res) => readReply(res).then(resolve, reject),
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

function plainRequest(urlPath: string, host = HOST): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: httpPort, path: urlPath, headers: { Host: host }, agent: false },
      (res) => readReply(res).then(resolve, reject),
    );
    req.on("error", reject);
    req.end();
  });
}

/** Each test is its own client behind the trusted proxy, so rate-limit buckets never mix. */
let clientCounter = 10;
function newClient(): http.OutgoingHttpHeaders {
  return { "X-Forwarded-For": `198.51.100.${clientCounter++}` };
}

function expectSecurityHeaders(reply: Reply): void {
  expect({
    "strict-transport-security": reply.headers["strict-transport-security"],
    "x-frame-options": reply.headers["x-frame-options"],
    "x-content-type-options": reply.headers["x-content-type-options"],
  }).toEqual(SECURITY_HEADERS);
}

/** One `openssl s_client` handshake; `-brief` reports the result as soon as it is known. */
function sClient(args: string[], port = httpsPort) {
  const result = run(
    "openssl",
    ["s_client", "-brief", "-connect", `127.0.0.1:${port}`, "-servername", HOST, ...args],
    { input: "", timeoutMs: 10_000 },
  );
  const output = result.stdout + result.stderr;
  return {
    output,
    handshake: output.includes("CONNECTION ESTABLISHED"),
    negotiated: /^Protocol version: (\S+)/m.exec(output)?.[1],
    cipher: /^Ciphersuite: (\S+)/m.exec(output)?.[1],
  };
}

describe("nginx -t accepts the rendered config of every stack", () => {
  test.each(Object.keys(STACK_DOMAINS))("%s", (stack) => {
    const result = nginxTest.get(stack);
    expect(result?.output).toContain("test is successful");
    expect(result?.status).toBe(0);
    // Not even a warning (duplicate MIME type, ignored directive, ...).
    expect(result?.output).not.toMatch(/\[(warn|emerg|alert)\]/);
  });
});

describe("TLS", () => {
  // Debian's OpenSSL refuses TLS 1.0/1.1 client-side by default; SECLEVEL=0 lifts that.
  const legacyClient = ["-cipher", "DEFAULT:@SECLEVEL=0"];

  test.each([["tls1"], ["tls1_1"]])("a %s handshake is refused by the server", (version) => {
    const control = sClient([`-${version}`, ...legacyClient], controlPort);
    expect(control.handshake).toBe(true);
    const edge = sClient([`-${version}`, ...legacyClient]);
    expect(edge.handshake).toBe(false);
    // Alert 70 (protocol_version) arrives from the peer: the refusal is Nginx's.
    expect(edge.output).toContain("alert protocol version");
  });

  test.each([
    ["tls1_2", "TLSv1.2"],
    ["tls1_3", "TLSv1.3"],
  ])("a %s handshake succeeds with a certificate the CA vouches for", (version, protocol) => {
    const edge = sClient([
      `-${version}`,
      "-CAfile",
      path.join(scratch, "ca", "ca.crt"),
      "-verify_hostname",
      HOST,
      "-verify_return_error",
    ]);
    expect(edge.negotiated).toBe(protocol);
    expect(edge.handshake).toBe(true);
    expect(edge.output).toMatch(/^Verification: OK$/m);
    expect(edge.cipher).toMatch(/GCM|CHACHA20/);
  });

  test.each([
    "ECDHE-RSA-AES128-SHA",
    "ECDHE-RSA-AES256-SHA384",
    "AES128-SHA",
    "AES256-SHA256",
    "NULL-SHA",
  ])("the CBC/NULL suite %s is refused", (cipher) => {
    const offer = ["-tls1_2", "-cipher", `${cipher}:@SECLEVEL=0`];
    expect(sClient(offer, controlPort).cipher).toBe(cipher);
    const edge = sClient(offer);
    expect(edge.handshake).toBe(false);
    expect(edge.output).toContain("alert handshake failure");
  });

  test("sslscan finds only TLS 1.2/1.3 and only AEAD suites accepted", () => {
    const scan = run("sslscan", ["--no-colour", `--sni-name=${HOST}`, `127.0.0.1:${httpsPort}`]);
    expect(scan.status).toBe(0);
    const accepted = [
      ...scan.stdout.matchAll(/^(?:Accepted|Preferred)\s+(\S+)\s+\d+ bits\s+(\S+)/gm),
    ].map((m) => ({ protocol: m[1], cipher: m[2] }));
    expect(accepted.length).toBeGreaterThanOrEqual(4);
    for (const { protocol, cipher } of accepted) {
      expect(["TLSv1.2", "TLSv1.3"]).toContain(protocol);
      expect(cipher).toMatch(/GCM|CHACHA20[-_]POLY1305/);
      expect(cipher).not.toMatch(/CBC|RC4|DES|EXP|NULL|MD5|-SHA$/);
    }
    for (const old of ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1"]) {
      expect(scan.stdout).toMatch(new RegExp(`^${old.replace(".", "\\.")}\\s+disabled`, "m"));
    }
  });

  test("a TLS 1.2 client resumes its session from the shared cache", () => {
    const session = path.join(scratch, "tls12.session");
    // A complete request, so the first connection ends with a clean TLS shutdown.
    const input = `GET /healthz HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`;
    const connect = (args: string[]) =>
      run(
        "openssl",
        ["s_client", "-connect", `127.0.0.1:${httpsPort}`, "-servername", HOST, "-tls1_2", ...args],
        {
          input,
        },
      ).stdout;
    expect(connect(["-sess_out", session])).toMatch(/^New, TLSv1\.2/m);
    expect(connect(["-sess_in", session])).toMatch(/^Reused, TLSv1\.2/m);
  });

  test("HTTP/2 is offered by ALPN", () => {
    const args = ["s_client", "-connect", `127.0.0.1:${httpsPort}`, "-servername", HOST];
    const hello = run("openssl", [...args, "-alpn", "h2,http/1.1"], { input: "" });
    expect(hello.stdout).toMatch(/^ALPN protocol: h2$/m);
  });

  test.each(STACK_DOMAINS.prod)("%s is served with a verified certificate", async (domain) => {
    const reply = await request("/healthz", { servername: domain });
    expect(reply.status).toBe(200);
  });
});

describe("plain HTTP", () => {
  test("redirects with 301 to the same host and path on https", async () => {
    const reply = await plainRequest("/dashboard?tab=2", "www.labelmedix.com");
    expect(reply.status).toBe(301);
    expect(reply.headers.location).toBe(`https://www.labelmedix.com:${httpsPort}/dashboard?tab=2`);
    expect(frontend.seen.some((s) => s.path.startsWith("/dashboard"))).toBe(false);
  });

  test("still answers /healthz and ACME http-01 challenges", async () => {
    const health = await plainRequest("/healthz");
    expect([health.status, health.body.toString()]).toEqual([200, "ok\n"]);
    const token = await plainRequest("/.well-known/acme-challenge/token-123");
    expect([token.status, token.body.toString()]).toEqual([200, "token-123.thumbprint"]);
  });
});

describe("security headers", () => {
  test.each(["/", "/api/x", "/static/x.js", "/health/ready"])(
    "are on %s, once each, replacing the app's own",
    async (urlPath) => {
      const reply = await request(urlPath, { headers: newClient() });
      expect(reply.status).toBe(200);
      expectSecurityHeaders(reply);
      expect(reply.headers["x-powered-by"]).toBeUndefined();
      expect(reply.headers.server).toBe("nginx");
    },
  );

  test("are on a 404 for a dot-file, which never reaches an app", async () => {
    const before = frontend.seen.length + backend.seen.length;
    for (const urlPath of ["/.env", "/.git/config", "/static/.htpasswd", "/api/.env"]) {
      const reply = await request(urlPath, { headers: newClient() });
      expect({ urlPath, status: reply.status }).toEqual({ urlPath, status: 404 });
      expectSecurityHeaders(reply);
    }
    expect(frontend.seen.length + backend.seen.length).toBe(before);
  });
});

describe("rate limits", () => {
  /**
   * Sends `count` requests back to back as one new client. With `nodelay`, the first
   * 1 + burst always pass; the bucket then drains at the rate, so at most
   * 1 + burst + rate × elapsed can pass in all, and the rest must be 429.
   */
  async function burst(urlPath: string, count: number) {
    const client = newClient();
    const replies: Reply[] = [];
    const started = Date.now();
    for (let i = 0; i < count; i++) replies.push(await request(urlPath, { headers: client }));
    const seconds = (Date.now() - started) / 1000;
    const statuses = replies.map((r) => r.status);
    const passed = statuses.filter((s) => s === 200).length;
    return { replies, statuses, passed, seconds };
  }

  test.each([
    ["/api/auth/login", 1, 5, 10],
    ["/api/upload/avatar", 1, 5, 10],
    ["/api/items", 10, 20, 40],
  ])(
    "%s (%i r/s, burst %i): the burst passes, the excess gets 429",
    async (urlPath, rate, size, count) => {
      const before = backend.seen.filter((s) => s.path === urlPath).length;
      const { replies, statuses, passed, seconds } = await burst(urlPath, count);
      expect(statuses.slice(0, 1 + size)).toEqual(new Array(1 + size).fill(200));
      expect(passed).toBeLessThanOrEqual(1 + size + Math.ceil(rate * seconds));
      expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
      const refused = replies.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expectSecurityHeaders(refused[0]);
      // Refused requests never reached the app.
      expect(backend.seen.filter((s) => s.path === urlPath).length - before).toBe(passed);
    },
  );

  test("each client behind the trusted proxy has its own bucket", async () => {
    const limited = newClient();
    for (let i = 0; i < 8; i++) await request("/api/auth/login", { headers: limited });
    expect((await request("/api/auth/login", { headers: limited })).status).toBe(429);
    expect((await request("/api/auth/login", { headers: newClient() })).status).toBe(200);
  });
});

describe("upstreams", () => {
  test("requests reuse keep-alive connections to the backend", async () => {
    const client = newClient();
    await request("/api/warm", { headers: client });
    const connectionsBefore = backend.connections;
    for (let i = 0; i < 8; i++) {
      expect((await request(`/api/items/${i}`, { headers: client })).status).toBe(200);
    }
    expect(backend.connections - connectionsBefore).toBeLessThanOrEqual(1);
  });

  test("a plain /api request reaches the backend without Connection: upgrade", async () => {
    const reply = await request("/api/plain", { headers: newClient() });
    const seen = JSON.parse(reply.body.toString()) as { headers: http.IncomingHttpHeaders };
    expect(seen.headers.upgrade).toBeUndefined();
    expect(seen.headers.connection ?? "").not.toMatch(/upgrade/i);
    expect(seen.headers["x-forwarded-proto"]).toBe("https");
    expect(seen.headers.host).toBe(HOST);
  });

  test("a WebSocket upgrade reaches the backend with Upgrade and Connection: upgrade", async () => {
    const { status, tunnelled } = await new Promise<{ status: number; tunnelled: string }>(
      (resolve, reject) => {
        const req = https.request({
          host: "127.0.0.1",
          port: httpsPort,
          path: "/api/ws",
          servername: HOST,
          ca: fs.readFileSync(path.join(scratch, "ca", "ca.crt")),
          headers: {
            Host: HOST,
            Connection: "Upgrade",
            Upgrade: "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": crypto.randomBytes(16).toString("base64"),
            ...newClient(),
          },
        });
        req.on("upgrade", (res, socket, head) => {
          const chunks: Buffer[] = [head];
          socket.on("data", (chunk: Buffer) => chunks.push(chunk));
          socket.on("end", () => {
            socket.destroy();
            resolve({ status: res.statusCode ?? 0, tunnelled: Buffer.concat(chunks).toString() });
          });
        });
        req.on("response", (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
        req.on("error", reject);
        req.end();
      },
    );
    expect(status).toBe(101);
    const seen = JSON.parse(tunnelled) as { headers: http.IncomingHttpHeaders };
    expect(seen.headers.upgrade).toBe("websocket");
    expect(seen.headers.connection).toBe("upgrade");
  });

  test("/healthz is answered by Nginx without touching either app", async () => {
    const before = [frontend.seen.length, backend.seen.length];
    const reply = await request("/healthz");
    expect([reply.status, reply.body.toString()]).toEqual([200, "ok\n"]);
    expectSecurityHeaders(reply);
    expect([frontend.seen.length, backend.seen.length]).toEqual(before);
  });
});

describe("content", () => {
  test("JSON is gzipped when the client accepts gzip, and only then", async () => {
    const client = newClient();
    const zipped = await request("/api/data", {
      headers: { ...client, "Accept-Encoding": "gzip" },
    });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/);
    const json = JSON.parse(zlib.gunzipSync(zipped.body).toString()) as { path: string };
    expect(json.path).toBe("/api/data");
    expect(zipped.body.length).toBeLessThan(zlib.gunzipSync(zipped.body).length);
    const plain = await request("/api/data", { headers: client });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers["content-type"]).toBe("application/json");
  });

  test("/static/ carries exactly the one-year immutable Cache-Control", async () => {
    const reply = await request("/static/app.3f9a.js", { headers: { "Accept-Encoding": "gzip" } });
    expect(reply.status).toBe(200);
    expect(reply.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(reply.headers["content-encoding"]).toBe("gzip");
    expectSecurityHeaders(reply);
  });

  test("uploads take bodies up to 20 MiB while other API paths stop at 1 MiB", async () => {
    const body = crypto.randomBytes(3 * 1024 * 1024);
    const upload = await request("/api/upload/file", {
      method: "POST",
      body,
      headers: newClient(),
    });
    expect(upload.status).toBe(200);
    const tooBig = await request("/api/items", {
      method: "POST",
      headers: { ...newClient(), "Content-Length": body.length },
    });
    expect(tooBig.status).toBe(413);
    expectSecurityHeaders(tooBig);
  });
});
