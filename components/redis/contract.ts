// The Redis part's contract (`webstack:data:RedisCluster`): one set of args and outputs, with a
// Docker and an AWS implementation. Values come from the stack config, which validated them and
// applied the defaults named below; the components do not check them again.
import * as pulumi from "@pulumi/pulumi";
import type { Tier } from "../catalog/tiers";

export interface RedisClusterArgs {
  /** Tier whose floors the cache meets (failover, protection, log retention). */
  readonly tier: Tier;
  /** Redis engine version (aws; the Docker image pins its own). @default "7.1" (applied by config) */
  readonly engineVersion: string;
  /** Days snapshots are kept (aws). @default 7 (applied by config) */
  readonly snapshotRetentionDays: number;
}

export interface AwsRedisPlacement {
  /** Prefix of the replication group id and log group, e.g. "webstack-prod". */
  readonly identifierPrefix: string;
  /** ElastiCache node type. */
  readonly nodeType: string;
  /** Shards (node groups); above 1 needs clusterMode. @default 1 (applied by config) */
  readonly shards: number;
  /** Replicas per shard. @default 0 (applied by config) */
  readonly replicasPerShard: number;
  /** Cluster mode enabled. @default false (applied by config) */
  readonly clusterMode: boolean;
  /** Daily snapshot window, UTC. @default "03:00-04:00" (applied by config) */
  readonly snapshotWindow: string;
  /** Weekly maintenance window, UTC. @default "sun:05:00-sun:06:00" (applied by config) */
  readonly maintenanceWindow: string;
  /** Private subnets for the cache subnet group. */
  readonly subnetIds: pulumi.Input<string>[];
  /** Security group admitting 6379 from the app tier only. */
  readonly securityGroupId: pulumi.Input<string>;
}

/** One node group (shard) of the replication group, for per-shard alarms. */
export interface CacheNodeGroupRef {
  /** Node group id, `0001` …; also the suffix naming its alarms. */
  readonly id: string;
  /** `<replication group id>-<node group id>`: what its alarms' `watches` tag names. */
  readonly name: pulumi.Output<string>;
  /** Member cache cluster ids (the CloudWatch `CacheClusterId` dimension). */
  readonly members: pulumi.Output<string>[];
}

export interface DockerRedisPlacement {
  /** Prefix of container, network and volume names, e.g. "webstack-dev". */
  readonly namePrefix: string;
  /** Internal data network the single node joins. */
  readonly networkName: pulumi.Input<string>;
  /** Pinned image. @default "redis:7.2.7" (applied by config) */
  readonly image: string;
  /** Container memory limit, MiB. @default 1024 (applied by config) */
  readonly memoryMb: number;
  /** maxmemory, MiB, below memoryMb. @default 75 % of memoryMb (applied by the renderer) */
  readonly maxmemoryMb?: number;
  /** One node, or six forming a cluster. @default "single" (applied by config) */
  readonly layout: "single" | "cluster";
  /** Fixed subnet of the cluster layout's own network. @default "192.168.254.0/24" (applied by config) */
  readonly clusterSubnet: string;
}

export type AwsRedisClusterArgs = RedisClusterArgs & AwsRedisPlacement;
export type DockerRedisClusterArgs = RedisClusterArgs & DockerRedisPlacement;

export interface RedisClusterOutputs {
  /** Primary endpoint, or the configuration endpoint (a seed node on Docker) in cluster mode. */
  readonly endpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** Whether clients must connect with TLS. */
  readonly tls: pulumi.Output<boolean>;
  /** AUTH token (secret). */
  readonly authToken: pulumi.Output<string>;
  /** Files rendered for the cache, by path under out/<stack>/ (e.g. "redis/redis.conf"). */
  readonly renderedFiles: Readonly<Record<string, pulumi.Output<string>>>;
}
