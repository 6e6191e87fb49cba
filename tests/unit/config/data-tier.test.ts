// The data tier's bad input, each refused by config validation with one exact message naming the
// file, the key, what is allowed and the value found — before the program registers anything
// (tests/program/data-tier.test.ts proves that part).
import { ConfigError, parseStackConfig } from "../../../components/config";
import {
  ELASTICACHE_NODE_TYPES,
  RDS_INSTANCE_CLASSES,
} from "../../../components/catalog/instance-sizes";
import { configObject, stackConfig, withConfig } from "../../support/program";

const TODAY = "2026-11-22";

function problemsFor(stack: string, key: string, patch: Record<string, unknown>): string[] {
  const base = stackConfig(stack);
  const config = withConfig(base, {
    [`webstack:${key}`]: { ...configObject(base, `webstack:${key}`), ...patch },
  });
  try {
    parseStackConfig(
      { project: "webstack", stack, values: config.values, secretKeys: new Set() },
      TODAY,
    );
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

const rdsClasses = Object.keys(RDS_INSTANCE_CLASSES).join(", ");
const nodeTypes = Object.keys(ELASTICACHE_NODE_TYPES).join(", ");

test.each([
  [
    "replicas above 5",
    "prod",
    "mysql",
    { replicas: 6 },
    "Pulumi.prod.yaml: webstack:mysql.replicas must be an integer from 0 to 5 (got 6)",
  ],
  [
    "no shard at all",
    "prod",
    "redis",
    { shards: 0 },
    "Pulumi.prod.yaml: webstack:redis.shards must be an integer from 1 to 10 (got 0)",
  ],
  [
    "replicas per shard above 5",
    "staging",
    "redis",
    { replicasPerShard: 6 },
    "Pulumi.staging.yaml: webstack:redis.replicasPerShard must be an integer from 0 to 5 (got 6)",
  ],
  [
    "an unknown instance class",
    "staging",
    "mysql",
    { instanceClass: "db.m5.large" },
    `Pulumi.staging.yaml: webstack:mysql.instanceClass must be a known RDS instance class (one of ${rdsClasses}) (got "db.m5.large")`,
  ],
  [
    "an unknown node type",
    "prod",
    "redis",
    { nodeType: "cache.m5.large" },
    `Pulumi.prod.yaml: webstack:redis.nodeType must be a known ElastiCache node type (one of ${nodeTypes}) (got "cache.m5.large")`,
  ],
  [
    "maxmemory equal to the node (no headroom left)",
    "test",
    "redis",
    { memoryMb: 1024, maxmemoryMb: 1024 },
    "Pulumi.test.yaml: webstack:redis.maxmemoryMb must be below redis.memoryMb (1024): Redis needs headroom to fork for snapshots (got 1024)",
  ],
  [
    "a snapshot window overlapping maintenance",
    "staging",
    "redis",
    { snapshotWindow: "05:30-06:30" },
    'Pulumi.staging.yaml: webstack:redis.snapshotWindow must not overlap redis.maintenanceWindow (sun:05:00-sun:06:00) (got "05:30-06:30")',
  ],
  [
    "a backup window ending inside maintenance",
    "staging",
    "mysql",
    { backupWindow: "03:30-04:30" },
    'Pulumi.staging.yaml: webstack:mysql.backupWindow must not overlap mysql.maintenanceWindow (sun:04:00-sun:05:00) (got "03:30-04:30")',
  ],
  [
    "a parameter that would break replication",
    "test",
    "mysql",
    { parameters: { max_connections: 500, server_id: 1 } },
    "Pulumi.test.yaml: webstack:mysql.parameters.server_id must be left to webstack, which sets it for replication, file paths or durability (got 1)",
  ],
  [
    "a cluster subnet too small for six nodes and the create job",
    "dev",
    "redis",
    { clusterSubnet: "192.168.254.0/28" },
    'Pulumi.dev.yaml: webstack:redis.clusterSubnet must be an IPv4 CIDR block with a prefix from /16 to /27 (e.g. 10.20.0.0/16) (got "192.168.254.0/28")',
  ],
  [
    "a Docker-only key on AWS",
    "prod",
    "redis",
    { clusterSubnet: "192.168.254.0/24" },
    `Pulumi.prod.yaml: webstack:redis.clusterSubnet applies only to target "docker" (this stack's target is "aws") (got "192.168.254.0/24")`,
  ],
])("%s", (_what, stack, key, patch, expected) => {
  expect(problemsFor(stack, key, patch)).toEqual([expected]);
});

test("a harmless parameter override and a custom cluster subnet are accepted", () => {
  expect(problemsFor("test", "mysql", { parameters: { max_connections: 500 } })).toEqual([]);
  expect(problemsFor("dev", "redis", { layout: "cluster", clusterSubnet: "10.99.0.0/24" })).toEqual(
    [],
  );
});
