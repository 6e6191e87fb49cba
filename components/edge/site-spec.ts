// The typed description of one Nginx edge site that the nginx.conf renderer consumes, and how each
// target builds it from the site settings: on Docker the upstreams are the app containers' network
// aliases and the Nginx version is the image tag's; on AWS the containers listen on the host's
// loopback, the ALB's VPC is the trusted proxy and the Nginx version is the one the host's Ubuntu
// release packages. Pure data: no Pulumi import, so the real-nginx tests and the benchmark render
// exactly what ships.
import {
  ALLOWED_TLS_PROTOCOLS,
  DEFAULT_RATE_LIMITS,
  ONE_YEAR_SECONDS,
  RateLimitZone,
  SITE_PATHS,
  UBUNTU_NGINX_VERSIONS,
} from "../catalog/nginx";
import type { EdgeSiteSettings } from "./contract";

/** One `limit_req` zone and the location it guards; keyed by client address. */
export interface RateLimitSpec {
  /** URL path prefix the limit applies to (an Nginx prefix location). */
  readonly path: string;
  /** Sustained requests per second per client address. */
  readonly ratePerSecond: number;
  /** Requests above the rate served at once before the rest are answered 429. */
  readonly burst: number;
}

/** Every filesystem path Nginx reads or writes, so tests and images can remap paths only. */
export interface NginxPathsSpec {
  /** PEM certificate chain Nginx serves, and its private key. */
  readonly certificate: string;
  readonly key: string;
  readonly pid: string;
  readonly errorLog: string;
  readonly accessLog: string;
  readonly mimeTypes: string;
  /** Request bodies and proxied responses too large for memory go here. */
  readonly tempDir: string;
  /** Webroot of `/.well-known/acme-challenge/` files. */
  readonly acmeChallengeRoot: string;
}

export interface NginxSiteSpec {
  /** Hostnames of the site; the certificate's SANs cover them. */
  readonly serverNames: readonly string[];
  /**
   * Version of the Nginx that will read the file (the image tag on Docker, the distribution's
   * package on AWS): HTTP/2 moved from a `listen` parameter to a directive in 1.25.1.
   */
  readonly nginxVersion: string;
  /** Address both servers bind (absent: every IPv4 address), the plain-HTTP and the TLS port. */
  readonly listen: { readonly address?: string; readonly http: number; readonly https: number };
  /** Where Nginx reaches the apps: a Docker network alias, or 127.0.0.1 on an app host. */
  readonly upstreams: Readonly<
    Record<"frontend" | "backend", { readonly host: string; readonly port: number }>
  >;
  readonly tlsProtocols: readonly string[];
  /** HSTS max-age, sent with `includeSubDomains`. */
  readonly hstsMaxAgeSeconds: number;
  /** All three are proxied to the backend; zones are named after the keys. */
  readonly rateLimits: Readonly<Record<RateLimitZone, RateLimitSpec>>;
  /** Largest request body on the uploads path, MiB (everywhere else 1 MiB). */
  readonly uploadMaxBodyMb: number;
  /**
   * CIDRs of proxies whose X-Forwarded-For is trusted for the client address (the ALB's VPC on
   * AWS). Without it every client behind the ALB shares one rate-limit bucket. Empty when Nginx
   * is the edge itself.
   */
  readonly trustedProxies: readonly string[];
  readonly paths: NginxPathsSpec;
}

/** Network aliases of the app containers on the Docker edge network, which Nginx proxies to. */
export const DOCKER_UPSTREAM_HOSTS = { frontend: "frontend", backend: "backend" } as const;

/** Where Debian, Ubuntu and the official nginx images keep Nginx's files. */
const NGINX_PATHS: NginxPathsSpec = {
  certificate: "/etc/nginx/tls/server.crt",
  key: "/etc/nginx/tls/server.key",
  pid: "/run/nginx.pid",
  errorLog: "/var/log/nginx/error.log",
  accessLog: "/var/log/nginx/access.log",
  mimeTypes: "/etc/nginx/mime.types",
  tempDir: "/var/cache/nginx",
  acmeChallengeRoot: "/var/www/acme",
};

function siteSpec(
  settings: EdgeSiteSettings,
  nginxVersion: string,
  upstreamHosts: Readonly<Record<"frontend" | "backend", string>>,
  trustedProxies: readonly string[],
): NginxSiteSpec {
  const { api, login, uploads } = settings.rateLimits;
  return {
    serverNames: [...settings.domains],
    nginxVersion,
    listen: { http: 80, https: 443 },
    upstreams: {
      frontend: { host: upstreamHosts.frontend, port: settings.frontendPort },
      backend: { host: upstreamHosts.backend, port: settings.backendPort },
    },
    tlsProtocols: settings.tlsProtocols,
    hstsMaxAgeSeconds: settings.hstsMaxAgeSeconds,
    rateLimits: {
      api: { path: SITE_PATHS.api, ...api },
      login: { path: SITE_PATHS.login, ...login },
      uploads: { path: settings.uploadsPath, ...uploads },
    },
    uploadMaxBodyMb: settings.uploadMaxBodyMb,
    trustedProxies,
    paths: NGINX_PATHS,
  };
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
