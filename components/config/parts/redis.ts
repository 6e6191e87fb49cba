// Redis: single node, replication group or cluster mode, with its size and snapshots.
import { ELASTICACHE_NODE_TYPES } from "../../catalog/instance-sizes";
import {
  boolean,
  catalogKey,
  integer,
  ipv4Cidr,
  oneOf,
  pattern,
  pinnedImage,
  section,
} from "../fields";
import { DAILY_WINDOW, WEEKLY_WINDOW } from "../windows";

const common = {
  engineVersion: pattern(/^[4-7]\.\d(\.\d{1,2})?$/, 'a Redis version such as "7.1"')
    .default("7.1")
    .describe("Redis engine version; a line past end of standard support is refused."),
  snapshotRetentionDays: integer(0, 35).default(7).describe("Days snapshots are kept."),
};

export const redisSchema = {
  docker: section(
    {
      ...common,
      memoryMb: integer(64, 262144)
        .default(1024)
        .describe("Memory limit of each Redis container, MiB."),
      maxmemoryMb: integer(16, 262144)
        .optional()
        .describe(
          "Redis maxmemory, MiB; below memoryMb. Default: 75 % of memoryMb, leaving room for fork and buffers.",
        ),
      layout: oneOf(["single", "cluster"])
        .default("single")
        .describe("single node, or a 6-node cluster for prod parity on a laptop."),
      clusterSubnet: ipv4Cidr(16, 27)
        .default("192.168.254.0/24")
        .describe(
          "Fixed subnet of the cluster layout's own network, so nodes keep their addresses (one per stack).",
        ),
      image: pinnedImage().default("redis:7.2.7").describe("Redis container image."),
    },
    "Redis as containers.",
  ),
  aws: section(
    {
      ...common,
      nodeType: catalogKey("ElastiCache node type", ELASTICACHE_NODE_TYPES).describe(
        "ElastiCache node type.",
      ),
      shards: integer(1, 10)
        .default(1)
        .describe("Shards (node groups); above 1 needs clusterMode."),
      replicasPerShard: integer(0, 5).default(0).describe("Replicas in each shard."),
      clusterMode: boolean().default(false).describe("Redis cluster mode."),
      snapshotWindow: pattern(DAILY_WINDOW, 'a daily UTC window "hh:mm-hh:mm", e.g. "03:00-04:00"')
        .default("03:00-04:00")
        .describe("Daily snapshot window, UTC; must not overlap maintenanceWindow."),
      maintenanceWindow: pattern(
        WEEKLY_WINDOW,
        'a weekly UTC window "ddd:hh:mm-ddd:hh:mm", e.g. "sun:05:00-sun:06:00"',
      )
        .default("sun:05:00-sun:06:00")
        .describe("Weekly maintenance window, UTC."),
    },
    "Redis on ElastiCache.",
  ),
};
