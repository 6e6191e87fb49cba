// ElastiCache for Redis: encryption in transit and at rest, AUTH, failover across AZs, snapshot
// retention, and cluster mode with enough shards where the tier needs it.
import { asNumber, raisableFloor, resourcePolicy } from "./define";
import { switchFloor } from "./tier";

export const REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const TYPES = [REPLICATION_GROUP];

const snapshots = raisableFloor(
  "minimumDays",
  "Fewest days of snapshots per tier; may only raise the floor.",
  (floor) => floor.redisSnapshotRetentionDays,
);
const shards = raisableFloor(
  "minimumShards",
  "Fewest shards per tier; may only raise the floor.",
  (floor) => floor.redisMinShards,
);

export const elasticachePolicies = [
  resourcePolicy(
    {
      name: "webstack-elasticache-encryption",
      description: "Redis encrypts traffic (TLS required, not merely preferred) and data at rest.",
      severity: "critical",
    },
    TYPES,
    ({ props }, report) => {
      if (props.transitEncryptionEnabled !== true) {
        report("Redis must require TLS (transitEncryptionEnabled: true).");
      } else if (props.transitEncryptionMode === "preferred") {
        report('Redis must require TLS (transitEncryptionMode "required", not "preferred").');
      }
      if (props.atRestEncryptionEnabled !== true) {
        report("Redis must encrypt data at rest (atRestEncryptionEnabled: true).");
      }
    },
  ),
  resourcePolicy(
    {
      name: "webstack-elasticache-auth",
      description: "Redis requires an AUTH token (or RBAC user groups) from every client.",
      severity: "critical",
    },
    TYPES,
    ({ props }, report) => {
      const groups = props.userGroupIds;
      const hasGroups = Array.isArray(groups) && groups.length > 0;
      if (!hasGroups && (typeof props.authToken !== "string" || props.authToken.length < 16)) {
        report("Redis must require an AUTH token of at least 16 characters.");
      }
    },
  ),
  resourcePolicy(
    {
      name: "webstack-elasticache-failover",
      description: "Where the tier requires it, Redis fails over automatically to another AZ.",
      severity: "high",
    },
    TYPES,
    ({ props, tier }, report) => {
      if (!switchFloor(tier, (f) => f.redisFailover)) return;
      if (props.automaticFailoverEnabled !== true) {
        report(`Automatic failover must be on in ${tier}.`);
      }
      if (props.multiAzEnabled !== true) report(`Redis must span availability zones in ${tier}.`);
    },
  ),
  resourcePolicy(
    {
      name: "webstack-elasticache-snapshots",
      description: "Redis keeps daily snapshots at least as long as its tier's floor.",
      severity: "high",
      configSchema: snapshots.configSchema,
    },
    TYPES,
    ({ props, tier, args }, report) => {
      const floor = snapshots.floor(args, tier);
      const days = asNumber(props.snapshotRetentionLimit) ?? 0;
      if (days < floor) {
        report(`Snapshot retention is ${days} days; ${tier} requires at least ${floor}.`);
      }
    },
  ),
  resourcePolicy(
    {
      name: "webstack-elasticache-cluster-shards",
      description:
        "Where the tier requires several shards (prod: 3), Redis runs in cluster mode with them.",
      severity: "high",
      configSchema: shards.configSchema,
    },
    TYPES,
    ({ props, tier, args }, report) => {
      const floor = shards.floor(args, tier);
      if (floor <= 1) return;
      const count = asNumber(props.numNodeGroups) ?? 1;
      if (count < floor) report(`Redis has ${count} shards; ${tier} requires at least ${floor}.`);
      if (props.clusterMode !== "enabled") {
        report(`Redis must run in cluster mode in ${tier} (clusterMode "enabled").`);
      }
    },
  ),
];
