// What each target's Nginx is told, from the stack config: the file it will read names the
// right upstreams, trusts the right proxies, speaks the Nginx version that runs it, and carries
// the configured limits.
import { nginxAtLeast, nginxVersionOfImage } from "../../components/catalog/nginx";
import type { EdgeSiteSettings } from "../../components/edge/contract";
import { renderNginxConf } from "../../components/edge/nginx-conf";
import { awsSiteSpec, dockerSiteSpec } from "../../components/edge/site-spec";
import { siteSettingsFromConfig } from "../../components/environment/edge-site";
import { children, Directive, only, parseNginxConf } from "./edge-conf-parse";

const settings: EdgeSiteSettings = siteSettingsFromConfig({
  domains: ["labelmedix.com", "www.labelmedix.com"],
  app: { frontendPort: 3100, backendPort: 3101 },
  edge: {
    rateLimits: {
      api: { ratePerSecond: 8, burst: 16 },
      login: { ratePerSecond: 1, burst: 3 },
      uploads: { ratePerSecond: 2, burst: 4 },
    },
    uploadsPath: "/api/files",
    clientMaxBodyMb: 50,
    tlsProtocols: ["TLSv1.3"],
    hstsMaxAgeSeconds: 63072000,
  },
});

function http(conf: string): readonly Directive[] {
  return only(parseNginxConf(conf), "http").children ?? [];
}

function upstreamServers(conf: string): Record<string, string> {
  return Object.fromEntries(
    children(http(conf), "upstream").map((u) => [
      u.args[0],
      only(u.children ?? [], "server").args[0],
    ]),
  );
}

function httpsServer(conf: string): readonly Directive[] {
  const server = children(http(conf), "server").find((s) =>
    (s.children ?? []).some((d) => d.name === "listen" && d.args.includes("ssl")),
  );
  if (!server) throw new Error("no HTTPS server");
  return server.children ?? [];
}

describe("nginxVersionOfImage", () => {
  test.each([
    ["nginx:1.27.4", "1.27.4"],
    ["nginx:1.27.4-alpine", "1.27.4"],
    ["nginx:1.26", "1.26"],
    ["registry.example.com:5000/mirror/nginx:1.25.1-bookworm", "1.25.1"],
    [`nginx:1.24.0@sha256:${"c".repeat(64)}`, "1.24.0"],
    ["nginx:stable", undefined],
    ["nginx:latest", undefined],
    [`nginx@sha256:${"c".repeat(64)}`, undefined],
    ["registry.example.com:5000/nginx", undefined],
  ])("%s → %s", (image, version) => {
    expect(nginxVersionOfImage(image)).toBe(version);
  });
});

describe("nginxAtLeast compares dotted versions numerically", () => {
  test.each([
    ["1.25.1", "1.25.1", true],
    ["1.27.4", "1.25.1", true],
    ["1.25.0", "1.25.1", false],
    ["1.22.1", "1.25.1", false],
    ["1.100.0", "1.25.1", true],
    ["1.26", "1.25.1", true],
    ["1.25", "1.25.1", false],
  ])("%s >= %s is %s", (version, minimum, expected) => {
    expect(nginxAtLeast(version, minimum)).toBe(expected);
  });
});

describe("Docker", () => {
  const conf = renderNginxConf(dockerSiteSpec(settings, "1.27.4"));

  test("upstreams are the app containers' network aliases on the configured ports", () => {
    expect(upstreamServers(conf)).toEqual({ frontend: "frontend:3100", backend: "backend:3101" });
  });

  test("Nginx is the edge: no proxy is trusted for the client address", () => {
    expect(children(http(conf), "set_real_ip_from")).toEqual([]);
  });

  test("the Nginx version decides the HTTP/2 syntax", () => {
    expect(children(httpsServer(conf), "http2").map((d) => d.args)).toEqual([["on"]]);
    const old = renderNginxConf(dockerSiteSpec(settings, "1.24.0"));
    expect(children(httpsServer(old), "http2")).toEqual([]);
    expect(only(httpsServer(old), "listen").args).toContain("http2");
  });
});

describe("AWS", () => {
  test.each([
    ["ubuntu-22.04", "1.18.0", true],
    ["ubuntu-24.04", "1.24.0", true],
  ] as const)("%s: written for Nginx %s (http2 as a listen parameter)", (os, version, onListen) => {
    const spec = awsSiteSpec(settings, os, "10.40.0.0/16");
    expect(spec.nginxVersion).toBe(version);
    const conf = renderNginxConf(spec);
    expect(only(httpsServer(conf), "listen").args.includes("http2")).toBe(onListen);
  });

  const conf = renderNginxConf(awsSiteSpec(settings, "ubuntu-22.04", "10.40.0.0/16"));

  test("upstreams are the containers on the host's loopback", () => {
    expect(upstreamServers(conf)).toEqual({
      frontend: "127.0.0.1:3100",
      backend: "127.0.0.1:3101",
    });
  });

  test("the VPC, where the ALB lives, is trusted for X-Forwarded-For", () => {
    expect(children(http(conf), "set_real_ip_from").map((d) => d.args)).toEqual([["10.40.0.0/16"]]);
    expect(only(http(conf), "real_ip_header").args).toEqual(["X-Forwarded-For"]);
  });
});

describe("the configured limits reach the file", () => {
  const conf = renderNginxConf(dockerSiteSpec(settings, "1.27.4"));

  test("zones carry the configured rates", () => {
    expect(children(http(conf), "limit_req_zone").map((d) => d.args.slice(1))).toEqual([
      ["zone=api:10m", "rate=8r/s"],
      ["zone=login:10m", "rate=1r/s"],
      ["zone=uploads:10m", "rate=2r/s"],
    ]);
  });

  test("the uploads path has its own location, burst and body limit", () => {
    const uploads = children(httpsServer(conf), "location").find((l) =>
      l.args.includes("/api/files"),
    );
    expect(uploads).toBeDefined();
    const inside = uploads?.children ?? [];
    expect(only(inside, "limit_req").args).toEqual(["zone=uploads", "burst=4", "nodelay"]);
    expect(only(inside, "client_max_body_size").args).toEqual(["50m"]);
  });

  test("TLS protocols and HSTS max-age come from the config", () => {
    expect(only(http(conf), "ssl_protocols").args).toEqual(["TLSv1.3"]);
    const hsts = children(httpsServer(conf), "add_header").find(
      (d) => d.args[0] === "Strict-Transport-Security",
    );
    expect(hsts?.args[1]).toBe("max-age=63072000; includeSubDomains");
  });
});
