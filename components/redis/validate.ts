// Checks a RedisCluster's args before any child exists, naming the field, the value and what is
// allowed. The stack config refuses most of these already; components can be built from other code.
import { ELASTICACHE_NODE_TYPES } from "../catalog/instance-sizes";
import { TIER_FLOORS } from "../catalog/tiers";
import { DAILY_WINDOW, dailyOverlapsWeekly, WEEKLY_WINDOW } from "../config/windows";
import type { AwsRedisClusterArgs, DockerRedisClusterArgs, RedisClusterArgs } from "./contract";
import { elasticacheParameterGroupFamily } from "./elasticache-parameters";

/** ElastiCache replication group ids: at most 40 characters. */
const REPLICATION_GROUP_ID_MAX = 40;
const PREFIX = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const DOCKER_PREFIX = /^[a-z0-9][a-z0-9_.-]*$/;
/**
 * Smallest subnet the cluster layout fits: a /27's hosts are .1–.30, and every fixed address it
 * hands out is in .10–.28 (nodes .10–.15, create job .20, backup job .21, redis_exporters
 * .22–.27, the app's backend .28; the host numbers live in ./docker.ts, and a unit test keeps
 * them under .30).
 */
export const CLUSTER_SUBNET_MAX_PREFIX = 27;

function refuse(name: string, field: string, value: unknown, allowed: string): never {
  throw new Error(`${name}: ${field} ${JSON.stringify(value)} is not allowed: ${allowed}`);
}

function integerIn(name: string, field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    refuse(name, field, value, `use an integer from ${min} to ${max}`);
  }
}

function validateCommon(name: string, args: RedisClusterArgs): void {
  if (!TIER_FLOORS[args.tier]) refuse(name, "tier", args.tier, "use dev, test, staging or prod");
}

export function replicationGroupId(prefix: string): string {
  return `${prefix}-redis`;
}

export function validateAwsRedisArgs(name: string, args: AwsRedisClusterArgs): void {
  validateCommon(name, args);
  const floor = TIER_FLOORS[args.tier];
  const id = replicationGroupId(args.identifierPrefix);
  if (!PREFIX.test(args.identifierPrefix) || id.length > REPLICATION_GROUP_ID_MAX) {
    refuse(
      name,
      "identifierPrefix",
      args.identifierPrefix,
      `use lower-case letters, digits and single hyphens, starting with a letter, at most ${REPLICATION_GROUP_ID_MAX - (id.length - args.identifierPrefix.length)} characters`,
    );
  }
  if (!(args.nodeType in ELASTICACHE_NODE_TYPES)) {
    refuse(
      name,
      "nodeType",
      args.nodeType,
      `use one of ${Object.keys(ELASTICACHE_NODE_TYPES).join(", ")}`,
    );
  }
  integerIn(name, "shards", args.shards, 1, 10);
  integerIn(name, "replicasPerShard", args.replicasPerShard, 0, 5);
  if (args.shards > 1 && !args.clusterMode) {
    refuse(name, "shards", args.shards, "more than 1 shard needs clusterMode");
  }
  if (args.shards < floor.redisMinShards) {
    refuse(name, "shards", args.shards, `${args.tier} needs at least ${floor.redisMinShards}`);
  }
  if (floor.redisFailover && args.replicasPerShard < 1) {
    refuse(
      name,
      "replicasPerShard",
      args.replicasPerShard,
      `${args.tier} needs automatic failover, so at least 1`,
    );
  }
  integerIn(name, "snapshotRetentionDays", args.snapshotRetentionDays, 0, 35);
  if (args.snapshotRetentionDays < floor.redisSnapshotRetentionDays) {
    refuse(
      name,
      "snapshotRetentionDays",
      args.snapshotRetentionDays,
      `${args.tier} needs at least ${floor.redisSnapshotRetentionDays}`,
    );
  }
  if (!DAILY_WINDOW.test(args.snapshotWindow)) {
    refuse(name, "snapshotWindow", args.snapshotWindow, 'use "hh:mm-hh:mm" (UTC)');
  }
  if (!WEEKLY_WINDOW.test(args.maintenanceWindow)) {
    refuse(name, "maintenanceWindow", args.maintenanceWindow, 'use "ddd:hh:mm-ddd:hh:mm" (UTC)');
  }
  if (dailyOverlapsWeekly(args.snapshotWindow, args.maintenanceWindow)) {
    refuse(
      name,
      "snapshotWindow",
      args.snapshotWindow,
      `it overlaps maintenanceWindow ${args.maintenanceWindow}`,
    );
  }
  elasticacheParameterGroupFamily(args.engineVersion);
  if (args.subnetIds.length < 2) {
    refuse(name, "subnetIds", args.subnetIds.length, "ElastiCache needs subnets in at least 2 AZs");
  }
}

/** The network address of an IPv4 CIDR block as a number, or undefined when it is not one. */
export function cidrBase(cidr: string): { base: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((n, o) => n * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: address - (address % size), prefix };
}

/** Whether text is a dotted-quad IPv4 address (what Docker's `ipv4Address` takes). */
export function isIpv4(text: string): boolean {
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  return octets !== null && octets.slice(1).every((o) => Number(o) <= 255);
}

export function ipv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export function validateDockerRedisArgs(name: string, args: DockerRedisClusterArgs): void {
  validateCommon(name, args);
  if (!DOCKER_PREFIX.test(args.namePrefix)) {
    refuse(name, "namePrefix", args.namePrefix, "use lower-case letters, digits, '_', '.', '-'");
  }
  integerIn(name, "memoryMb", args.memoryMb, 64, 262144);
  if (args.maxmemoryMb !== undefined) {
    integerIn(name, "maxmemoryMb", args.maxmemoryMb, 16, 262144);
    if (args.maxmemoryMb >= args.memoryMb) {
      refuse(
        name,
        "maxmemoryMb",
        args.maxmemoryMb,
        `use less than memoryMb (${args.memoryMb}): Redis needs headroom to fork`,
      );
    }
  }
  if (args.layout !== "single" && args.layout !== "cluster") {
    refuse(name, "layout", args.layout, 'use "single" or "cluster"');
  }
  const subnet = cidrBase(args.clusterSubnet);
  if (!subnet || subnet.prefix < 16 || subnet.prefix > CLUSTER_SUBNET_MAX_PREFIX) {
    refuse(
      name,
      "clusterSubnet",
      args.clusterSubnet,
      `use an IPv4 CIDR block from /16 to /${CLUSTER_SUBNET_MAX_PREFIX}`,
    );
  }
}
