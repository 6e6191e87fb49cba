// The edge part's contract: Nginx with TLS in front of the frontend and backend containers —
// `webstack:edge:DockerEdge` on one Docker engine, `webstack:edge:AwsEdge` behind an
// internet-facing load balancer with an ACM certificate. One set of args, two placements.
// Defaults are the stack config's (components/config/parts/edge.ts, app.ts); the components apply
// none of their own unless a field says so.
import * as pulumi from "@pulumi/pulumi";
import type { RateLimitZone } from "../catalog/nginx";
import type { Tier } from "../catalog/tiers";

/** What the site serves, independent of where it runs. */
export interface EdgeSiteSettings {
  /** Public hostnames; the first is canonical. */
  readonly domains: readonly string[];
  readonly frontendPort: number;
  readonly backendPort: number;
  /** Requests per second and burst per client address, per zone. */
  readonly rateLimits: Readonly<Record<RateLimitZone, { ratePerSecond: number; burst: number }>>;
  /** URL prefix of uploads, rate-limited on its own. */
  readonly uploadsPath: string;
  /** Largest upload body, MiB. */
  readonly uploadMaxBodyMb: number;
  readonly tlsProtocols: readonly string[];
  readonly hstsMaxAgeSeconds: number;
}

/** Settings the backend container receives; the data tier's outputs fill them in. */
export interface BackendSettings {
  /**
   * Plain settings (hosts, ports, names) as environment variables. Names are upper-case and
   * must not look like secrets (PASSWORD, TOKEN, SECRET, AUTH, KEY).
   * @default {}
   */
  readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Secrets (passwords, tokens) as files: `NAME` becomes the file `/run/secrets/<name>` and the
   * variable `NAME_FILE` pointing at it; the value never appears in an environment variable.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
}

export interface EdgeArgs {
  /** Tier whose floors the edge meets (deletion protection, log retention). */
  readonly tier: Tier;
  /** Prefix of every physical name (containers, parameters), e.g. "webstack-dev". */
  readonly namePrefix: string;
  /** What the site serves: domains, upstream ports, limits, TLS protocols, HSTS. */
  readonly site: EdgeSiteSettings;
  /** Pinned app images. */
  readonly frontendImage: string;
  readonly backendImage: string;
  /** Validity of the server certificate Nginx serves, days. */
  readonly certificateValidityDays: number;
  /** Database and cache connection settings for the backend. @default none (applied here) */
  readonly backend?: BackendSettings;
}

/** Where the Docker implementation runs its containers. */
export interface DockerEdgePlacement {
  /** Pinned Nginx image; its tag names the Nginx version. */
  readonly nginxImage: string;
  /** Host address 80/443 are published on. */
  readonly bindAddress: string;
  /** Network where Nginx meets the app containers. */
  readonly edgeNetworkName: pulumi.Input<string>;
  /** Internal network of MySQL and Redis; the backend joins it too. */
  readonly dataNetworkName: pulumi.Input<string>;
  /**
   * Named volume of uploaded files, mounted into the backend at UPLOADS_PATH (its path reaches the
   * backend as UPLOADS_DIR); the backup job reads the same volume. @default none (applied here)
   */
  readonly uploadsVolumeName?: pulumi.Input<string>;
  /**
   * The Redis cluster network the backend joins too, at a fixed address
   * (`DockerRedisCluster.networkName` and `.backendAddress`): the nodes redirect clients to their
   * addresses there, and a dynamic address could be a stopped node's, which could then not start.
   * Only with `redis.layout: cluster`; the single node is on `dataNetworkName` already.
   * @default none (applied here: Redis is reached on the data network)
   */
  readonly redisNetwork?: { readonly name: pulumi.Input<string>; readonly address: string };
}

/** Where the AWS implementation places the load balancer and the app hosts. */
export interface AwsEdgePlacement {
  readonly vpcId: pulumi.Input<string>;
  /** VPC range: the load balancer's addresses, trusted for X-Forwarded-For. */
  readonly vpcCidr: string;
  /** The load balancer goes here. */
  readonly publicSubnetIds: pulumi.Input<string>[];
  /** The app hosts go here. */
  readonly privateSubnetIds: pulumi.Input<string>[];
  /** The network's load-balancer group: 80/443 from anywhere. */
  readonly loadBalancerSecurityGroupId: pulumi.Input<string>;
  /** The network's app group: 443 from the load balancer only. */
  readonly appSecurityGroupId: pulumi.Input<string>;
  /** Number of app hosts. */
  readonly hosts: number;
  /** EC2 instance type of the app hosts (x86_64). */
  readonly instanceType: string;
  /** Root volume, GiB (gp3, encrypted). */
  readonly diskGb: number;
  /** App host operating system. */
  readonly os: "ubuntu-22.04" | "ubuntu-24.04";
  /** Create the ACM validation records in this Route 53 zone. @default none (records are outputs) */
  readonly route53ZoneId?: string;
  /**
   * The uploads bucket (components/storage/aws.ts): the app hosts' role may list it and read,
   * write and delete its objects, and the backend is told its name (`UPLOADS_BUCKET`) and region
   * (`AWS_REGION`). No default: uploads on the hosts' disks would never be backed up.
   */
  readonly uploadsBucket: {
    readonly bucketName: pulumi.Input<string>;
    readonly bucketArn: pulumi.Input<string>;
    readonly region: pulumi.Input<string>;
  };
}

/** One DNS record (name, type, value) ACM needs to see for a domain before it issues. */
export type ValidationRecord = Readonly<Record<"domain" | "name" | "type" | "value", string>>;

export interface EdgeOutputs {
  /** When the certificate Nginx serves stops being valid (RFC 3339); watched by the alarms. */
  readonly certificateNotAfter: pulumi.Output<string>;
  /** The rendered nginx.conf that ships. */
  readonly nginxConf: pulumi.Output<string>;
}
