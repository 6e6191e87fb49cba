// Maps a stack's validated config onto the Nginx site spec each target ships: on Docker the
// upstreams are the app containers' network aliases and the Nginx version is the image tag's; on
// AWS the app containers listen on the host's loopback, the ALB's VPC is the trusted proxy and
// the Nginx version is the one the host's Ubuntu release packages. Pure: no Pulumi import.
import type { AppConfig } from "../config/parts/app";
import type { EdgeConfig } from "../config/parts/edge";
import { defaultSiteSpec, nginxAtLeast, NginxSiteSpec } from "./site-spec";

/** What the site serves, independent of where it runs. */
export interface EdgeSiteSettings {
  /** Public hostnames; the first is canonical. */
  readonly domains: readonly string[];
  /** @default 3000 */
  readonly frontendPort: number;
  /** @default 3001 */
  readonly backendPort: number;
  /** @default api 10 r/s burst 20, login and uploads 1 r/s burst 5 */
  readonly rateLimits: Readonly<
    Record<"api" | "login" | "uploads", { readonly ratePerSecond: number; readonly burst: number }>
  >;
  /** URL prefix of uploads, rate-limited on its own. @default "/api/upload" */
  readonly uploadsPath: string;
  /** Largest upload body, MiB. @default 20 */
  readonly uploadMaxBodyMb: number;
  /** @default ["TLSv1.2", "TLSv1.3"] */
  readonly tlsProtocols: readonly string[];
  /** @default 31536000 */
  readonly hstsMaxAgeSeconds: number;
}

/** The slice of the stack config the edge site is built from. */
export interface EdgeSiteConfig {
  readonly domains: readonly string[];
  readonly app: Pick<AppConfig, "frontendPort" | "backendPort">;
  readonly edge: Pick<
    EdgeConfig,
    "rateLimits" | "uploadsPath" | "clientMaxBodyMb" | "tlsProtocols" | "hstsMaxAgeSeconds"
  >;
}

export function siteSettingsFromConfig(config: EdgeSiteConfig): EdgeSiteSettings {
  return {
    domains: config.domains,
    frontendPort: config.app.frontendPort,
    backendPort: config.app.backendPort,
    rateLimits: config.edge.rateLimits,
    uploadsPath: config.edge.uploadsPath,
    // The config's one body limit is the upload limit; other API paths keep the spec's 1 MiB.
    uploadMaxBodyMb: config.edge.clientMaxBodyMb,
    tlsProtocols: config.edge.tlsProtocols,
    hstsMaxAgeSeconds: config.edge.hstsMaxAgeSeconds,
  };
}

/** Network aliases of the app containers on the Docker edge network, which Nginx proxies to. */
export const DOCKER_UPSTREAM_HOSTS = { frontend: "frontend", backend: "backend" } as const;

/** Nginx as packaged by each Ubuntu release the app hosts may run (the `nginx` package). */
export const UBUNTU_NGINX_VERSIONS: Readonly<Record<"ubuntu-22.04" | "ubuntu-24.04", string>> = {
  "ubuntu-22.04": "1.18.0",
  "ubuntu-24.04": "1.24.0",
};

/** The oldest Nginx the renderer writes for. */
export const MINIMUM_NGINX_VERSION = "1.18";

/**
 * The Nginx version an image runs, read from its tag ("nginx:1.27.4", "nginx:1.27.4-alpine",
 * "registry/nginx:1.27.4@sha256:..."); undefined when the tag names no version.
 */
export function nginxVersionOfImage(image: string): string | undefined {
  const withoutDigest = image.split("@")[0];
  const lastSegment = withoutDigest.split("/").pop() ?? "";
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "";
  const match = /^(\d+\.\d+(?:\.\d+)?)(?:$|[-_])/.exec(tag);
  return match?.[1];
}

/** True when the image's tag names an Nginx version the renderer supports. */
export function isSupportedNginxImage(image: string): boolean {
  const version = nginxVersionOfImage(image);
  return version !== undefined && nginxAtLeast(version, MINIMUM_NGINX_VERSION);
}

function rateLimits(settings: EdgeSiteSettings) {
  const { api, login, uploads } = settings.rateLimits;
  return {
    api: { path: "/api/", ...api },
    login: { path: "/api/auth/login", ...login },
    uploads: { path: settings.uploadsPath, ...uploads },
  };
}

function commonSpec(
  settings: EdgeSiteSettings,
  nginxVersion: string,
  upstreamHosts: { readonly frontend: string; readonly backend: string },
  trustedProxies: readonly string[],
): NginxSiteSpec {
  return defaultSiteSpec(settings.domains, {
    nginxVersion,
    upstreams: {
      frontend: { host: upstreamHosts.frontend, port: settings.frontendPort, keepalive: 64 },
      backend: { host: upstreamHosts.backend, port: settings.backendPort, keepalive: 64 },
    },
    tls: { protocols: settings.tlsProtocols },
    securityHeaders: { hstsMaxAgeSeconds: settings.hstsMaxAgeSeconds },
    rateLimits: rateLimits(settings),
    uploadMaxBodyMb: settings.uploadMaxBodyMb,
    trustedProxies,
  });
}

/** The nginx container's site: upstreams by network alias, version from the image tag. */
export function dockerSiteSpec(settings: EdgeSiteSettings, nginxImage: string): NginxSiteSpec {
  const version = nginxVersionOfImage(nginxImage);
  if (version === undefined || !nginxAtLeast(version, MINIMUM_NGINX_VERSION)) {
    throw new Error(
      `edge.nginxImage must be tagged with its Nginx version, ${MINIMUM_NGINX_VERSION} or later, ` +
        `e.g. "nginx:1.27.4" or "nginx:1.27.4-alpine" (got ${JSON.stringify(nginxImage)})`,
    );
  }
  // Nginx is the edge on Docker: nothing in front of it is trusted for X-Forwarded-For.
  return commonSpec(settings, version, DOCKER_UPSTREAM_HOSTS, []);
}

/** An app host's site: containers on loopback, the VPC (where the ALB lives) trusted. */
export function awsSiteSpec(
  settings: EdgeSiteSettings,
  os: keyof typeof UBUNTU_NGINX_VERSIONS,
  vpcCidr: string,
): NginxSiteSpec {
  const loopback = { frontend: "127.0.0.1", backend: "127.0.0.1" };
  return commonSpec(settings, UBUNTU_NGINX_VERSIONS[os], loopback, [vpcCidr]);
}
