// Maps a stack's validated config onto the Nginx site spec each target ships: on Docker the
// upstreams are the app containers' network aliases and the Nginx version is the image tag's; on
// AWS the app containers listen on the host's loopback, the ALB's VPC is the trusted proxy and
// the Nginx version is the one the host's Ubuntu release packages. Pure: no Pulumi import.
import {
  MINIMUM_NGINX_VERSION,
  nginxAtLeast,
  nginxVersionOfImage,
  UBUNTU_NGINX_VERSIONS,
} from "../catalog/nginx";
import type { EdgeSiteSettings } from "./contract";
import { defaultSiteSpec, NginxSiteSpec } from "./site-spec";

/** Network aliases of the app containers on the Docker edge network, which Nginx proxies to. */
export const DOCKER_UPSTREAM_HOSTS = { frontend: "frontend", backend: "backend" } as const;

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
