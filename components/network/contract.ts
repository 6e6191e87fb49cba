// The network part's contract: what the Environment passes in and what every other part gets.
import * as pulumi from "@pulumi/pulumi";

/** AWS network: a VPC across AZs with a security group per tier. */
export interface AwsNetworkArgs {
  /** VPC range. @default "10.20.0.0/16" (applied by config) */
  readonly vpcCidr: string;
  /** Number of AZs. @default 2 (applied by config) */
  readonly availabilityZones: number;
  /** One NAT gateway in total, or one per AZ. @default "single" (applied by config) */
  readonly natGateways: "single" | "perAz";
}

export interface AwsNetworkOutputs {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  /** Internet-facing load balancer: 80/443 from anywhere. */
  readonly loadBalancerSecurityGroupId: pulumi.Output<string>;
  /** App hosts: the app port from the load balancer only. */
  readonly appSecurityGroupId: pulumi.Output<string>;
  /** MySQL: 3306 from the app hosts only. */
  readonly databaseSecurityGroupId: pulumi.Output<string>;
  /** Redis: 6379 from the app hosts only. */
  readonly cacheSecurityGroupId: pulumi.Output<string>;
}

/** Docker networks, named after the project and stack so stacks can share one Docker host. */
export interface DockerNetworkArgs {
  /** Prefix of every physical name, e.g. "webstack-dev". */
  readonly namePrefix: string;
}

export interface DockerNetworkOutputs {
  /** Internal network (no route outside the host) for MySQL, Redis and the backup job. */
  readonly dataNetworkName: pulumi.Output<string>;
  /** Network where Nginx meets the app containers; Nginx publishes 80/443 from here. */
  readonly edgeNetworkName: pulumi.Output<string>;
}
