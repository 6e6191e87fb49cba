// `webstack:data:RedisCluster` on AWS: an ElastiCache for Redis replication group in the private
// subnets behind the cache security group — one shard with replicas, or cluster mode with several
// shards — with TLS required, encryption at rest, a generated AUTH token, automatic failover
// across AZs whenever a replica exists, daily snapshots and the slow log shipped to CloudWatch.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
// One module per resource: the elasticache/cloudwatch barrels would double type-check time.
import { LogGroup } from "@pulumi/aws/cloudwatch/logGroup";
import { ParameterGroup } from "@pulumi/aws/elasticache/parameterGroup";
import { ReplicationGroup } from "@pulumi/aws/elasticache/replicationGroup";
import { SubnetGroup } from "@pulumi/aws/elasticache/subnetGroup";
import { TIER_FLOORS } from "../catalog/tiers";
import { generatedPassword } from "../passwords";
import { AwsRedisClusterArgs, CacheNodeGroupRef, RedisClusterOutputs } from "./contract";
import { DEFAULT_REDIS_PORT, SLOWLOG_MAX_LEN, SLOWLOG_MICROS } from "./redis-conf";

/** Parameter-group family for an engine version: "7.1" → "redis7", "6.2" → "redis6.x". */
export function elasticacheParameterGroupFamily(engineVersion: string): string {
  const major = Number(engineVersion.split(".")[0]);
  return major >= 7 ? `redis${major}` : major === 6 ? "redis6.x" : `redis${major}.0`;
}

/**
 * What webstack renders into redis.conf on Docker, for ElastiCache: allkeys-lru eviction, the
 * same slow log, and cluster mode where it is used. ElastiCache owns persistence, AUTH and the
 * memory reservation (25 %, like the Docker headroom).
 */
export function elasticacheParameters(spec: { readonly clusterMode: boolean }) {
  return [
    ...(spec.clusterMode ? [{ name: "cluster-enabled", value: "yes" }] : []),
    { name: "maxmemory-policy", value: "allkeys-lru" },
    { name: "slowlog-log-slower-than", value: String(SLOWLOG_MICROS) },
    { name: "slowlog-max-len", value: String(SLOWLOG_MAX_LEN) },
  ];
}

/**
 * The node groups (shards) and their members' cache cluster ids, as ElastiCache names them:
 * per-node CloudWatch metrics (the CacheClusterId dimension) are the only way to alarm on a
 * shard, and the provider reports members as one flat list. Cluster mode names members
 * `<group>-<shard 4 digits>-<node 3 digits>`; without it `<group>-<node 3 digits>`, its single
 * node group being `0001`.
 */
export function cacheNodeGroups(
  replicationGroupId: string,
  shards: number,
  replicasPerShard: number,
  clusterMode: boolean,
): { id: string; members: string[] }[] {
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  return Array.from({ length: shards }, (_, g) => {
    const id = pad(g + 1, 4);
    const stem = clusterMode ? `${replicationGroupId}-${id}` : replicationGroupId;
    return {
      id,
      members: Array.from({ length: replicasPerShard + 1 }, (_, m) => `${stem}-${pad(m + 1, 3)}`),
    };
  });
}

export class AwsRedisCluster extends pulumi.ComponentResource implements RedisClusterOutputs {
  readonly endpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly tls: pulumi.Output<boolean>;
  readonly authToken: pulumi.Output<string>;
  readonly renderedFiles: Readonly<Record<string, pulumi.Output<string>>>;
  /** Node groups (shards) and their member cache cluster ids, for per-shard alarms. */
  readonly nodeGroups: readonly CacheNodeGroupRef[];

  constructor(name: string, args: AwsRedisClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:data:RedisCluster", name, {}, opts);
    const parent = { parent: this };
    const floor = TIER_FLOORS[args.tier];
    const id = `${args.identifierPrefix}-redis`;
    const hasReplica = args.replicasPerShard > 0;

    const parameters = elasticacheParameters({ clusterMode: args.clusterMode });
    const parameterGroup = new ParameterGroup(
      `${name}-params`,
      {
        family: elasticacheParameterGroupFamily(args.engineVersion),
        description: `webstack Redis settings for ${args.identifierPrefix}`,
        parameters: parameters.map((p) => ({ ...p })),
      },
      parent,
    );
    const subnetGroup = new SubnetGroup(
      `${name}-subnets`,
      {
        subnetIds: args.subnetIds,
        description: `Private subnets of ${args.identifierPrefix} Redis`,
      },
      parent,
    );
    const slowLog = new LogGroup(
      `${name}-slow-log`,
      { name: `/webstack/${id}/slow-log`, retentionInDays: floor.logRetentionDays },
      parent,
    );

    const authToken = generatedPassword(`${name}-auth-token`, "redis", parent);
    const snapshotSuffix = new random.RandomId(
      `${name}-final-snapshot-suffix`,
      { byteLength: 4, keepers: { replicationGroupId: id } },
      parent,
    );
    const group = new ReplicationGroup(
      `${name}-group`,
      {
        replicationGroupId: id,
        description: `webstack Redis for ${args.identifierPrefix}`,
        engine: "redis",
        engineVersion: args.engineVersion,
        nodeType: args.nodeType,
        port: DEFAULT_REDIS_PORT,
        parameterGroupName: parameterGroup.name,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [args.securityGroupId],
        clusterMode: args.clusterMode ? "enabled" : "disabled",
        numNodeGroups: args.shards,
        replicasPerNodeGroup: args.replicasPerShard,
        // Cluster mode always fails over; otherwise failover needs a replica to promote.
        automaticFailoverEnabled: args.clusterMode || hasReplica,
        multiAzEnabled: hasReplica,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        atRestEncryptionEnabled: true,
        authToken: pulumi.secret(authToken.result),
        snapshotRetentionLimit: args.snapshotRetentionDays,
        snapshotWindow: args.snapshotWindow,
        maintenanceWindow: args.maintenanceWindow,
        autoMinorVersionUpgrade: true,
        finalSnapshotIdentifier: pulumi.interpolate`${id}-final-${snapshotSuffix.hex}`,
        logDeliveryConfigurations: [
          {
            destination: slowLog.name,
            destinationType: "cloudwatch-logs",
            logFormat: "json",
            logType: "slow-log",
          },
        ],
      },
      pulumi.mergeOptions(parent, { protect: floor.protectData }),
    );

    // Derived from the group's own output, so whatever reads them waits for the group to exist.
    const layout = (groupId: string) =>
      cacheNodeGroups(groupId, args.shards, args.replicasPerShard, args.clusterMode);
    this.nodeGroups = layout(id).map((nodeGroup, g) => ({
      id: nodeGroup.id,
      name: pulumi.interpolate`${group.replicationGroupId}-${nodeGroup.id}`,
      members: nodeGroup.members.map((_, m) =>
        group.replicationGroupId.apply((groupId) => layout(groupId)[g].members[m]),
      ),
    }));
    this.endpoint = args.clusterMode
      ? group.configurationEndpointAddress
      : group.primaryEndpointAddress;
    this.port = pulumi.output(DEFAULT_REDIS_PORT);
    this.tls = pulumi.output(true);
    this.authToken = pulumi.secret(authToken.result);
    this.renderedFiles = {
      "redis/elasticache-parameters.json": pulumi.output(
        JSON.stringify(parameters, null, 2) + "\n",
      ),
    };
    this.registerOutputs({
      endpoint: this.endpoint,
      port: this.port,
      tls: this.tls,
      authToken: this.authToken,
    });
  }
}
