// Renders redis.conf for one Redis 7 node (standalone or cluster member) from the node's size,
// the auth secret and the docs/requirements.md §3 policy: maxmemory with headroom, allkeys-lru,
// the RDB save policy plus an append-only file, and the commands a leaked password must not reach.

export const MIB = 1024 ** 2;
export const DEFAULT_REDIS_PORT = 6379;
/** Redis's own default: writes that wait longer than 10 ms land in the slow log. */
export const SLOWLOG_MICROS = 10_000;
export const SLOWLOG_MAX_LEN = 128;
/** Cluster bus timeout: short enough that failover finishes well within 15 s (Redis's 15 s would not). */
export const CLUSTER_NODE_TIMEOUT_MS = 5_000;

/**
 * Commands renamed to "" (gone). FLUSHALL/FLUSHDB wipe every key of every tenant with one
 * call; SHUTDOWN stops the node (containers stop it with SIGTERM, which saves the same way).
 * Kept on purpose: CONFIG (operators read it; Redis 7 already refuses to change dir/dbfilename
 * at run time), INFO/PING (health checks), CLUSTER/MIGRATE (cluster create and resharding),
 * KEYS (slow, not destructive). DEBUG and MODULE are off through enable-*-command below.
 */
const DISABLED_COMMANDS = ["FLUSHALL", "FLUSHDB", "SHUTDOWN"];

export interface RedisConfSpec {
  /** Memory of the node (container limit or instance size). */
  readonly nodeMemoryBytes: number;
  /**
   * @default 75 % of nodeMemoryBytes, rounded down to a whole MiB: the rest is headroom for
   * replication and client buffers, copy-on-write pages while a fork writes the RDB/AOF, and
   * fragmentation (ElastiCache's default reserved-memory-percent is the same 25 %)
   */
  readonly maxmemoryBytes?: number;
  /** AUTH secret for `requirepass` and `masterauth`: the rendered text is a secret too. */
  readonly password: string;
  /** @default 6379 */
  readonly port?: number;
  /** @default ["0.0.0.0"] (the container's interfaces; the Docker network is the boundary) */
  readonly bind?: readonly string[];
  /** Working directory for the RDB, the AOF directory and the cluster file. @default "/data" */
  readonly dir?: string;
  /** Present: the node joins a Redis Cluster. @default standalone */
  readonly cluster?: {
    /** @default 5000 ms */
    readonly nodeTimeoutMs?: number;
    /** @default port + 10000 */
    readonly busPort?: number;
  };
}

/** maxmemory the node gets: the explicit value, or 75 % of the node rounded down to a MiB. */
export function redisMaxmemoryBytes(
  spec: Pick<RedisConfSpec, "nodeMemoryBytes" | "maxmemoryBytes">,
) {
  return spec.maxmemoryBytes ?? Math.floor((spec.nodeMemoryBytes * 0.75) / MIB) * MIB;
}

export function renderRedisConf(spec: RedisConfSpec): string {
  const maxmemory = redisMaxmemoryBytes(spec);
  const port = spec.port ?? DEFAULT_REDIS_PORT;
  const cluster = spec.cluster;
  return [
    "# Rendered by webstack (components/redis/redis-conf.ts). Do not edit: change the stack config.",
    "# Contains the AUTH secret: keep this file as secret as the password itself.",
    `# node memory ${Math.round(spec.nodeMemoryBytes / MIB)} MiB, ${cluster ? "cluster member" : "standalone"}`,
    "",
    "daemonize no",
    `port ${port}`,
    `bind ${(spec.bind ?? ["0.0.0.0"]).join(" ")}`,
    "protected-mode yes",
    "tcp-keepalive 300",
    "timeout 0",
    "loglevel notice",
    'logfile ""',
    "",
    `requirepass "${spec.password}"`,
    `masterauth "${spec.password}"`,
    ...DISABLED_COMMANDS.map((command) => `rename-command ${command} ""`),
    "enable-debug-command no",
    "enable-module-command no",
    "enable-protected-configs no",
    "",
    "# 75 % of the node by default: the rest is fork, buffer and fragmentation headroom.",
    `maxmemory ${maxmemory % MIB === 0 ? `${maxmemory / MIB}mb` : maxmemory}`,
    "maxmemory-policy allkeys-lru",
    "",
    `dir ${spec.dir ?? "/data"}`,
    "dbfilename dump.rdb",
    // docs/requirements.md §3: after 900 s if ≥1 change, 300 s if ≥10, 60 s if ≥10000.
    "save 900 1",
    "save 300 10",
    "save 60 10000",
    "stop-writes-on-bgsave-error yes",
    "appendonly yes",
    'appendfilename "appendonly.aof"',
    "appendfsync everysec",
    "aof-use-rdb-preamble yes",
    "",
    `slowlog-log-slower-than ${SLOWLOG_MICROS}`,
    `slowlog-max-len ${SLOWLOG_MAX_LEN}`,
    ...(cluster
      ? [
          "",
          "cluster-enabled yes",
          "cluster-config-file nodes.conf",
          `cluster-node-timeout ${cluster.nodeTimeoutMs ?? CLUSTER_NODE_TIMEOUT_MS}`,
          `cluster-port ${cluster.busPort ?? port + 10000}`,
          "# A shard without any reachable copy stops the whole cluster rather than serve partial data.",
          "cluster-require-full-coverage yes",
        ]
      : []),
    "",
  ].join("\n");
}
