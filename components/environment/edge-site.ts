// What the edge site serves, from the stack config: the domains, the app's ports and the edge
// section (rate limits, uploads path and body limit, TLS protocols, HSTS).
import type { EdgeSiteSettings } from "../edge/contract";

/** The slice of the stack config the edge site is built from. */
export interface EdgeSiteConfig {
  readonly domains: readonly string[];
  readonly app: Pick<EdgeSiteSettings, "frontendPort" | "backendPort">;
  readonly edge: Pick<
    EdgeSiteSettings,
    "rateLimits" | "uploadsPath" | "tlsProtocols" | "hstsMaxAgeSeconds"
  > & { readonly clientMaxBodyMb: number };
}

export function siteSettingsFromConfig(config: EdgeSiteConfig): EdgeSiteSettings {
  return {
    domains: config.domains,
    frontendPort: config.app.frontendPort,
    backendPort: config.app.backendPort,
    rateLimits: config.edge.rateLimits,
    uploadsPath: config.edge.uploadsPath,
    // The config's one body limit is the upload limit; other paths keep Nginx's 1 MiB.
    uploadMaxBodyMb: config.edge.clientMaxBodyMb,
    tlsProtocols: config.edge.tlsProtocols,
    hstsMaxAgeSeconds: config.edge.hstsMaxAgeSeconds,
  };
}
