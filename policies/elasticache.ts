// ElastiCache for Redis: encryption in transit and at rest, AUTH, failover across AZs, snapshot
// retention, and cluster mode with enough shards where the tier needs it.
import { raisableFloor, resourcePolicy, switchFloor } from "./define";
import { asNumber, list, Props, REPLICATION_GROUP } from "./stack-reading";

const TYPES = [REPLICATION_GROUP];
/** Replicas per node group: `replicasPerNodeGroup`, else the node count of a single group less its primary. */
const replicas = (props: Props) =>
  asNumber(props.replicasPerNodeGroup) ?? (asNumber(props.numCacheClusters) ?? 1) - 1;

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
    "webstack-elasticache-encryption",
    "critical",
    "Redis encrypts traffic (TLS required, not merely preferred) and data at rest.",
    TYPES,
    ({ props }) => [
      props.transitEncryptionEnabled !== true
        ? "Redis must require TLS (transitEncryptionEnabled: true)."
        : props.transitEncryptionMode === "preferred" &&
          'Redis must require TLS (transitEncryptionMode "required", not "preferred").',
      props.atRestEncryptionEnabled !== true &&
        "Redis must encrypt data at rest (atRestEncryptionEnabled: true).",
    ],
  ),
  resourcePolicy(
    "webstack-elasticache-auth",
    "critical",
    "Redis requires an AUTH token (or RBAC user groups) from every client.",
    TYPES,
    ({ props }) =>
      list(props.userGroupIds).length === 0 &&
      (typeof props.authToken !== "string" || props.authToken.length < 16) &&
      "Redis must require an AUTH token of at least 16 characters.",
  ),
  resourcePolicy(
    "webstack-elasticache-failover",
    "high",
    "Where the tier requires it, Redis fails over automatically to a replica in another AZ.",
    TYPES,
    ({ props, tier }) =>
      switchFloor(tier, (f) => f.redisFailover) && [
        props.automaticFailoverEnabled !== true && `Automatic failover must be on in ${tier}.`,
        props.multiAzEnabled !== true && `Redis must span availability zones in ${tier}.`,
        replicas(props) < 1 &&
          `Redis must keep at least 1 replica per node group in ${tier} to fail over to; it has ${replicas(props)}.`,
      ],
  ),
  resourcePolicy(
    "webstack-elasticache-snapshots",
    "high",
    "Redis keeps daily snapshots at least as long as its tier's floor.",
    TYPES,
    ({ props, tier, args }) => {
      const floor = snapshots.floor(args, tier);
      const days = asNumber(props.snapshotRetentionLimit) ?? 0;
      return (
        days < floor && `Snapshot retention is ${days} days; ${tier} requires at least ${floor}.`
      );
    },
    snapshots.configSchema,
  ),
  resourcePolicy(
    "webstack-elasticache-cluster-shards",
    "high",
    "Where the tier requires several shards (prod: 3), Redis runs in cluster mode with them.",
    TYPES,
    ({ props, tier, args }) => {
      const floor = shards.floor(args, tier);
      const count = asNumber(props.numNodeGroups) ?? 1;
      return (
        floor > 1 && [
          count < floor && `Redis has ${count} shards; ${tier} requires at least ${floor}.`,
          props.clusterMode !== "enabled" &&
            `Redis must run in cluster mode in ${tier} (clusterMode "enabled").`,
        ]
      );
    },
    shards.configSchema,
  ),
];
