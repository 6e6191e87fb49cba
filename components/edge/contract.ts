// The edge part's contract (`webstack:edge:Edge`): Nginx with TLS in front of the frontend and
// backend containers; on AWS behind an internet-facing load balancer with an ACM certificate.
import * as pulumi from "@pulumi/pulumi";
import type { Tier } from "../catalog/tiers";

export interface EdgeArgs {
  readonly tier: Tier;
  /** Public hostnames; the first is canonical. */
  readonly domains: readonly string[];
  /** Frontend and backend container images, pinned. */
  readonly frontendImage: string;
  readonly backendImage: string;
  /** @default 3000 */
  readonly frontendPort: number;
  /** @default 3001 */
  readonly backendPort: number;
  /** Per-client limits; excess answered 429. @default api 10 r/s burst 20, login and uploads 1 r/s burst 5 */
  readonly rateLimits: Readonly<
    Record<"api" | "login" | "uploads", { ratePerSecond: number; burst: number }>
  >;
  /** @default "/api/upload" */
  readonly uploadsPath: string;
  /** @default ["TLSv1.2", "TLSv1.3"] */
  readonly tlsProtocols: readonly string[];
  /** @default 31536000 */
  readonly hstsMaxAgeSeconds: number;
}

export interface EdgeOutputs {
  /** https://<first domain> */
  readonly publicUrl: pulumi.Output<string>;
  /** Certificate expiry watched by the alarms: notAfter (self-signed) or the ACM ARN. */
  readonly certificateNotAfter?: pulumi.Output<string>;
  readonly certificateArn?: pulumi.Output<string>;
  /** The rendered nginx.conf that ships. */
  readonly nginxConf: pulumi.Output<string>;
}
