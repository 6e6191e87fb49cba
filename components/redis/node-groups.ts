// The node groups (shards) of an ElastiCache replication group and the cache cluster ids of their
// members, as ElastiCache names them: per-node CloudWatch metrics (CacheClusterId dimension) are
// the only way to alarm on a shard, and the provider reports members only as one flat list.

export interface CacheNodeGroup {
  /** Node group id: `0001` … (cluster mode disabled has exactly one, `0001`). */
  readonly id: string;
  /** Member cache cluster ids, the group's first (initial primary) member first. */
  readonly members: readonly string[];
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * ElastiCache's naming: cluster mode enabled names members `<group>-<shard 4 digits>-<node 3
 * digits>` (`webstack-prod-redis-0002-001`); cluster mode disabled `<group>-<node 3 digits>`
 * (`webstack-staging-redis-001`), its single node group being `0001`.
 */
export function cacheNodeGroups(
  replicationGroupId: string,
  shards: number,
  replicasPerShard: number,
  clusterMode: boolean,
): CacheNodeGroup[] {
  if (!clusterMode && shards !== 1) {
    throw new Error(`shards ${shards} is not allowed: without clusterMode there is exactly 1`);
  }
  const nodes = replicasPerShard + 1;
  return Array.from({ length: shards }, (_, g) => {
    const id = pad(g + 1, 4);
    const stem = clusterMode ? `${replicationGroupId}-${id}` : replicationGroupId;
    return { id, members: Array.from({ length: nodes }, (_, m) => `${stem}-${pad(m + 1, 3)}`) };
  });
}
