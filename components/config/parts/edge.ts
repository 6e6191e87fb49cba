// The Nginx edge: rate limits, TLS protocols and where it listens.
import { z } from "zod";
import {
  ALLOWED_TLS_PROTOCOLS as ALLOWED_TLS,
  DEFAULT_RATE_LIMITS,
  isSupportedNginxImage,
  MAX_BURST,
  MAX_RATE_PER_SECOND,
  MINIMUM_NGINX_VERSION,
  ONE_YEAR_SECONDS,
  RateLimitZone,
  SITE_PATHS,
} from "../../catalog/nginx";
import { integer, pattern, section } from "../fields";

const NGINX_IMAGE_ERROR =
  `must be an image pinned to its Nginx version tag, ${MINIMUM_NGINX_VERSION} or later, ` +
  'e.g. "nginx:1.27.4" or "nginx:1.27.4-alpine" (never "latest", no tag or a bare digest)';

const ROUTED_PATHS = Object.values(SITE_PATHS).map((path) => `"${path}"`);

function rateLimit(zone: RateLimitZone) {
  return z
    .strictObject({
      // The policy pack refuses a faster zone, so the stack file may not ask for one.
      ratePerSecond: integer(1, MAX_RATE_PER_SECOND[zone])
        .default(DEFAULT_RATE_LIMITS[zone].ratePerSecond)
        .describe("Sustained requests per second per client."),
      burst: integer(1, MAX_BURST)
        .default(DEFAULT_RATE_LIMITS[zone].burst)
        .describe("Requests above the rate queued before 429."),
    })
    .prefault({});
}

const common = {
  rateLimits: z
    .strictObject({
      api: rateLimit("api").describe("/api/ per client."),
      login: rateLimit("login").describe("/api/auth/login per client."),
      uploads: rateLimit("uploads").describe("Upload path per client."),
    })
    .prefault({})
    .describe("Request rate limits; excess is answered 429."),
  uploadsPath: pattern(/^\/[A-Za-z0-9/_-]*$/, 'an absolute URL path such as "/api/upload"')
    // Nginx refuses a second location for a path the site routes already.
    .refine((path) => !(Object.values(SITE_PATHS) as string[]).includes(path), {
      error: `must be a path the site does not route already (not ${ROUTED_PATHS.join(", ")})`,
    })
    .default("/api/upload")
    .describe("URL path prefix of uploads (rate-limited separately)."),
  clientMaxBodyMb: integer(1, 1024).default(20).describe("Largest request body, MiB."),
  tlsProtocols: z
    .array(z.string(), { error: 'must be a list such as ["TLSv1.2", "TLSv1.3"]' })
    .min(1, { error: "must list at least one protocol" })
    .refine((list) => list.every((p) => (ALLOWED_TLS as readonly string[]).includes(p)), {
      error: 'must list only "TLSv1.2" and "TLSv1.3" (older protocols are refused)',
    })
    .default([...ALLOWED_TLS])
    .describe("TLS protocols Nginx accepts; nothing below TLSv1.2."),
  hstsMaxAgeSeconds: integer(ONE_YEAR_SECONDS, 2 * ONE_YEAR_SECONDS)
    .default(ONE_YEAR_SECONDS)
    .describe("HSTS max-age; at least one year."),
  certificateValidityDays: integer(30, 397)
    .default(365)
    .describe("Validity of the certificate Nginx serves (self-signed on docker, internal on aws)."),
};

export const edgeSchema = {
  docker: section(
    {
      ...common,
      bindAddress: pattern(
        /^(127\.0\.0\.1|0\.0\.0\.0)$/,
        '"127.0.0.1" (this machine only) or "0.0.0.0" (all interfaces)',
      )
        .default("0.0.0.0")
        .describe("Host address the published 80/443 bind to."),
      nginxImage: z
        .string({ error: NGINX_IMAGE_ERROR })
        // The renderer writes for the Nginx version the tag names (HTTP/2 syntax changed in
        // 1.25.1), so a tag without a version cannot be rendered for, even when a digest pins it.
        .refine(isSupportedNginxImage, { error: NGINX_IMAGE_ERROR })
        .default("nginx:1.27.4")
        .describe("Nginx container image; its tag names the Nginx version."),
    },
    "Nginx edge and TLS.",
  ),
  aws: section(
    {
      ...common,
      route53ZoneId: pattern(
        /^Z[A-Z0-9]{1,31}$/,
        "a Route 53 hosted zone id such as Z0123456789ABC",
      )
        .optional()
        .describe(
          "Hosted zone of the domains: ACM validation and alias records to the load balancer go here (optional).",
        ),
    },
    "Nginx edge and TLS behind the load balancer.",
  ),
};
