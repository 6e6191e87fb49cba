// The Redis part's contract (`webstack:data:RedisCluster`): one set of args and outputs, with a
// Docker and an AWS implementation.
import * as pulumi from "@pulumi/pulumi";
import type { Tier } from "../catalog/tiers";

export interface RedisClusterArgs {
  readonly tier: Tier;
  /** Redis engine version. @default "7.1" */
  readonly engineVersion: string;
  /** Days snapshots are kept. @default 7 */
  readonly snapshotRetentionDays: number;
}

export interface AwsRedisPlacement {
  /** ElastiCache node type. */
  readonly nodeType: string;
  /** Shards (node groups). @default 1 */
  readonly shards: number;
  /** Replicas per shard. @default 0 */
  readonly replicasPerShard: number;
  /** Cluster mode enabled. @default false */
  readonly clusterMode: boolean;
  /** Daily snapshot window, UTC. @default "03:00-04:00" */
  readonly snapshotWindow: string;
  /** Weekly maintenance window, UTC. @default "sun:05:00-sun:06:00" */
  readonly maintenanceWindow: string;
  readonly subnetIds: pulumi.Input<string>[];
  /** Security group admitting 6379 from the app tier only. */
  readonly securityGroupId: pulumi.Input<string>;
}

export interface DockerRedisPlacement {
  readonly namePrefix: string;
  readonly networkName: pulumi.Input<string>;
  /** Pinned image. @default "redis:7.2.7" */
  readonly image: string;
  /** Container memory limit, MiB. @default 1024 */
  readonly memoryMb: number;
  /** maxmemory, MiB. @default 75 % of memoryMb */
  readonly maxmemoryMb?: number;
  /** One node, or six forming a cluster. @default "single" */
  readonly layout: "single" | "cluster";
}

export interface RedisClusterOutputs {
  /** Primary endpoint, or the configuration endpoint in cluster mode. */
  readonly endpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** Whether clients must connect with TLS. */
  readonly tls: pulumi.Output<boolean>;
  /** AUTH token (secret). */
  readonly authToken: pulumi.Output<string>;
}
