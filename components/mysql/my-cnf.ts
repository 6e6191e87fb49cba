// Renders the MySQL server configuration once, two ways: a my.cnf for the Docker containers and
// the same intent as RDS parameter-group entries, so dev/test and staging/prod run one set of
// server settings; the stack's `mysql.parameters` go on top of both. MariaDB 10.11 stands in for
// MySQL 8 on machines without MySQL packages; `flavour` swaps the options the two spell
// differently.

export type MysqlFlavour = "mysql" | "mariadb";
/** The stack's `mysql.parameters`, accepted by the stack config (components/catalog/mysql.ts). */
export type ParameterOverrides = Readonly<Record<string, string | number>>;

export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;
export const DEFAULT_MYSQL_PORT = 3306;

/** InnoDB grows and shrinks its buffer pool in chunks of this size (the servers' default). */
export const BUFFER_POOL_CHUNK_BYTES = 128 * MIB;
/** Share of a dedicated database host's memory given to the buffer pool. */
const BUFFER_POOL_FRACTION = 0.7;
/**
 * Memory always left outside the buffer pool: per-connection buffers, performance_schema, the
 * binary log cache and the OS share of a small container. On small hosts this bound, not the
 * 70 %, decides the pool size.
 */
const SERVER_RESERVE_BYTES = 512 * MIB;
const MAX_CONNECTIONS = 200;
const SLOW_QUERY_SECONDS = 1;
/** Seven days: the point-in-time-recovery window of docs/requirements.md §5 (hourly binlogs). */
const BINLOG_EXPIRE_SECONDS = 7 * 24 * 3600;

/** Where the server keeps its files. */
export interface MysqlPaths {
  readonly datadir: string;
  readonly socket: string;
  readonly pidFile: string;
  /** Unset: the error log goes to stderr, where Docker's json-file driver keeps it. */
  readonly errorLog?: string;
  readonly slowLog: string;
  /** Binary log basename; files are `<basename>.000001`… */
  readonly binlogBasename: string;
  readonly relayLogBasename: string;
  readonly tmpdir: string;
}

/** The official mysql and mariadb images' paths; the slow log is on the volume. */
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
  /** @default "mysql" */
  readonly flavour?: MysqlFlavour;
  /** Primary takes writes; a replica is read-only and applies the primary's binary log. */
  readonly role: "primary" | "replica";
  /** Unique in the replication topology. */
  readonly serverId: number;
  /** Memory of the host or container the server owns; sizes the InnoDB buffer pool. */
  readonly memoryBytes: number;
  /** @default 3306 */
  readonly port?: number;
  /** @default "0.0.0.0" (the container's interfaces; the Docker network is the boundary) */
  readonly bindAddress?: string;
  /** Only the paths to change (the real-server tests move them all). @default DEFAULT_MYSQL_PATHS */
  readonly paths?: Partial<MysqlPaths>;
  /** Appended as a last [mysqld] group, so they win. @default none */
  readonly parameters?: ParameterOverrides;
}

export interface RdsParameter {
  readonly name: string;
  readonly value: string;
  /** `pending-reboot` for parameters RDS treats as static; `immediate` is refused for those. */
  readonly applyMethod: "immediate" | "pending-reboot";
}

/**
 * Buffer pool rule: 70 % of the host's memory, but never leaving less than 512 MiB for the rest
 * of the server; MySQL gets one pool instance per whole GiB (1–8, MySQL's guidance) and the size
 * is rounded DOWN to a multiple of chunk (128 MiB) × instances, because MySQL silently rounds it
 * UP otherwise. Never below one chunk (InnoDB's own default). MariaDB has a single pool.
 */
export function innodbBufferPool(
  memoryBytes: number,
  flavour: MysqlFlavour = "mysql",
): { sizeBytes: number; instances: number } {
  const target = Math.min(memoryBytes * BUFFER_POOL_FRACTION, memoryBytes - SERVER_RESERVE_BYTES);
  const instances = flavour === "mysql" ? Math.min(8, Math.max(1, Math.floor(target / GIB))) : 1;
  const unit = BUFFER_POOL_CHUNK_BYTES * instances;
  return {
    sizeBytes: Math.max(BUFFER_POOL_CHUNK_BYTES, Math.floor(target / unit) * unit),
    instances,
  };
}

/** utf8mb4 collation valid on the flavour: MariaDB 10.11 has no `_0900_` collations. */
const collation = (flavour: MysqlFlavour) =>
  flavour === "mysql" ? "utf8mb4_0900_ai_ci" : "utf8mb4_unicode_ci";
const mib = (bytes: number) => `${Math.round(bytes / MIB)} MiB`;

export function renderMyCnf(spec: MyCnfSpec): string {
  const flavour = spec.flavour ?? "mysql";
  const port = spec.port ?? DEFAULT_MYSQL_PORT;
  const paths = { ...DEFAULT_MYSQL_PATHS, ...spec.paths };
  const pool = innodbBufferPool(spec.memoryBytes, flavour);
  const mysql = flavour === "mysql";
  const overrides = spec.parameters ?? {};
  const parameters = Object.keys(overrides).sort();
  const lines = [
    "# Rendered by webstack (components/mysql/my-cnf.ts). Do not edit: change the stack config.",
    `# ${flavour} ${spec.role}, server_id ${spec.serverId}, host memory ${mib(spec.memoryBytes)}`,
    "",
    "[mysqld]",
    `server_id = ${spec.serverId}`,
    `port = ${port}`,
    `bind_address = ${spec.bindAddress ?? "0.0.0.0"}`,
    "# Users are granted by host pattern '%', so reverse DNS only adds latency and a failure mode.",
    "skip_name_resolve = ON",
    `max_connections = ${MAX_CONNECTIONS}`,
    "max_allowed_packet = 64M",
    "",
    `datadir = ${paths.datadir}`,
    `socket = ${paths.socket}`,
    `pid_file = ${paths.pidFile}`,
    `tmpdir = ${paths.tmpdir}`,
    paths.errorLog
      ? `log_error = ${paths.errorLog}`
      : "# log_error unset: errors go to stderr (docker logs)",
    "",
    "default_storage_engine = InnoDB",
    "innodb_file_per_table = ON",
    `# ${BUFFER_POOL_FRACTION * 100} % of ${mib(spec.memoryBytes)}, at least ${mib(SERVER_RESERVE_BYTES)} left for the rest of the server`,
    `innodb_buffer_pool_size = ${pool.sizeBytes / MIB}M`,
    ...(mysql ? [`innodb_buffer_pool_instances = ${pool.instances}`] : []),
    "# Durability: a committed transaction is on disk in both the redo log and the binary log.",
    "innodb_flush_log_at_trx_commit = 1",
    "sync_binlog = 1",
    "",
    "character_set_server = utf8mb4",
    `collation_server = ${collation(flavour)}`,
    "",
    `log_bin = ${paths.binlogBasename}`,
    "binlog_format = ROW",
    `binlog_expire_logs_seconds = ${BINLOG_EXPIRE_SECONDS}`,
    ...(mysql
      ? ["gtid_mode = ON", "enforce_gtid_consistency = ON"]
      : [
          "# MariaDB always tags transactions with GTIDs; strict mode refuses out-of-order ones.",
          "gtid_strict_mode = ON",
        ]),
    "# Replicas write what they apply to their own binary log, so any of them can be promoted.",
    mysql ? "log_replica_updates = ON" : "log_slave_updates = ON",
    `relay_log = ${paths.relayLogBasename}`,
    "# After a crash a replica refetches from its GTID position instead of trusting a torn relay log.",
    "relay_log_recovery = ON",
    "",
    "slow_query_log = ON",
    `slow_query_log_file = ${paths.slowLog}`,
    `long_query_time = ${SLOW_QUERY_SECONDS}`,
    "log_output = FILE",
    ...(spec.role === "replica" ? ["", ...READ_ONLY[flavour], "read_only = ON"] : []),
    "",
    "[client]",
    `port = ${port}`,
    `socket = ${paths.socket}`,
    "default_character_set = utf8mb4",
    ...(parameters.length > 0
      ? [
          "# Overrides from the stack's mysql.parameters; later options win.",
          "[mysqld]",
          ...parameters.map((name) => `${name} = ${overrides[name]}`),
        ]
      : []),
    "",
  ];
  return lines.join("\n");
}

const READ_ONLY: Readonly<Record<MysqlFlavour, readonly string[]>> = {
  mysql: [
    "# Replica: refuses writes from users without CONNECTION_ADMIN/SUPER. super_read_only is",
    "# switched on (SET PERSIST) by the replica setup script instead: set here it would also",
    "# refuse the image's first-start root setup on this replica.",
  ],
  mariadb: [
    "# Replica: refuses writes from users without READ ONLY ADMIN. MariaDB 10.11 has no",
    "# super_read_only: root (SUPER implies READ ONLY ADMIN there) can still write.",
  ],
};

/**
 * The same intent for an RDS parameter group, sorted by name, with the stack's overrides applied
 * at `pending-reboot` (RDS accepts that for static and dynamic parameters alike, and a free-form
 * name could be either). Left out because RDS owns them: server_id, port, bind address, every
 * path, log_bin itself, read_only (RDS sets it on read replicas), the replica-updates flag and
 * relay-log recovery, and binlog retention (RDS keeps binlogs per
 * `mysql.rds_set_configuration('binlog retention hours', …)`, not binlog_expire_logs_seconds).
 */
export function rdsParameters(spec: {
  readonly flavour?: MysqlFlavour;
  readonly memoryBytes: number;
  readonly parameters?: ParameterOverrides;
}): RdsParameter[] {
  const flavour = spec.flavour ?? "mysql";
  const pool = innodbBufferPool(spec.memoryBytes, flavour);
  const now = (name: string, value: string): RdsParameter => ({
    name,
    value,
    applyMethod: "immediate",
  });
  const reboot = (name: string, value: string | number): RdsParameter => ({
    name,
    value: String(value),
    applyMethod: "pending-reboot",
  });
  const entries = [
    now("character_set_server", "utf8mb4"),
    now("collation_server", collation(flavour)),
    now("binlog_format", "ROW"),
    now("innodb_flush_log_at_trx_commit", "1"),
    now("sync_binlog", "1"),
    now("slow_query_log", "1"),
    now("long_query_time", String(SLOW_QUERY_SECONDS)),
    // CloudWatch log exports read the log files; the RDS default writes them to tables.
    now("log_output", "FILE"),
    now("max_connections", String(MAX_CONNECTIONS)),
    now("max_allowed_packet", String(64 * MIB)),
    reboot("innodb_buffer_pool_size", pool.sizeBytes),
    reboot("skip_name_resolve", 1),
    ...(flavour === "mysql"
      ? [
          reboot("innodb_buffer_pool_instances", pool.instances),
          // RDS spells this one with a dash; GTID mode may only change one step at a time on a
          // running server, so it takes effect at the next (or the creating) boot.
          reboot("gtid-mode", "ON"),
          reboot("enforce_gtid_consistency", "ON"),
        ]
      : [now("gtid_strict_mode", "1")]),
    ...Object.entries(spec.parameters ?? {}).map(([name, value]) => reboot(name, value)),
  ];
  // A later entry of the same name (an override) replaces the rendered one.
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** RDS parameter-group family for an engine version, e.g. ("mysql", "8.0.40") → "mysql8.0". */
export function rdsParameterGroupFamily(flavour: MysqlFlavour, engineVersion: string): string {
  return `${flavour}${engineVersion.split(".").slice(0, 2).join(".")}`;
}
