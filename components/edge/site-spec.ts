// What the nginx.conf renderer consumes, and how each target builds it from the site settings:
// which Nginx reads the file, where the apps are, which proxy is trusted. Pure data: no Pulumi
// import, so the real-nginx tests and the benchmark render exactly what ships.
import {
  ALLOWED_TLS_PROTOCOLS,
  DEFAULT_RATE_LIMITS,
  ONE_YEAR_SECONDS,
  UBUNTU_NGINX_VERSIONS,
} from "../catalog/nginx";
import type { EdgeSiteSettings } from "./contract";

/** Where Debian, Ubuntu and the official nginx images keep every file Nginx reads or writes. */
const NGINX_PATHS = {
  /** PEM certificate chain Nginx serves, and its private key. */
  certificate: "/etc/nginx/tls/server.crt",
  key: "/etc/nginx/tls/server.key",
  pid: "/run/nginx.pid",
  errorLog: "/var/log/nginx/error.log",
  accessLog: "/var/log/nginx/access.log",
  mimeTypes: "/etc/nginx/mime.types",
  /** Request bodies and proxied responses too large for memory go here. */
  tempDir: "/var/cache/nginx",
  /** Webroot of `/.well-known/acme-challenge/` files. */
  acmeChallengeRoot: "/var/www/acme",
};

/** What the renderer writes for: the site, and where and by which Nginx it is served. */
export interface NginxSiteSpec extends EdgeSiteSettings {
  /**
   * Version of the Nginx that will read the file (the image tag on Docker, the distribution's
   * package on AWS): HTTP/2 moved from a `listen` parameter to a directive in 1.25.1.
   */
  readonly nginxVersion: string;
  /** Address both servers bind (absent: every IPv4 address), the plain-HTTP and the TLS port. */
  readonly listen: { readonly address?: string; readonly http: number; readonly https: number };
  /** Where Nginx reaches the apps on their ports: a Docker network alias, or 127.0.0.1. */
  readonly upstreamHosts: Readonly<Record<"frontend" | "backend", string>>;
  /**
   * CIDRs of proxies whose X-Forwarded-For is trusted for the client address (the ALB's VPC on
   * AWS). Without it every client behind the ALB shares one rate-limit bucket. Empty when Nginx
   * is the edge itself.
   */
  readonly trustedProxies: readonly string[];
  /** Nginx's files, so tests and the benchmark can remap paths only. */
  readonly paths: Readonly<Record<keyof typeof NGINX_PATHS, string>>;
}

/** Network aliases of the app containers on the Docker edge network, which Nginx proxies to. */
export const DOCKER_UPSTREAM_HOSTS = { frontend: "frontend", backend: "backend" } as const;

function siteSpec(
  settings: EdgeSiteSettings,
  nginxVersion: string,
  upstreamHosts: NginxSiteSpec["upstreamHosts"],
  trustedProxies: readonly string[],
): NginxSiteSpec {
  const listen = { http: 80, https: 443 };
  return { ...settings, nginxVersion, listen, upstreamHosts, trustedProxies, paths: NGINX_PATHS };
}

/** The nginx container's site: Nginx is the edge, so no proxy is trusted for X-Forwarded-For. */
export function dockerSiteSpec(settings: EdgeSiteSettings, nginxVersion: string): NginxSiteSpec {
  return siteSpec(settings, nginxVersion, DOCKER_UPSTREAM_HOSTS, []);
}

/** An app host's site: containers on loopback, the VPC (where the ALB lives) trusted. */
export function awsSiteSpec(
  settings: EdgeSiteSettings,
  os: keyof typeof UBUNTU_NGINX_VERSIONS,
  vpcCidr: string,
): NginxSiteSpec {
  const loopback = { frontend: "127.0.0.1", backend: "127.0.0.1" };
  return siteSpec(settings, UBUNTU_NGINX_VERSIONS[os], loopback, [vpcCidr]);
}

/**
 * The Docker site docs/requirements.md §4 describes (frontend :3000, backend :3001, its rate
 * limits, TLS 1.2/1.3, a year of HSTS, uploads at /api/upload up to 20 MiB) on Debian 12's Nginx
 * 1.22.1: what the renderer tests, the real-nginx tests and the benchmark render.
 */
export function defaultSiteSpec(domains: readonly string[]): NginxSiteSpec {
  const settings: EdgeSiteSettings = {
    domains,
    frontendPort: 3000,
    backendPort: 3001,
    rateLimits: DEFAULT_RATE_LIMITS,
    uploadsPath: "/api/upload",
    uploadMaxBodyMb: 20,
    tlsProtocols: ALLOWED_TLS_PROTOCOLS,
    hstsMaxAgeSeconds: ONE_YEAR_SECONDS,
  };
  return dockerSiteSpec(settings, "1.22.1");
}
