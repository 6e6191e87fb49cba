// Renders redis.conf for one Redis 7 node (standalone or cluster member) from the node's size,
// the auth secret and the REQUIREMENTS §3 policy: maxmemory with headroom, allkeys-lru, the RDB
// save policy plus an append-only file, and the commands a leaked password must not reach.

export const MIB = 1024 ** 2;

/**
 * Share of the node's memory Redis may fill with data. The rest is headroom for replication
 * and client output buffers, copy-on-write pages while a fork writes the RDB/AOF, and allocator
 * fragmentation. It equals ElastiCache's default reserved-memory-percent of 25 %.
 */
export const MAXMEMORY_FRACTION = 0.75;
export const MIN_NODE_MEMORY_BYTES = 16 * MIB;
/** Redis needs about 1 MiB before any key; below this eviction cannot make room. */
export const MIN_MAXMEMORY_BYTES = 8 * MIB;
export const DEFAULT_REDIS_PORT = 6379;
/** Redis's own default: writes that wait longer than 10 ms land in the slow log. */
export const DEFAULT_SLOWLOG_MICROS = 10_000;
export const DEFAULT_SLOWLOG_MAX_LEN = 128;
/** Cluster bus timeout: short enough that failover finishes well within 15 s (Redis's 15 s default would not). */
export const DEFAULT_CLUSTER_NODE_TIMEOUT_MS = 5_000;

/** REQUIREMENTS §3: snapshot after 900 s if ≥1 change, 300 s if ≥10, 60 s if ≥10000. */
export const SAVE_POLICY: readonly (readonly [seconds: number, changes: number])[] = [
  [900, 1],
  [300, 10],
  [60, 10000],
];

/**
 * Commands renamed to "" (gone). FLUSHALL/FLUSHDB wipe every key of every tenant with one
 * call; SHUTDOWN stops the node (containers stop it with SIGTERM, which saves the same way).
 * Kept on purpose: CONFIG (operators read it; Redis 7 already refuses to change dir/dbfilename
 * at run time), INFO/PING (health checks), CLUSTER/MIGRATE (cluster create and resharding),
 * KEYS (slow, not destructive). DEBUG and MODULE are off through enable-*-command below.
 */
export const DISABLED_COMMANDS: readonly string[] = ["FLUSHALL", "FLUSHDB", "SHUTDOWN"];

export interface RedisPaths {
  /** Working directory for the RDB, the AOF directory and the cluster file. @default "/data" */
  readonly dir: string;
  /** @default "dump.rdb" */
  readonly dbfilename: string;
  /** @default "appendonly.aof" */
  readonly appendfilename: string;
  /** Relative names live in `dir`. @default "nodes.conf" */
  readonly clusterConfigFile: string;
  /** @default unset: no pid file (the container's PID 1 is the server) */
  readonly pidfile?: string;
  /** @default unset: log to stdout, where Docker's json-file driver keeps it */
  readonly logfile?: string;
}

export const DEFAULT_REDIS_PATHS: RedisPaths = {
  dir: "/data",
  dbfilename: "dump.rdb",
  appendfilename: "appendonly.aof",
  clusterConfigFile: "nodes.conf",
};

export interface RedisClusterOptions {
  /** @default 5000 ms */
  readonly nodeTimeoutMs?: number;
  /** Cluster bus port. @default port + 10000 */
  readonly busPort?: number;
  /** Address other nodes and clients should use when NAT hides the node's own. @default unset */
  readonly announceIp?: string;
}

export interface RedisConfSpec {
  /** Memory of the node (container limit or instance size). */
  readonly nodeMemoryBytes: number;
  /** @default 75 % of nodeMemoryBytes, rounded down to a whole MiB */
  readonly maxmemoryBytes?: number;
  /**
   * AUTH secret, used for `requirepass` and `masterauth`. The rendered text contains it: treat
   * the whole file as a secret. Same rule as ElastiCache auth tokens, so one token fits both.
   */
  readonly password: string;
  /** @default 6379 */
  readonly port?: number;
  /** @default ["0.0.0.0"] (the container's interfaces; the Docker network is the boundary) */
  readonly bind?: readonly string[];
  /** @default true */
  readonly protectedMode?: boolean;
  /** Only the paths to change; the rest keep DEFAULT_REDIS_PATHS. */
  readonly paths?: Partial<RedisPaths>;
  /** Present: the node joins a Redis Cluster. @default standalone */
  readonly cluster?: RedisClusterOptions;
  /** @default 10000 µs */
  readonly slowlogMicros?: number;
  /** @default 128 entries */
  readonly slowlogMaxLen?: number;
}

/** maxmemory the node gets: the explicit value, or 75 % of the node rounded down to a MiB. */
export function redisMaxmemoryBytes(
  spec: Pick<RedisConfSpec, "nodeMemoryBytes" | "maxmemoryBytes">,
): number {
  integerIn(
    "nodeMemoryBytes",
    spec.nodeMemoryBytes,
    MIN_NODE_MEMORY_BYTES,
    Number.MAX_SAFE_INTEGER,
  );
  if (spec.maxmemoryBytes === undefined) {
    return Math.floor((spec.nodeMemoryBytes * MAXMEMORY_FRACTION) / MIB) * MIB;
  }
  integerIn("maxmemoryBytes", spec.maxmemoryBytes, MIN_MAXMEMORY_BYTES, Number.MAX_SAFE_INTEGER);
  if (spec.maxmemoryBytes > spec.nodeMemoryBytes) {
    throw new Error(
      `redis.maxmemoryBytes ${spec.maxmemoryBytes} is not allowed: it exceeds the node's memory (nodeMemoryBytes ${spec.nodeMemoryBytes}); use at most that, ideally ${MAXMEMORY_FRACTION * 100} % of it`,
    );
  }
  return spec.maxmemoryBytes;
}

/**
 * ElastiCache's auth-token rule: 16–128 characters, letters, digits and ! & # $ ^ < > - only.
 * The message never repeats the secret.
 */
export function validateRedisPassword(password: string): void {
  if (typeof password !== "string" || password.length < 16 || password.length > 128) {
    const length = typeof password === "string" ? password.length : typeof password;
    throw new Error(`redis.password of length ${length} is not allowed: use 16 to 128 characters`);
  }
  const bad = [...password].find((c) => !/[A-Za-z0-9!&#$^<>-]/.test(c));
  if (bad !== undefined) {
    const shown = /[\x21-\x7e]/.test(bad)
      ? `'${bad}'`
      : `U+${bad.codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0")}`;
    throw new Error(
      `redis.password contains ${shown}, which is not allowed: use letters, digits and ! & # $ ^ < > - only`,
    );
  }
}

export function renderRedisConf(spec: RedisConfSpec): string {
  const maxmemory = redisMaxmemoryBytes(spec);
  validateRedisPassword(spec.password);
  const port = spec.port ?? DEFAULT_REDIS_PORT;
  integerIn("port", port, 1, 65535);
  const bind = spec.bind ?? ["0.0.0.0"];
  if (bind.length === 0 || bind.some((a) => !/^-?[0-9A-Za-z.:*]+$/.test(a))) {
    throw new Error(
      `redis.bind ${JSON.stringify(bind)} is not allowed: use one or more IP addresses`,
    );
  }
  const paths = resolvePaths(spec.paths);
  const slowlogMicros = spec.slowlogMicros ?? DEFAULT_SLOWLOG_MICROS;
  integerIn("slowlogMicros", slowlogMicros, 0, 60_000_000);
  const slowlogMaxLen = spec.slowlogMaxLen ?? DEFAULT_SLOWLOG_MAX_LEN;
  integerIn("slowlogMaxLen", slowlogMaxLen, 1, 100_000);

  const lines = [
    "# Rendered by webstack (components/redis/redis-conf.ts). Do not edit: change the stack config.",
    "# Contains the AUTH secret: keep this file as secret as the password itself.",
    `# node memory ${mib(spec.nodeMemoryBytes)}, ${spec.cluster ? "cluster member" : "standalone"}`,
    "",
    "daemonize no",
    `port ${port}`,
    `bind ${bind.join(" ")}`,
    `protected-mode ${yesNo(spec.protectedMode ?? true)}`,
    "tcp-keepalive 300",
    "timeout 0",
    "loglevel notice",
    `logfile "${paths.logfile ?? ""}"`,
    ...(paths.pidfile ? [`pidfile ${paths.pidfile}`] : []),
    "",
    `requirepass "${spec.password}"`,
    `masterauth "${spec.password}"`,
    ...DISABLED_COMMANDS.map((command) => `rename-command ${command} ""`),
    "enable-debug-command no",
    "enable-module-command no",
    "enable-protected-configs no",
    "",
    `# ${MAXMEMORY_FRACTION * 100} % of the node by default: the rest is fork, buffer and fragmentation headroom.`,
    `maxmemory ${maxmemory % MIB === 0 ? `${maxmemory / MIB}mb` : maxmemory}`,
    "maxmemory-policy allkeys-lru",
    "",
    `dir ${paths.dir}`,
    `dbfilename ${paths.dbfilename}`,
    ...SAVE_POLICY.map(([seconds, changes]) => `save ${seconds} ${changes}`),
    "stop-writes-on-bgsave-error yes",
    "appendonly yes",
    `appendfilename "${paths.appendfilename}"`,
    "appendfsync everysec",
    "aof-use-rdb-preamble yes",
    "",
    `slowlog-log-slower-than ${slowlogMicros}`,
    `slowlog-max-len ${slowlogMaxLen}`,
    ...(spec.cluster ? clusterLines(spec.cluster, port, paths) : []),
    "",
  ];
  return lines.join("\n");
}

function clusterLines(cluster: RedisClusterOptions, port: number, paths: RedisPaths): string[] {
  const nodeTimeoutMs = cluster.nodeTimeoutMs ?? DEFAULT_CLUSTER_NODE_TIMEOUT_MS;
  integerIn("cluster.nodeTimeoutMs", nodeTimeoutMs, 500, 120_000);
  const busPort = cluster.busPort ?? port + 10000;
  integerIn("cluster.busPort", busPort, 1, 65535);
  if (busPort === port) {
    throw new Error(
      `redis.cluster.busPort ${busPort} is not allowed: it must differ from port ${port}`,
    );
  }
  if (cluster.announceIp !== undefined && !/^[0-9A-Fa-f.:]+$/.test(cluster.announceIp)) {
    throw new Error(
      `redis.cluster.announceIp ${JSON.stringify(cluster.announceIp)} is not allowed: use an IP address`,
    );
  }
  return [
    "",
    "cluster-enabled yes",
    `cluster-config-file ${paths.clusterConfigFile}`,
    `cluster-node-timeout ${nodeTimeoutMs}`,
    `cluster-port ${busPort}`,
    ...(cluster.announceIp ? [`cluster-announce-ip ${cluster.announceIp}`] : []),
    "# A shard without any reachable copy stops the whole cluster rather than serve partial data.",
    "cluster-require-full-coverage yes",
  ];
}

function resolvePaths(overrides: Partial<RedisPaths> | undefined): RedisPaths {
  const paths: RedisPaths = { ...DEFAULT_REDIS_PATHS, ...overrides };
  for (const [key, value] of Object.entries(paths)) {
    if (value === undefined) continue;
    const absolute = key === "dir" || key === "pidfile" || key === "logfile";
    const pattern = absolute ? /^\/[A-Za-z0-9._/-]*$/ : /^[A-Za-z0-9._-]+$/;
    if (typeof value !== "string" || !pattern.test(value)) {
      const allowed = absolute ? "an absolute path" : "a file name";
      throw new Error(
        `redis.paths.${key} ${JSON.stringify(value)} is not allowed: use ${allowed} of letters, digits, '.', '_', '-'${absolute ? " and '/'" : ""}`,
      );
    }
  }
  return paths;
}

function integerIn(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`redis.${field} ${value} is not allowed: use an integer from ${min} to ${max}`);
  }
}

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

function mib(bytes: number): string {
  return `${Math.round(bytes / MIB)} MiB`;
}
