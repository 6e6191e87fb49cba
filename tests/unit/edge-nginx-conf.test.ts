// Structural facts of the rendered nginx.conf that an operator relies on, read from a parse of
// the text (which location carries which header, which limit guards which path), for every
// stack's domains. The real-nginx test proves the behaviour; this pins the shape.
import { directoriesNginxNeeds, renderNginxConf } from "../../components/edge/nginx-conf";
import { defaultSiteSpec, NginxSiteSpec } from "../../components/edge/site-spec";
import { children, Directive, only, parseNginxConf } from "./edge-conf-parse";

const STACK_DOMAINS: Record<string, string[]> = {
  dev: ["localhost"],
  test: ["test.labelmedix.com"],
  staging: ["staging.labelmedix.com"],
  prod: ["labelmedix.com", "www.labelmedix.com"],
};
const stacks = Object.entries(STACK_DOMAINS);

function parsed(spec: NginxSiteSpec) {
  const main = parseNginxConf(renderNginxConf(spec));
  const http = only(main, "http").children ?? [];
  const servers = children(http, "server").map((s) => s.children ?? []);
  const isTls = (server: readonly Directive[]) =>
    children(server, "listen").some((l) => l.args.includes("ssl"));
  const tlsServers = servers.filter(isTls);
  const plainServers = servers.filter((s) => !isTls(s));
  expect(tlsServers).toHaveLength(1);
  expect(plainServers).toHaveLength(1);
  return { main, http, https: tlsServers[0], plain: plainServers[0] };
}

function locations(server: readonly Directive[]): Map<string, readonly Directive[]> {
  return new Map(children(server, "location").map((l) => [l.args.join(" "), l.children ?? []]));
}

function location(server: readonly Directive[], match: string): readonly Directive[] {
  const found = locations(server).get(match);
  if (!found) throw new Error(`no 'location ${match}' in ${[...locations(server).keys()]}`);
  return found;
}

function args(block: readonly Directive[], name: string): string[] {
  return only(block, name).args.slice();
}

/** header name → [value, ...flags] of the add_header directives of one block. */
function addedHeaders(block: readonly Directive[]): Map<string, string[]> {
  return new Map(children(block, "add_header").map((d) => [d.args[0], d.args.slice(1)]));
}

const REQUIRED_HEADERS: [string, string][] = [
  ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
  ["X-Frame-Options", "DENY"],
  ["X-Content-Type-Options", "nosniff"],
];

describe.each(stacks)("nginx.conf for %s", (_stack, domains) => {
  const spec = defaultSiteSpec(domains);
  const { main, http, https, plain } = parsed(spec);

  test("names the stack's domains on both servers", () => {
    expect(args(https, "server_name")).toEqual(domains);
    expect(args(plain, "server_name")).toEqual(domains);
  });

  test("every location and both servers send HSTS, DENY and nosniff, also on errors", () => {
    const blocks: [string, readonly Directive[]][] = [
      ["https server", https],
      ["http server", plain],
      ...[...locations(https)].map(([m, b]): [string, readonly Directive[]] => [`https ${m}`, b]),
      ...[...locations(plain)].map(([m, b]): [string, readonly Directive[]] => [`http ${m}`, b]),
    ];
    expect(blocks.length).toBeGreaterThan(8);
    for (const [where, block] of blocks) {
      const headers = addedHeaders(block);
      for (const [name, value] of REQUIRED_HEADERS) {
        // `always` makes Nginx add the header to 4xx/5xx answers (404, 429, 502) too.
        expect({ where, name, header: headers.get(name) }).toEqual({
          where,
          name,
          header: [value, "always"],
        });
      }
    }
  });

  test("HTTPS listens with ssl and http2 as listen parameters (nginx 1.22 has no http2 directive)", () => {
    expect(args(https, "listen")).toEqual(["443", "ssl", "http2", "default_server"]);
    const everywhere = (tree: readonly Directive[]): Directive[] =>
      tree.flatMap((d) => [d, ...everywhere(d.children ?? [])]);
    expect(everywhere(main).filter((d) => d.name === "http2")).toEqual([]);
  });

  test("plain HTTP only redirects to HTTPS, apart from /healthz and ACME challenges", () => {
    expect(args(plain, "listen")).toEqual(["80", "default_server"]);
    expect([...locations(plain).keys()].sort()).toEqual([
      "/",
      "= /healthz",
      "^~ /.well-known/acme-challenge/",
    ]);
    expect(args(location(plain, "/"), "return")).toEqual(["301", "https://$host$request_uri"]);
    expect(children(location(plain, "/"), "proxy_pass")).toEqual([]);
  });

  test("TLS: 1.2 and 1.3 only, AEAD suites with forward secrecy, shared session cache", () => {
    expect(args(http, "ssl_protocols")).toEqual(["TLSv1.2", "TLSv1.3"]);
    const ciphers = args(http, "ssl_ciphers")[0].split(":");
    expect(ciphers.length).toBeGreaterThan(0);
    for (const cipher of ciphers) {
      expect(cipher).toMatch(
        /^ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/,
      );
    }
    expect(args(http, "ssl_prefer_server_ciphers")).toEqual(["on"]);
    expect(args(http, "ssl_session_cache")[0]).toMatch(/^shared:\w+:\d+m$/);
    expect(args(http, "ssl_session_tickets")).toEqual(["off"]);
    expect(args(https, "ssl_certificate")).toEqual([spec.paths.certificate]);
  });

  test.each([
    ["/api/", 10, 20],
    ["/api/auth/login", 1, 5],
    ["/api/upload", 1, 5],
  ])(
    "%s is limited to %i r/s per client address, burst %i, proxied to the backend",
    (path, rate, burst) => {
      const block = location(https, path);
      const limit = args(block, "limit_req");
      const zone = limit.find((a) => a.startsWith("zone="))?.slice("zone=".length);
      expect(limit).toEqual([`zone=${zone}`, `burst=${burst}`, "nodelay"]);
      const zoneDefinition = children(http, "limit_req_zone").filter((d) =>
        d.args.some((a) => a.startsWith(`zone=${zone}:`)),
      );
      expect(zoneDefinition).toHaveLength(1);
      expect(zoneDefinition[0].args[0]).toBe("$binary_remote_addr");
      expect(zoneDefinition[0].args).toContain(`rate=${rate}r/s`);
      expect(args(block, "proxy_pass")).toEqual(["http://backend"]);
    },
  );

  test("excess requests are answered 429", () => {
    expect(args(http, "limit_req_status")).toEqual(["429"]);
  });

  test("uploads accept bigger bodies than the rest", () => {
    expect(args(http, "client_max_body_size")).toEqual(["1m"]);
    expect(args(location(https, "/api/upload"), "client_max_body_size")).toEqual(["20m"]);
  });

  test("upstreams are frontend:3000 and backend:3001 with idle keep-alive connections", () => {
    const upstreams = new Map(
      children(http, "upstream").map((u) => [u.args[0], u.children ?? []] as const),
    );
    expect(args(upstreams.get("frontend") ?? [], "server")).toEqual(["frontend:3000"]);
    expect(args(upstreams.get("backend") ?? [], "server")).toEqual(["backend:3001"]);
    for (const upstream of upstreams.values()) {
      expect(Number(args(upstream, "keepalive")[0])).toBeGreaterThan(0);
    }
  });

  test("every proxied location keeps upstream connections alive and upgrades only on request", () => {
    const map = only(http, "map");
    expect(map.args).toEqual(["$http_upgrade", "$connection_upgrade"]);
    // An absent Upgrade maps to an empty Connection header, which Nginx does not send.
    expect(map.children?.map((d) => [d.name, ...d.args])).toEqual([
      ["default", "upgrade"],
      ["", ""],
    ]);
    const proxiedBlocks = [...locations(https)].filter(([, b]) => children(b, "proxy_pass").length);
    expect(proxiedBlocks.length).toBeGreaterThanOrEqual(5);
    for (const [where, block] of proxiedBlocks) {
      const setHeaders = new Map(
        children(block, "proxy_set_header").map((d) => [d.args[0], d.args[1]]),
      );
      expect({ where, version: args(block, "proxy_http_version") }).toEqual({
        where,
        version: ["1.1"],
      });
      expect({ where, connection: setHeaders.get("Connection") }).toEqual({
        where,
        connection: "$connection_upgrade",
      });
      expect({ where, upgrade: setHeaders.get("Upgrade") }).toEqual({
        where,
        upgrade: "$http_upgrade",
      });
      expect(setHeaders.get("X-Forwarded-Proto")).toBe("$scheme");
    }
  });

  test("/static/ is cached for a year, immutable, replacing the app's Cache-Control", () => {
    const block = location(https, "/static/");
    expect(addedHeaders(block).get("Cache-Control")).toEqual([
      "public, max-age=31536000, immutable",
      "always",
    ]);
    expect(children(block, "proxy_hide_header").map((d) => d.args[0])).toContain("Cache-Control");
  });

  test("dot-files are refused by a regex location, ACME challenges are exempt from it", () => {
    expect(args(location(https, "~ /\\."), "return")).toEqual(["404"]);
    // `^~` stops the regex search, so the dot-file rule never sees ACME tokens.
    expect(args(location(https, "^~ /.well-known/acme-challenge/"), "root")).toEqual([
      spec.paths.acmeChallengeRoot,
    ]);
  });

  test("/healthz is answered by Nginx without an upstream", () => {
    for (const server of [https, plain]) {
      const block = location(server, "= /healthz");
      expect(args(block, "return")).toEqual(["200", "ok\\n"]);
      expect(children(block, "proxy_pass")).toEqual([]);
    }
  });

  test("gzip compresses text, JSON, JavaScript and SVG", () => {
    expect(args(http, "gzip")).toEqual(["on"]);
    const types = args(http, "gzip_types");
    for (const type of [
      "text/plain",
      "text/css",
      "application/javascript",
      "application/json",
      "image/svg+xml",
    ]) {
      expect(types).toContain(type);
    }
    expect(types).not.toContain("text/html");
  });

  test("hides the Nginx version and tunes workers for throughput", () => {
    expect(args(http, "server_tokens")).toEqual(["off"]);
    expect(args(main, "worker_processes")).toEqual(["auto"]);
    expect(Number(args(only(main, "events").children ?? [], "worker_connections")[0])).toBe(4096);
    expect(args(http, "sendfile")).toEqual(["on"]);
  });

  test("trusts no forwarded client address unless proxies are named", () => {
    expect(children(http, "set_real_ip_from")).toEqual([]);
    expect(children(http, "real_ip_header")).toEqual([]);
  });
});

describe("nginx.conf options", () => {
  test("names the trusted proxies whose X-Forwarded-For becomes the client address", () => {
    const spec = {
      ...defaultSiteSpec(["labelmedix.com"]),
      trustedProxies: ["10.40.0.0/16", "10.41.0.0/16"],
    };
    const { http } = parsed(spec);
    expect(children(http, "set_real_ip_from").map((d) => d.args[0])).toEqual([
      "10.40.0.0/16",
      "10.41.0.0/16",
    ]);
    expect(args(http, "real_ip_header")).toEqual(["X-Forwarded-For"]);
  });

  test.each([
    [{ http: 8080, https: 8443 }, "https://$host:8443$request_uri"],
    [{ http: 80, https: 443 }, "https://$host$request_uri"],
  ])("listening on %j redirects to %s", (listen, target) => {
    const { plain } = parsed({ ...defaultSiteSpec(["localhost"]), listen });
    expect(args(location(plain, "/"), "return")).toEqual(["301", target]);
  });

  test.each([
    ["1.18.0", ["443", "ssl", "http2", "default_server"], []],
    ["1.22.1", ["443", "ssl", "http2", "default_server"], []],
    ["1.25.0", ["443", "ssl", "http2", "default_server"], []],
    ["1.25.1", ["443", "ssl", "default_server"], [["on"]]],
    ["1.27.4", ["443", "ssl", "default_server"], [["on"]]],
  ])("nginx %s gets HTTP/2 the way it understands without a warning", (version, listen, http2) => {
    const { https } = parsed({ ...defaultSiteSpec(["labelmedix.com"]), nginxVersion: version });
    expect(args(https, "listen")).toEqual(listen);
    expect(children(https, "http2").map((d) => d.args)).toEqual(http2);
  });

  test("binds the given address only", () => {
    const { https, plain } = parsed({
      ...defaultSiteSpec(["localhost"]),
      listen: { address: "127.0.0.1", http: 8080, https: 8443 },
    });
    expect(args(https, "listen")[0]).toBe("127.0.0.1:8443");
    expect(args(plain, "listen")[0]).toBe("127.0.0.1:8080");
  });

  test("every filesystem path in the config is one the component is told about", () => {
    const spec = {
      ...defaultSiteSpec(["localhost"]),
      paths: {
        certificate: "/srv/edge/tls/server.crt",
        key: "/srv/edge/tls/server.key",
        pid: "/srv/edge/run/nginx.pid",
        errorLog: "/srv/edge/log/error.log",
        accessLog: "/srv/edge/log/access.log",
        mimeTypes: "/srv/edge/conf/mime.types",
        tempDir: "/srv/edge/tmp",
        acmeChallengeRoot: "/srv/edge/acme",
      },
    };
    const text = renderNginxConf(spec);
    // Files Nginx reads at start, which a component uploads next to nginx.conf.
    const files = [spec.paths.certificate, spec.paths.key, spec.paths.mimeTypes];
    const dirs = directoriesNginxNeeds(spec);
    const mentioned = [...text.matchAll(/\s(\/[^\s;"']+)/g)].map((m) => m[1]);
    const filesystem = mentioned.filter((p) => p.startsWith("/srv/"));
    expect(filesystem.length).toBeGreaterThanOrEqual(10);
    for (const path of filesystem) {
      const known =
        files.includes(path) || dirs.some((d) => path.startsWith(`${d}/`) || path === d);
      expect({ path, known }).toEqual({ path, known: true });
    }
    // Nothing still points at the production locations.
    expect(text).not.toMatch(/\s\/(etc|var|run)\//);
  });
});
