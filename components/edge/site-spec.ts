// The typed description of one Nginx edge site (REQUIREMENTS §4): what the nginx.conf renderer
// consumes, its production defaults, and the validation that stops a bad spec before Nginx does.
// Pure data: no Pulumi import, so the real-nginx tests and the benchmark use exactly this.

import { ALLOWED_TLS_PROTOCOLS, ONE_YEAR_SECONDS } from "../catalog/nginx";

/** Protocols Nginx knows but we refuse: everything below TLS 1.2. */
const OBSOLETE_TLS_PROTOCOLS = ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"];

/**
 * TLS 1.2 suites with forward secrecy and an AEAD cipher (GCM or ChaCha20-Poly1305), ECDSA
 * first. TLS 1.3 suites are all AEAD and are not configured by `ssl_ciphers`.
 */
export const AEAD_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
] as const;

const AEAD_CIPHER = /^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/;

/** Where an upstream application server listens. */
export interface UpstreamSpec {
  /** Hostname or IPv4 address Nginx connects to (a Docker service name, or 127.0.0.1 on AWS). */
  readonly host: string;
  /** @default 3000 for the frontend, 3001 for the backend */
  readonly port: number;
  /**
   * Idle keep-alive connections each Nginx worker keeps open to this upstream, so a request
   * does not pay a TCP connect to the app.
   * @default 64
   */
  readonly keepalive: number;
}

/** One `limit_req` zone and the location it guards; keyed by client address. */
export interface RateLimitSpec {
  /** URL path prefix the limit applies to (an Nginx prefix location). */
  readonly path: string;
  /** Sustained requests per second per client address. */
  readonly ratePerSecond: number;
  /** Requests above the rate served at once before the rest are answered 429. */
  readonly burst: number;
}

export interface TlsSpec {
  /** PEM certificate chain Nginx serves. @default "/etc/nginx/tls/server.crt" */
  readonly certificatePath: string;
  /** PEM private key of that certificate. @default "/etc/nginx/tls/server.key" */
  readonly keyPath: string;
  /** @default ["TLSv1.2", "TLSv1.3"] */
  readonly protocols: readonly string[];
  /** TLS 1.2 cipher suites (OpenSSL names), AEAD with ECDHE only. @default AEAD_CIPHERS */
  readonly ciphers: readonly string[];
  /** Size of the shared session cache (about 4000 sessions per MiB). @default 10 */
  readonly sessionCacheMb: number;
  /** How long a cached session may be resumed. @default 86400 (one day) */
  readonly sessionTimeoutSeconds: number;
  /**
   * Session tickets are encrypted with a key Nginx never rotates, which defeats forward
   * secrecy; resumption goes through the shared cache instead.
   * @default false
   */
  readonly sessionTickets: boolean;
}

export interface SecurityHeadersSpec {
  /** HSTS max-age; sent with `includeSubDomains`. @default 31536000 (one year, the floor) */
  readonly hstsMaxAgeSeconds: number;
  /** @default "DENY" */
  readonly frameOptions: "DENY" | "SAMEORIGIN";
  /** @default "strict-origin-when-cross-origin" (no path or query leaks to other sites) */
  readonly referrerPolicy: string;
}

export interface ListenSpec {
  /** Address both servers bind; absent means every IPv4 address. Tests pass "127.0.0.1". */
  readonly address?: string;
  /** Plain-HTTP port (redirects, /healthz, ACME). @default 80 */
  readonly http: number;
  /** TLS port. @default 443 */
  readonly https: number;
  /**
   * The HTTPS port clients see, used in the 301 Location: differs from `https` only when a
   * port mapping sits in front (Docker `-p 8443:443`). @default the `https` port
   */
  readonly publicHttps?: number;
}

/** Every filesystem path Nginx reads or writes, so tests and images can remap paths only. */
export interface NginxPathsSpec {
  /** @default "/run/nginx.pid" */
  readonly pid: string;
  /** @default "/var/log/nginx/error.log" */
  readonly errorLog: string;
  /** @default "/var/log/nginx/access.log" */
  readonly accessLog: string;
  /** @default "/etc/nginx/mime.types" */
  readonly mimeTypes: string;
  /** Request bodies and proxied responses too large for memory go here. @default "/var/cache/nginx" */
  readonly tempDir: string;
  /** Webroot of `/.well-known/acme-challenge/` files. @default "/var/www/acme" */
  readonly acmeChallengeRoot: string;
}

export interface NginxSiteSpec {
  /** Hostnames of the site; the certificate's SANs must cover them. No default. */
  readonly serverNames: readonly string[];
  /**
   * Version of the Nginx that will read the file (the image tag on Docker, the distribution's
   * package on AWS): HTTP/2 moved from a `listen` parameter to a directive in 1.25.1.
   * @default "1.22.1" (Debian 12; Ubuntu 22.04 ships 1.18.0)
   */
  readonly nginxVersion: string;
  /** Unprivileged user the worker processes run as (exists in Debian, Ubuntu and the official
   * nginx images). @default "www-data" */
  readonly user: string;
  readonly listen: ListenSpec;
  readonly upstreams: {
    /** @default frontend:3000 */
    readonly frontend: UpstreamSpec;
    /** @default backend:3001 */
    readonly backend: UpstreamSpec;
  };
  readonly tls: TlsSpec;
  readonly securityHeaders: SecurityHeadersSpec;
  /** All three are proxied to the backend; zones are named after the keys. */
  readonly rateLimits: {
    /** @default "/api/", 10 r/s, burst 20 */
    readonly api: RateLimitSpec;
    /** @default "/api/auth/login", 1 r/s, burst 5 */
    readonly login: RateLimitSpec;
    /** @default "/api/upload", 1 r/s, burst 5 (the app's multipart upload endpoints) */
    readonly uploads: RateLimitSpec;
  };
  /**
   * The backend's readiness endpoint (503 while the database is down), passed through without
   * rate limit so the load balancer's target health check reaches the app through Nginx.
   * @default "/health/ready"
   */
  readonly readinessPath: string;
  /** Largest request body anywhere but the uploads path, MiB. @default 1 */
  readonly clientMaxBodyMb: number;
  /** Largest request body on the uploads path, MiB. @default 20 */
  readonly uploadMaxBodyMb: number;
  /** Path prefixes of content-hashed assets, cached by browsers for a year. @default ["/static/"] */
  readonly immutablePaths: readonly string[];
  /** MIME types compressed on the fly (text/html always is). @default text, CSS, JS, JSON, SVG, XML */
  readonly gzipTypes: readonly string[];
  /**
   * CIDRs of proxies whose X-Forwarded-For is trusted for the client address (the ALB's VPC
   * on AWS). Without it every client behind the ALB shares one rate-limit bucket.
   * @default [] (Nginx is the edge: trust nobody)
   */
  readonly trustedProxies: readonly string[];
  /** Throughput knobs of the main and http contexts. */
  readonly performance: {
    /** Connections per worker (client + upstream sides both count). @default 4096 */
    readonly workerConnections: number;
    /** Requests a client may send over one keep-alive connection. @default 10000 */
    readonly keepaliveRequests: number;
    /** @default 65 */
    readonly keepaliveTimeoutSeconds: number;
  };
  readonly paths: NginxPathsSpec;
}

/** Overrides for `defaultSiteSpec`: top-level fields replace, object sections merge one level. */
export type SiteSpecOverrides = {
  readonly [K in keyof NginxSiteSpec]?: NginxSiteSpec[K] extends readonly unknown[]
    ? NginxSiteSpec[K]
    : NginxSiteSpec[K] extends object
      ? Partial<NginxSiteSpec[K]>
      : NginxSiteSpec[K];
};

/** REQUIREMENTS §4 defaults for the given domains. */
export function defaultSiteSpec(
  domains: readonly string[],
  overrides: SiteSpecOverrides = {},
): NginxSiteSpec {
  const base: NginxSiteSpec = {
    serverNames: [...domains],
    nginxVersion: "1.22.1",
    user: "www-data",
    listen: { http: 80, https: 443 },
    upstreams: {
      frontend: { host: "frontend", port: 3000, keepalive: 64 },
      backend: { host: "backend", port: 3001, keepalive: 64 },
    },
    tls: {
      certificatePath: "/etc/nginx/tls/server.crt",
      keyPath: "/etc/nginx/tls/server.key",
      protocols: [...ALLOWED_TLS_PROTOCOLS],
      ciphers: [...AEAD_CIPHERS],
      sessionCacheMb: 10,
      sessionTimeoutSeconds: 86_400,
      sessionTickets: false,
    },
    securityHeaders: {
      hstsMaxAgeSeconds: ONE_YEAR_SECONDS,
      frameOptions: "DENY",
      referrerPolicy: "strict-origin-when-cross-origin",
    },
    rateLimits: {
      api: { path: "/api/", ratePerSecond: 10, burst: 20 },
      login: { path: "/api/auth/login", ratePerSecond: 1, burst: 5 },
      uploads: { path: "/api/upload", ratePerSecond: 1, burst: 5 },
    },
    readinessPath: "/health/ready",
    clientMaxBodyMb: 1,
    uploadMaxBodyMb: 20,
    immutablePaths: ["/static/"],
    gzipTypes: [
      "text/plain",
      "text/css",
      "text/xml",
      "text/javascript",
      "application/javascript",
      "application/json",
      "application/ld+json",
      "application/manifest+json",
      "application/xml",
      "application/rss+xml",
      "image/svg+xml",
    ],
    trustedProxies: [],
    performance: {
      workerConnections: 4096,
      keepaliveRequests: 10_000,
      keepaliveTimeoutSeconds: 65,
    },
    paths: {
      pid: "/run/nginx.pid",
      errorLog: "/var/log/nginx/error.log",
      accessLog: "/var/log/nginx/access.log",
      mimeTypes: "/etc/nginx/mime.types",
      tempDir: "/var/cache/nginx",
      acmeChallengeRoot: "/var/www/acme",
    },
  };
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const current = (base as unknown as Record<string, unknown>)[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value;
  }
  return merged as unknown as NginxSiteSpec;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const HOSTNAME_ALLOWED =
  'a lower-case hostname (dot-separated labels of a-z, 0-9 and inner hyphens, e.g. "localhost" or "www.labelmedix.com")';
const URL_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const URL_PATH_ALLOWED = 'an absolute URL path of letters, digits and "._~/-" such as "/api/"';
const ABSOLUTE_PATH = /^\/[^\s;{}'"$#]*$/;
const ABSOLUTE_PATH_ALLOWED =
  "an absolute filesystem path without spaces, quotes, ';', '{', '}', '$' or '#'";
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:]*:[0-9a-f:]*$/i;

function fail(field: string, value: unknown, allowed: string): never {
  throw new Error(`nginx site spec: ${field} must be ${allowed} (got ${JSON.stringify(value)})`);
}

function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(field, value, `an integer from ${min} to ${max}`);
  }
}

function checkPort(field: string, value: number): void {
  checkInteger(field, value, 1, 65535);
}

function checkHostname(field: string, value: string): void {
  if (!HOSTNAME.test(value)) fail(field, value, HOSTNAME_ALLOWED);
}

function checkUrlPath(field: string, value: string): void {
  if (!URL_PATH.test(value)) fail(field, value, URL_PATH_ALLOWED);
}

function checkCidr(field: string, value: string): void {
  const [address, bits, ...rest] = value.split("/");
  const isV4 = IPV4.test(address);
  const isV6 = !isV4 && IPV6.test(address);
  const maxBits = isV4 ? 32 : 128;
  const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
  if ((!isV4 && !isV6) || !bitsOk || rest.length > 0) {
    fail(field, value, 'an IPv4 or IPv6 address or CIDR such as "10.0.0.0/16"');
  }
}

/** Throws an Error naming the field, the value and what is allowed; returns the spec if sound. */
export function validateSiteSpec(spec: NginxSiteSpec): NginxSiteSpec {
  if (spec.serverNames.length === 0) {
    fail("serverNames", spec.serverNames, "a list of at least one hostname");
  }
  spec.serverNames.forEach((name, i) => checkHostname(`serverNames[${i}]`, name));
  const duplicate = spec.serverNames.find((name, i) => spec.serverNames.indexOf(name) !== i);
  if (duplicate !== undefined) fail("serverNames", spec.serverNames, "a list without repeats");

  if (!/^1\.(1[89]|[2-9]\d)(\.\d+)?$/.test(spec.nginxVersion)) {
    fail("nginxVersion", spec.nginxVersion, 'a version from 1.18 on such as "1.22.1"');
  }
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(spec.user)) {
    fail("user", spec.user, 'a system user name such as "www-data"');
  }

  const { listen } = spec;
  if (listen.address !== undefined && !IPV4.test(listen.address)) {
    fail("listen.address", listen.address, 'an IPv4 address such as "127.0.0.1"');
  }
  checkPort("listen.http", listen.http);
  checkPort("listen.https", listen.https);
  if (listen.http === listen.https) {
    fail("listen.https", listen.https, `a port other than listen.http (${listen.http})`);
  }
  if (listen.publicHttps !== undefined) checkPort("listen.publicHttps", listen.publicHttps);

  for (const role of ["frontend", "backend"] as const) {
    const upstream = spec.upstreams[role];
    checkHostname(`upstreams.${role}.host`, upstream.host);
    checkPort(`upstreams.${role}.port`, upstream.port);
    checkInteger(`upstreams.${role}.keepalive`, upstream.keepalive, 1, 10_000);
  }

  validateTls(spec.tls);

  const headers = spec.securityHeaders;
  checkInteger(
    "securityHeaders.hstsMaxAgeSeconds",
    headers.hstsMaxAgeSeconds,
    ONE_YEAR_SECONDS,
    2 * ONE_YEAR_SECONDS,
  );
  if (headers.frameOptions !== "DENY" && headers.frameOptions !== "SAMEORIGIN") {
    fail("securityHeaders.frameOptions", headers.frameOptions, '"DENY" or "SAMEORIGIN"');
  }
  const referrerPolicies = [
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
  ];
  if (!referrerPolicies.includes(headers.referrerPolicy)) {
    fail(
      "securityHeaders.referrerPolicy",
      headers.referrerPolicy,
      `one of ${referrerPolicies.map((p) => `"${p}"`).join(", ")}`,
    );
  }

  const seenPaths = new Map<string, string>();
  for (const [zone, limit] of Object.entries(spec.rateLimits)) {
    checkUrlPath(`rateLimits.${zone}.path`, limit.path);
    const clash = seenPaths.get(limit.path);
    if (clash !== undefined) {
      fail(`rateLimits.${zone}.path`, limit.path, `a path other than rateLimits.${clash}.path`);
    }
    seenPaths.set(limit.path, zone);
    checkInteger(`rateLimits.${zone}.ratePerSecond`, limit.ratePerSecond, 1, 100_000);
    checkInteger(`rateLimits.${zone}.burst`, limit.burst, 1, 100_000);
  }

  checkUrlPath("readinessPath", spec.readinessPath);
  checkInteger("clientMaxBodyMb", spec.clientMaxBodyMb, 1, 1024);
  checkInteger("uploadMaxBodyMb", spec.uploadMaxBodyMb, 1, 10_240);

  spec.immutablePaths.forEach((path, i) => {
    checkUrlPath(`immutablePaths[${i}]`, path);
    if (seenPaths.has(path)) {
      fail(`immutablePaths[${i}]`, path, "a path that is not also a rate-limited path");
    }
  });
  spec.gzipTypes.forEach((type, i) => {
    if (!/^[a-z]+\/[a-z0-9.+-]+$/.test(type)) {
      fail(`gzipTypes[${i}]`, type, 'a lower-case MIME type such as "application/json"');
    }
  });
  spec.trustedProxies.forEach((cidr, i) => checkCidr(`trustedProxies[${i}]`, cidr));

  const perf = spec.performance;
  checkInteger("performance.workerConnections", perf.workerConnections, 512, 65_536);
  checkInteger("performance.keepaliveRequests", perf.keepaliveRequests, 100, 1_000_000);
  checkInteger("performance.keepaliveTimeoutSeconds", perf.keepaliveTimeoutSeconds, 1, 3600);

  for (const [key, path] of Object.entries(spec.paths)) {
    if (!ABSOLUTE_PATH.test(path)) fail(`paths.${key}`, path, ABSOLUTE_PATH_ALLOWED);
  }
  return spec;
}

function validateTls(tls: TlsSpec): void {
  if (!ABSOLUTE_PATH.test(tls.certificatePath)) {
    fail("tls.certificatePath", tls.certificatePath, ABSOLUTE_PATH_ALLOWED);
  }
  if (!ABSOLUTE_PATH.test(tls.keyPath)) fail("tls.keyPath", tls.keyPath, ABSOLUTE_PATH_ALLOWED);
  const allowedProtocols = `a non-empty list of ${ALLOWED_TLS_PROTOCOLS.map((p) => `"${p}"`).join(" and ")}`;
  if (tls.protocols.length === 0) fail("tls.protocols", tls.protocols, allowedProtocols);
  tls.protocols.forEach((protocol, i) => {
    if ((ALLOWED_TLS_PROTOCOLS as readonly string[]).includes(protocol)) return;
    const why = OBSOLETE_TLS_PROTOCOLS.includes(protocol)
      ? "nothing below TLSv1.2"
      : "a protocol Nginx knows";
    fail(`tls.protocols[${i}]`, protocol, `"TLSv1.2" or "TLSv1.3" (${why})`);
  });
  if (tls.ciphers.length === 0 && tls.protocols.includes("TLSv1.2")) {
    fail("tls.ciphers", tls.ciphers, "at least one TLS 1.2 suite when TLSv1.2 is enabled");
  }
  tls.ciphers.forEach((cipher, i) => {
    if (!AEAD_CIPHER.test(cipher)) {
      fail(
        `tls.ciphers[${i}]`,
        cipher,
        "an ECDHE suite with AES-GCM or CHACHA20-POLY1305 such as ECDHE-RSA-AES128-GCM-SHA256",
      );
    }
  });
  checkInteger("tls.sessionCacheMb", tls.sessionCacheMb, 1, 1024);
  checkInteger("tls.sessionTimeoutSeconds", tls.sessionTimeoutSeconds, 60, 7 * 86_400);
  if (tls.sessionTickets !== false) {
    fail(
      "tls.sessionTickets",
      tls.sessionTickets,
      "false (unrotated ticket keys break forward secrecy)",
    );
  }
}
