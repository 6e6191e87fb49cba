// Renders the MySQL server configuration once, two ways: a my.cnf for the Docker containers and
// the same intent as RDS parameter-group entries, so dev/test and staging/prod run one set of
// server settings. MariaDB 10.11 stands in for MySQL 8 on machines without MySQL packages; the
// `flavour` switch swaps the handful of options the two servers spell differently.

export type MysqlFlavour = "mysql" | "mariadb";
export type MysqlRole = "primary" | "replica";

export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;

/** InnoDB grows and shrinks its buffer pool in chunks of this size (the servers' default). */
export const BUFFER_POOL_CHUNK_BYTES = 128 * MIB;
/** Share of a dedicated database host's memory given to the buffer pool. */
export const BUFFER_POOL_FRACTION = 0.7;
/**
 * Memory always left outside the buffer pool: per-connection buffers, performance_schema,
 * the binary log cache and the OS share of a small container. On small hosts this bound, not
 * the 70 %, decides the pool size.
 */
export const SERVER_RESERVE_BYTES = 512 * MIB;
/** Smallest host we render for: below this the pool would be squeezed under one chunk. */
export const MIN_MEMORY_BYTES = 512 * MIB;
/** MySQL's guidance: one buffer pool instance per GiB of pool, at most 8. */
export const MAX_BUFFER_POOL_INSTANCES = 8;

export const DEFAULT_MYSQL_PORT = 3306;
export const DEFAULT_MAX_CONNECTIONS = 200;
export const DEFAULT_SLOW_QUERY_SECONDS = 1;
/** Seven days: the point-in-time-recovery window of REQUIREMENTS §5 (hourly binlog tier). */
export const DEFAULT_BINLOG_EXPIRE_SECONDS = 7 * 24 * 3600;
export const MAX_ALLOWED_PACKET = "64M";

/** Where the server keeps its files. Defaults match the official mysql and mariadb images. */
export interface MysqlPaths {
  /** @default "/var/lib/mysql" (the image's volume) */
  readonly datadir: string;
  /** @default "/var/run/mysqld/mysqld.sock" */
  readonly socket: string;
  /** @default "/var/run/mysqld/mysqld.pid" */
  readonly pidFile: string;
  /** @default unset: the error log goes to stderr, where Docker's json-file driver keeps it */
  readonly errorLog?: string;
  /** @default "/var/lib/mysql/slow.log" (on the volume, survives container replacement) */
  readonly slowLog: string;
  /** Binary log basename; files are `<basename>.000001`… @default "/var/lib/mysql/binlog" */
  readonly binlogBasename: string;
  /** Relay log basename on replicas. @default "/var/lib/mysql/relay-bin" */
  readonly relayLogBasename: string;
  /** @default "/tmp" */
  readonly tmpdir: string;
}

export const DEFAULT_MYSQL_PATHS: MysqlPaths = {
  datadir: "/var/lib/mysql",
  socket: "/var/run/mysqld/mysqld.sock",
  pidFile: "/var/run/mysqld/mysqld.pid",
  slowLog: "/var/lib/mysql/slow.log",
  binlogBasename: "/var/lib/mysql/binlog",
  relayLogBasename: "/var/lib/mysql/relay-bin",
  tmpdir: "/tmp",
};

export interface MyCnfSpec {
  /** Server family the file is for. @default "mysql" */
  readonly flavour?: MysqlFlavour;
  /** Primary takes writes; a replica is read-only and applies the primary's binary log. */
  readonly role: MysqlRole;
  /** Unique in the replication topology, 1–4294967295. */
  readonly serverId: number;
  /** Memory of the host or container the server owns; sizes the InnoDB buffer pool. */
  readonly memoryBytes: number;
  /** @default 3306 */
  readonly port?: number;
  /** @default "0.0.0.0" (the container's interfaces; the Docker network is the boundary) */
  readonly bindAddress?: string;
  /** Only the paths to change; the rest keep DEFAULT_MYSQL_PATHS. */
  readonly paths?: Partial<MysqlPaths>;
  /** @default 200 */
  readonly maxConnections?: number;
  /** Statements slower than this land in the slow log. @default 1 second */
  readonly slowQuerySeconds?: number;
  /** Binary logs older than this are purged. @default 604800 (7 days) */
  readonly binlogExpireSeconds?: number;
}

/** The parts of MyCnfSpec that RDS lets us choose (it owns ids, ports and paths). */
export type RdsParameterSpec = Pick<
  MyCnfSpec,
  "flavour" | "memoryBytes" | "maxConnections" | "slowQuerySeconds"
>;

export interface BufferPoolSizing {
  readonly sizeBytes: number;
  /** Always 1 for MariaDB, which has a single buffer pool since 10.5. */
  readonly instances: number;
}

export interface RdsParameter {
  readonly name: string;
  readonly value: string;
  /** `pending-reboot` for parameters RDS treats as static; `immediate` is refused for those. */
  readonly applyMethod: "immediate" | "pending-reboot";
}

/**
 * Buffer pool rule: 70 % of the host's memory, but never leaving less than 512 MiB for the rest
 * of the server; MySQL gets one pool instance per whole GiB (1–8) and the size is rounded DOWN
 * to a multiple of chunk (128 MiB) × instances, because MySQL silently rounds it UP otherwise.
 * Never below one chunk (128 MiB, InnoDB's own default).
 */
export function innodbBufferPool(
  memoryBytes: number,
  flavour: MysqlFlavour = "mysql",
): BufferPoolSizing {
  requireFlavour(flavour);
  requireInteger("memoryBytes", memoryBytes, MIN_MEMORY_BYTES, Number.MAX_SAFE_INTEGER, "bytes");
  const target = Math.min(memoryBytes * BUFFER_POOL_FRACTION, memoryBytes - SERVER_RESERVE_BYTES);
  const instances =
    flavour === "mysql"
      ? Math.min(MAX_BUFFER_POOL_INSTANCES, Math.max(1, Math.floor(target / GIB)))
      : 1;
  const unit = BUFFER_POOL_CHUNK_BYTES * instances;
  const sizeBytes = Math.max(BUFFER_POOL_CHUNK_BYTES, Math.floor(target / unit) * unit);
  return { sizeBytes, instances };
}

/** utf8mb4 collation valid on the flavour: MariaDB 10.11 has no `_0900_` collations. */
export function serverCollation(flavour: MysqlFlavour = "mysql"): string {
  requireFlavour(flavour);
  return flavour === "mysql" ? "utf8mb4_0900_ai_ci" : "utf8mb4_unicode_ci";
}

export function renderMyCnf(spec: MyCnfSpec): string {
  const flavour = spec.flavour ?? "mysql";
  requireFlavour(flavour);
  if (spec.role !== "primary" && spec.role !== "replica") {
    throw new Error(
      `mysql.role ${JSON.stringify(spec.role)} is not allowed: use "primary" or "replica"`,
    );
  }
  requireInteger("serverId", spec.serverId, 1, 4294967295, "unique in the replication topology");
  const port = spec.port ?? DEFAULT_MYSQL_PORT;
  requireInteger("port", port, 1, 65535, "TCP port");
  const bindAddress = spec.bindAddress ?? "0.0.0.0";
  if (!/^[0-9A-Za-z.:*-]+$/.test(bindAddress)) {
    throw new Error(
      `mysql.bindAddress ${JSON.stringify(bindAddress)} is not allowed: use an IP address, a host name or "*"`,
    );
  }
  const paths = resolvePaths(spec.paths);
  const common = commonSettings(spec, flavour);
  const pool = innodbBufferPool(spec.memoryBytes, flavour);
  const replica = spec.role === "replica";

  const lines = [
    "# Rendered by webstack (components/mysql/my-cnf.ts). Do not edit: change the stack config.",
    `# ${flavour} ${spec.role}, server_id ${spec.serverId}, host memory ${mib(spec.memoryBytes)}`,
    "",
    "[mysqld]",
    `server_id = ${spec.serverId}`,
    `port = ${port}`,
    `bind_address = ${bindAddress}`,
    "# Users are granted by host pattern '%', so reverse DNS only adds latency and a failure mode.",
    "skip_name_resolve = ON",
    `max_connections = ${common.maxConnections}`,
    `max_allowed_packet = ${MAX_ALLOWED_PACKET}`,
    "",
    `datadir = ${paths.datadir}`,
    `socket = ${paths.socket}`,
    `pid_file = ${paths.pidFile}`,
    `tmpdir = ${paths.tmpdir}`,
    ...(paths.errorLog
      ? [`log_error = ${paths.errorLog}`]
      : ["# log_error unset: errors go to stderr (docker logs)"]),
    "",
    "default_storage_engine = InnoDB",
    "innodb_file_per_table = ON",
    `# ${BUFFER_POOL_FRACTION * 100} % of ${mib(spec.memoryBytes)}, at least ${mib(SERVER_RESERVE_BYTES)} left for the rest of the server`,
    `innodb_buffer_pool_size = ${pool.sizeBytes / MIB}M`,
    ...(flavour === "mysql" ? [`innodb_buffer_pool_instances = ${pool.instances}`] : []),
    "# Durability: a committed transaction is on disk in both the redo log and the binary log.",
    "innodb_flush_log_at_trx_commit = 1",
    "sync_binlog = 1",
    "",
    "character_set_server = utf8mb4",
    `collation_server = ${common.collation}`,
    "",
    `log_bin = ${paths.binlogBasename}`,
    "binlog_format = ROW",
    `binlog_expire_logs_seconds = ${common.binlogExpireSeconds}`,
    ...gtidLines(flavour),
    `relay_log = ${paths.relayLogBasename}`,
    "# After a crash a replica refetches from its GTID position instead of trusting a torn relay log.",
    "relay_log_recovery = ON",
    "",
    "slow_query_log = ON",
    `slow_query_log_file = ${paths.slowLog}`,
    `long_query_time = ${common.slowQuerySeconds}`,
    "log_output = FILE",
    ...(replica ? readOnlyLines(flavour) : []),
    "",
    "[client]",
    `port = ${port}`,
    `socket = ${paths.socket}`,
    "default_character_set = utf8mb4",
    "",
  ];
  return lines.join("\n");
}

/**
 * The same intent for an RDS parameter group. Left out because RDS owns them: server_id, port,
 * bind address, every path, log_bin itself, read_only (RDS sets it on read replicas), the
 * replica-updates flag and relay-log recovery, and binlog retention (RDS keeps binlogs per
 * `mysql.rds_set_configuration('binlog retention hours', …)`, not binlog_expire_logs_seconds).
 */
export function rdsParameters(spec: RdsParameterSpec): RdsParameter[] {
  const flavour = spec.flavour ?? "mysql";
  requireFlavour(flavour);
  const common = commonSettings(spec, flavour);
  const pool = innodbBufferPool(spec.memoryBytes, flavour);
  const entries: RdsParameter[] = [
    immediate("character_set_server", "utf8mb4"),
    immediate("collation_server", common.collation),
    immediate("binlog_format", "ROW"),
    immediate("innodb_flush_log_at_trx_commit", "1"),
    immediate("sync_binlog", "1"),
    immediate("slow_query_log", "1"),
    immediate("long_query_time", String(common.slowQuerySeconds)),
    // CloudWatch log exports read the log files; the RDS default writes them to tables.
    immediate("log_output", "FILE"),
    immediate("max_connections", String(common.maxConnections)),
    immediate("max_allowed_packet", String(64 * MIB)),
    reboot("innodb_buffer_pool_size", String(pool.sizeBytes)),
    reboot("skip_name_resolve", "1"),
  ];
  if (flavour === "mysql") {
    entries.push(
      reboot("innodb_buffer_pool_instances", String(pool.instances)),
      // RDS spells this one with a dash; GTID mode may only change one step at a time on a
      // running server, so it takes effect at the next (or the creating) boot.
      reboot("gtid-mode", "ON"),
      reboot("enforce_gtid_consistency", "ON"),
    );
  } else {
    entries.push(immediate("gtid_strict_mode", "1"));
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/** rdsParameters as a plain name → value map, for summaries and policy checks. */
export function parameterGroupParameters(spec: RdsParameterSpec): Readonly<Record<string, string>> {
  return Object.fromEntries(rdsParameters(spec).map((p) => [p.name, p.value]));
}

/** RDS parameter-group family for an engine version, e.g. ("mysql", "8.0.40") → "mysql8.0". */
export function rdsParameterGroupFamily(flavour: MysqlFlavour, engineVersion: string): string {
  requireFlavour(flavour);
  const match = /^(\d+)\.(\d+)(\.\d+)?$/.exec(engineVersion);
  if (!match) {
    throw new Error(
      `mysql.engineVersion ${JSON.stringify(engineVersion)} is not allowed: use major.minor[.patch], e.g. "8.0.40"`,
    );
  }
  return `${flavour}${match[1]}.${match[2]}`;
}

interface CommonSettings {
  readonly collation: string;
  readonly maxConnections: number;
  readonly slowQuerySeconds: number;
  readonly binlogExpireSeconds: number;
}

function commonSettings(spec: Partial<MyCnfSpec>, flavour: MysqlFlavour): CommonSettings {
  const maxConnections = spec.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  requireInteger("maxConnections", maxConnections, 10, 100000, "connections");
  const slowQuerySeconds = spec.slowQuerySeconds ?? DEFAULT_SLOW_QUERY_SECONDS;
  if (!Number.isFinite(slowQuerySeconds) || slowQuerySeconds <= 0 || slowQuerySeconds > 3600) {
    throw new Error(
      `mysql.slowQuerySeconds ${slowQuerySeconds} is not allowed: use a number of seconds above 0 and at most 3600`,
    );
  }
  const binlogExpireSeconds = spec.binlogExpireSeconds ?? DEFAULT_BINLOG_EXPIRE_SECONDS;
  requireInteger(
    "binlogExpireSeconds",
    binlogExpireSeconds,
    3600,
    4294967295,
    "seconds (the point-in-time-recovery window)",
  );
  return {
    collation: serverCollation(flavour),
    maxConnections,
    slowQuerySeconds,
    binlogExpireSeconds,
  };
}

function gtidLines(flavour: MysqlFlavour): string[] {
  if (flavour === "mysql") {
    return [
      "gtid_mode = ON",
      "enforce_gtid_consistency = ON",
      "# Replicas write what they apply to their own binary log, so any of them can be promoted.",
      "log_replica_updates = ON",
    ];
  }
  return [
    "# MariaDB always tags transactions with GTIDs; strict mode refuses out-of-order ones.",
    "gtid_strict_mode = ON",
    "# Replicas write what they apply to their own binary log, so any of them can be promoted.",
    "log_slave_updates = ON",
  ];
}

function readOnlyLines(flavour: MysqlFlavour): string[] {
  if (flavour === "mysql") {
    return [
      "",
      "# Replica: refuses writes from users without CONNECTION_ADMIN/SUPER. super_read_only is",
      "# switched on (SET PERSIST) by the replica setup script instead: set here it would also",
      "# refuse the image's first-start root setup on this replica.",
      "read_only = ON",
    ];
  }
  return [
    "",
    "# Replica: refuses writes from users without READ ONLY ADMIN. MariaDB 10.11 has no",
    "# super_read_only: root (SUPER implies READ ONLY ADMIN there) can still write.",
    "read_only = ON",
  ];
}

function resolvePaths(overrides: Partial<MysqlPaths> | undefined): MysqlPaths {
  const paths: MysqlPaths = { ...DEFAULT_MYSQL_PATHS, ...overrides };
  for (const [key, value] of Object.entries(paths)) {
    if (value === undefined) continue;
    if (typeof value !== "string" || !/^\/[^\s#"'\\]*$/.test(value)) {
      throw new Error(
        `mysql.paths.${key} ${JSON.stringify(value)} is not allowed: use an absolute path without spaces, quotes, '#' or '\\'`,
      );
    }
  }
  return paths;
}

function immediate(name: string, value: string): RdsParameter {
  return { name, value, applyMethod: "immediate" };
}

function reboot(name: string, value: string): RdsParameter {
  return { name, value, applyMethod: "pending-reboot" };
}

function requireFlavour(flavour: unknown): asserts flavour is MysqlFlavour {
  if (flavour !== "mysql" && flavour !== "mariadb") {
    throw new Error(
      `mysql.flavour ${JSON.stringify(flavour)} is not allowed: use "mysql" or "mariadb"`,
    );
  }
}

function requireInteger(
  field: string,
  value: number,
  min: number,
  max: number,
  what: string,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `mysql.${field} ${value} is not allowed: use an integer from ${min} to ${max} (${what})`,
    );
  }
}

function mib(bytes: number): string {
  return `${Math.round(bytes / MIB)} MiB`;
}
