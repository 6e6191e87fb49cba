// The ElastiCache parameter group for the Redis settings webstack renders into redis.conf on
// Docker: allkeys-lru eviction, the same slow-log threshold, and cluster mode where it is used.
// ElastiCache owns persistence, AUTH and memory reservation (25 %, like our Docker headroom).
import { DEFAULT_SLOWLOG_MAX_LEN, DEFAULT_SLOWLOG_MICROS } from "./redis-conf";

export interface ElasticacheParameter {
  readonly name: string;
  readonly value: string;
}

/** Parameter-group family for an engine version: "7.1" → "redis7", "6.2" → "redis6.x". */
export function elasticacheParameterGroupFamily(engineVersion: string): string {
  const match = /^(\d+)\.(\d+)(\.\d+)?$/.exec(engineVersion);
  if (!match) {
    throw new Error(
      `redis.engineVersion ${JSON.stringify(engineVersion)} is not allowed: use major.minor[.patch], e.g. "7.1"`,
    );
  }
  const major = Number(match[1]);
  if (major >= 7) return `redis${major}`;
  if (major === 6) return "redis6.x";
  if (major === 4 || major === 5) return `redis${major}.0`;
  throw new Error(
    `redis.engineVersion ${JSON.stringify(engineVersion)} is not allowed: ElastiCache runs Redis 4.0 or later`,
  );
}

export function elasticacheParameters(spec: {
  readonly clusterMode: boolean;
}): ElasticacheParameter[] {
  return [
    ...(spec.clusterMode ? [{ name: "cluster-enabled", value: "yes" }] : []),
    { name: "maxmemory-policy", value: "allkeys-lru" },
    { name: "slowlog-log-slower-than", value: String(DEFAULT_SLOWLOG_MICROS) },
    { name: "slowlog-max-len", value: String(DEFAULT_SLOWLOG_MAX_LEN) },
  ];
}
