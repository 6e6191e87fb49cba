// The Nginx edge: rate limits, TLS protocols and where it listens.
import { z } from "zod";
import { isSupportedNginxImage, MINIMUM_NGINX_VERSION } from "../../edge/stack-site";
import { integer, pattern } from "../fields";

const ALLOWED_TLS = ["TLSv1.2", "TLSv1.3"] as const;
const NGINX_IMAGE_ERROR =
  `must be an image pinned to its Nginx version tag, ${MINIMUM_NGINX_VERSION} or later, ` +
  'e.g. "nginx:1.27.4" or "nginx:1.27.4-alpine" (never "latest", no tag or a bare digest)';

function rateLimit(ratePerSecond: number, burst: number) {
  return z
    .strictObject({
      ratePerSecond: integer(1, 10000)
        .default(ratePerSecond)
        .describe("Sustained requests per second per client."),
      burst: integer(1, 100000)
        .default(burst)
        .describe("Requests above the rate queued before 429."),
    })
    .prefault({});
}

export const edgeSchema = z
  .strictObject({
    rateLimits: z
      .strictObject({
        api: rateLimit(10, 20).describe("/api/ per client."),
        login: rateLimit(1, 5).describe("/api/auth/login per client."),
        uploads: rateLimit(1, 5).describe("Upload path per client."),
      })
      .prefault({})
      .describe("Request rate limits; excess is answered 429."),
    uploadsPath: pattern(/^\/[A-Za-z0-9/_-]*$/, 'an absolute URL path such as "/api/upload"')
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
    hstsMaxAgeSeconds: integer(31536000, 63072000)
      .default(31536000)
      .describe("HSTS max-age; at least one year."),
    certificateValidityDays: integer(30, 397)
      .default(365)
      .describe("Validity of the self-signed server certificate (docker; internal cert on aws)."),
    bindAddress: pattern(
      /^(127\.0\.0\.1|0\.0\.0\.0)$/,
      '"127.0.0.1" (this machine only) or "0.0.0.0" (all interfaces)',
    )
      .default("0.0.0.0")
      .describe("Host address the published 80/443 bind to (docker)."),
    nginxImage: z
      .string({ error: NGINX_IMAGE_ERROR })
      // The renderer writes for the Nginx version the tag names (HTTP/2 syntax changed in 1.25.1),
      // so a tag without a version cannot be rendered for, even when a digest pins it.
      .refine(isSupportedNginxImage, { error: NGINX_IMAGE_ERROR })
      .default("nginx:1.27.4")
      .describe("Nginx container image (docker); its tag names the Nginx version."),
    route53ZoneId: pattern(/^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone id such as Z0123456789ABC")
      .optional()
      .describe("Create the ACM validation records in this hosted zone (aws, optional)."),
  })
  .prefault({})
  .describe("Nginx edge and TLS.");

export type EdgeConfig = z.output<typeof edgeSchema>;
