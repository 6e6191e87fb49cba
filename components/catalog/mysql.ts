// Facts about the MySQL servers that the stack config, the MySQL part and the operations parts
// share: the accounts and databases webstack reserves, and which `mysql.parameters` it accepts.

/** The replication user every replica logs in as. */
export const REPLICATION_USER = "replicator";

/** Users of the operations parts (backup job, metrics exporter) on the Docker target. */
export const OPERATIONS_USERS = { backup: "webstack_backup", monitor: "webstack_monitor" } as const;

/** Account names the application user must not take: the server's, RDS's and webstack's own. */
export const RESERVED_USERS: readonly string[] = [
  "root",
  "admin",
  "rdsadmin",
  "mysql",
  "replication",
  "repl",
  REPLICATION_USER,
  ...Object.values(OPERATIONS_USERS),
];

/** Scratch databases of the weekly restore test; backups skip them and the test drops them. */
export const RESTORE_TEST_PREFIX = "webstack_restore_test";

/** Schemas the server itself owns. */
export const RESERVED_DATABASES: readonly string[] = [
  "mysql",
  "information_schema",
  "performance_schema",
  "sys",
];

/** Options `mysql.parameters` may not touch: changing them breaks replication, paths or durability. */
const OWNED_PARAMETERS: readonly string[] = [
  "server_id",
  "port",
  "bind_address",
  "datadir",
  "socket",
  "pid_file",
  "tmpdir",
  "log_error",
  "log_bin",
  "relay_log",
  "relay_log_recovery",
  "read_only",
  "super_read_only",
  "gtid_mode",
  "enforce_gtid_consistency",
  "gtid_strict_mode",
  "log_replica_updates",
  "log_slave_updates",
  "binlog_format",
  "sync_binlog",
  "innodb_flush_log_at_trx_commit",
];

/** Whole-number parameters webstack depends on, with the range it accepts. */
const WHOLE_NUMBER_PARAMETERS: Readonly<Record<string, readonly [number, number, string]>> = {
  // MySQL's own range; the DbConnectionsHigh alarm divides by it.
  max_connections: [1, 100_000, ""],
  // At least the hourly binary-log backup's interval, at most the 35 days AWS keeps backups.
  binlog_expire_logs_seconds: [3600, 35 * 86_400, " (1 hour to 35 days)"],
  expire_logs_days: [1, 35, " (AWS keeps backups at most 35 days)"],
};

// Option-file prefixes that turn a name into another option: `skip_log_bin` disables log_bin.
const OPTION_PREFIX = /^(skip|disable|enable|maximum|loose)_/;
const NAME = /^[a-z_][a-z0-9_]{0,63}$/;
// No '#' (starts a comment), quotes or backslashes (option-file escapes), no line breaks.
const VALUE = /^[A-Za-z0-9_.,:;+*=()/%@ -]{1,256}$/;

/**
 * Why one `mysql.parameters` entry is refused ("must …"), or undefined when it is accepted. The
 * entries become my.cnf lines and RDS parameter-group entries as they are.
 */
export function parameterProblem(name: string, value: unknown): string | undefined {
  if (!NAME.test(name)) {
    return "must be named like a MySQL system variable (a-z, 0-9 and _, at most 64 characters)";
  }
  if (OWNED_PARAMETERS.includes(name.replace(OPTION_PREFIX, ""))) {
    return "must be left to webstack, which sets it for replication, file paths or durability";
  }
  const range = WHOLE_NUMBER_PARAMETERS[name];
  if (range) {
    const [min, max, why] = range;
    const whole = /^\d{1,9}$/.test(String(value)) ? Number(value) : NaN;
    return whole >= min && whole <= max
      ? undefined
      : `must be a whole number from ${min} to ${max}${why}`;
  }
  const valid =
    typeof value === "number"
      ? Number.isFinite(value)
      : typeof value === "string" && VALUE.test(value) && value.trim() === value;
  return valid
    ? undefined
    : "must be a number, or 1 to 256 letters, digits, spaces and _ . , : ; + * = ( ) / % @ -";
}
