// Renders the shell scripts the MySQL containers run once, on their first start (the image's
// /docker-entrypoint-initdb.d): the primary creates the application database, its user and the
// replication user; a replica waits for the primary, follows it with GTID auto-positioning and
// locks itself read-only. No secret is ever in the text: the scripts read each password at run
// time from an environment variable or from the file named by <VARIABLE>_FILE (Docker secrets),
// the convention of the official mysql and mariadb images.
import { DEFAULT_MYSQL_PATHS, DEFAULT_MYSQL_PORT, MysqlFlavour, serverCollation } from "./my-cnf";

/** Environment variables the scripts read; each may instead be given as `<NAME>_FILE`. */
export const REPLICATION_ENV = {
  /** root on the local socket; the images set the same variable. Empty means no password. */
  rootPassword: "MYSQL_ROOT_PASSWORD",
  /** Application user's password (primary only). */
  appPassword: "WEBSTACK_DB_PASSWORD",
  /** Replication user's password (primary creates the user, replicas log in with it). */
  replicationPassword: "WEBSTACK_REPLICATION_PASSWORD",
  /** The backup job's user (created only when the spec names it). */
  backupPassword: "WEBSTACK_BACKUP_PASSWORD",
  /** The metrics exporter's user (created only when the spec names it). */
  monitorPassword: "WEBSTACK_MONITOR_PASSWORD",
} as const;

/**
 * What the operations users may do, per flavour. The backup job (components/backups/backup.sh)
 * dumps every database with routines, triggers and events and the binlog position, copies binary
 * logs from the server, and restores into scratch databases named `webstack_restore_test*`.
 * mysqld_exporter reads status, variables, processes and replica status. MariaDB splits MySQL's
 * REPLICATION CLIENT into BINLOG MONITOR and SLAVE MONITOR. Neither user may write application
 * data; a restore test of objects defined by another user would need SET_ANY_DEFINER (MySQL
 * 8.2+) or SET USER (MariaDB), which is left to the operator (docs/operations.md#restore-drill).
 */
export const OPERATIONS_GRANTS: Readonly<
  Record<MysqlFlavour, { readonly backup: string; readonly monitor: string }>
> = {
  mysql: {
    backup:
      "SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, RELOAD, PROCESS, REPLICATION CLIENT, REPLICATION SLAVE",
    monitor: "PROCESS, REPLICATION CLIENT, SELECT",
  },
  mariadb: {
    backup:
      "SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, RELOAD, PROCESS, BINLOG MONITOR, REPLICATION SLAVE",
    monitor: "PROCESS, BINLOG MONITOR, SLAVE MONITOR, SELECT",
  },
};

export { OPERATIONS_USERS } from "../catalog/mysql";

/** Scratch databases of the weekly restore test (backup.sh's RESTORE_TEST_PREFIX). */
export const RESTORE_TEST_PREFIX = "webstack_restore_test";
/** The exporter never needs more than a few connections; it must not starve the application. */
export const MONITOR_MAX_CONNECTIONS = 3;

/**
 * File names inside /docker-entrypoint-initdb.d. The images run *.sh files there in name order
 * after their own setup (root password, time zones), against a temporary server on the socket.
 */
export const INIT_SCRIPT_NAMES = {
  primary: "50-webstack-primary.sh",
  replica: "50-webstack-replica.sh",
} as const;

export const DEFAULT_REPLICATION_USER = "replicator";
export const DEFAULT_PRIMARY_WAIT_SECONDS = 300;
export const DEFAULT_REPLICATION_START_SECONDS = 60;

export interface PrimaryInitSpec {
  /** @default "mysql" */
  readonly flavour?: MysqlFlavour;
  /** The local server's socket; must be the one in my.cnf. @default "/var/run/mysqld/mysqld.sock" */
  readonly socket?: string;
  /** Application database, created with utf8mb4 and the flavour's collation. */
  readonly database: string;
  /** Application user, granted everything on `database` and nothing else. */
  readonly appUser: string;
  /** @default "replicator" */
  readonly replicationUser?: string;
  /** The backup job's user, granted OPERATIONS_GRANTS.backup. @default none (not created) */
  readonly backupUser?: string;
  /** The metrics exporter's user, granted OPERATIONS_GRANTS.monitor. @default none */
  readonly monitorUser?: string;
}

export interface ReplicaSetupSpec {
  /** @default "mysql" */
  readonly flavour?: MysqlFlavour;
  /** The local server's socket; must be the one in my.cnf. @default "/var/run/mysqld/mysqld.sock" */
  readonly socket?: string;
  /** How the replica reaches the primary: a Docker network alias or an address. */
  readonly primaryHost: string;
  /** @default 3306 */
  readonly primaryPort?: number;
  /** @default "replicator" */
  readonly replicationUser?: string;
  /** How long to wait for the primary to accept the replication user. @default 300 seconds */
  readonly primaryWaitSeconds?: number;
  /** How long replication may take to report both threads running. @default 60 seconds */
  readonly replicationStartSeconds?: number;
}

export function renderPrimaryInitScript(spec: PrimaryInitSpec): string {
  const flavour = flavourOf(spec.flavour);
  const socket = socketOf(spec.socket);
  const database = identifier("database", spec.database, 64);
  const appUser = identifier("appUser", spec.appUser, 32);
  const replicationUser = identifier(
    "replicationUser",
    spec.replicationUser ?? DEFAULT_REPLICATION_USER,
    32,
  );
  if (appUser === replicationUser) {
    throw new Error(
      `mysql.replicationUser ${JSON.stringify(replicationUser)} is not allowed: it must differ from appUser`,
    );
  }
  const backupUser =
    spec.backupUser === undefined ? undefined : identifier("backupUser", spec.backupUser, 32);
  const monitorUser =
    spec.monitorUser === undefined ? undefined : identifier("monitorUser", spec.monitorUser, 32);
  const users = [appUser, replicationUser, backupUser, monitorUser].filter(Boolean);
  if (new Set(users).size !== users.length) {
    throw new Error(
      `mysql users ${JSON.stringify(users)} are not allowed: appUser, replicationUser, backupUser and monitorUser must all differ`,
    );
  }
  const client = clientBinary(flavour);
  // In a database-level grant `_` is a wildcard; escape it so the grant names one database.
  const grantDatabase = database.replace(/_/g, "\\_");
  const { rootPassword, appPassword, replicationPassword, backupPassword, monitorPassword } =
    REPLICATION_ENV;
  const grants = OPERATIONS_GRANTS[flavour];
  const operationsHeader = [
    ...(backupUser ? [`#   ${backupPassword}[_FILE]  the backup user '${backupUser}'`] : []),
    ...(monitorUser ? [`#   ${monitorPassword}[_FILE]  the metrics user '${monitorUser}'`] : []),
  ];
  const operationsSecrets = [
    ...(backupUser ? [`  backup_password=$(read_secret ${backupPassword} required)`] : []),
    ...(monitorUser ? [`  monitor_password=$(read_secret ${monitorPassword} required)`] : []),
  ];
  const operationsSql = [
    ...(backupUser
      ? [
          `CREATE USER IF NOT EXISTS '${backupUser}'@'%' IDENTIFIED BY $(sql_string "$backup_password");`,
          `ALTER USER '${backupUser}'@'%' IDENTIFIED BY $(sql_string "$backup_password");`,
          `GRANT ${grants.backup} ON *.* TO '${backupUser}'@'%';`,
          `GRANT ALL PRIVILEGES ON \\\`${RESTORE_TEST_PREFIX.replace(/_/g, "\\_")}%\\\`.* TO '${backupUser}'@'%';`,
        ]
      : []),
    ...(monitorUser
      ? [
          `CREATE USER IF NOT EXISTS '${monitorUser}'@'%' IDENTIFIED BY $(sql_string "$monitor_password") WITH MAX_USER_CONNECTIONS ${MONITOR_MAX_CONNECTIONS};`,
          `ALTER USER '${monitorUser}'@'%' IDENTIFIED BY $(sql_string "$monitor_password");`,
          `GRANT ${grants.monitor} ON *.* TO '${monitorUser}'@'%';`,
        ]
      : []),
  ];

  return [
    "#!/usr/bin/env bash",
    "# Rendered by webstack (components/mysql/replication.ts). Do not edit: change the stack config.",
    `# First start of the ${flavour} primary: creates database \`${database}\`, its user '${appUser}'@'%'`,
    `# and the replication user '${replicationUser}'@'%'. Passwords are read at run time:`,
    `#   ${rootPassword}[_FILE]  root on the local socket (empty: no password)`,
    `#   ${appPassword}[_FILE]  the application user`,
    `#   ${replicationPassword}[_FILE]  the replication user`,
    ...operationsHeader,
    "# Re-running it is harmless (it resets the passwords). All work happens in a subshell, so an",
    "# entrypoint that sources this file instead of running it keeps its own shell options.",
    "# These statements go to the binary log on purpose: replicas get the users from it.",
    "",
    "webstack_primary_setup() (",
    "  set -euo pipefail",
    SHELL_HELPERS,
    `  root_password=$(read_secret ${rootPassword} optional)`,
    `  app_password=$(read_secret ${appPassword} required)`,
    `  replication_password=$(read_secret ${replicationPassword} required)`,
    ...operationsSecrets,
    "",
    "  umask 077",
    "  local_defaults=$(mktemp)",
    "  trap 'rm -f \"$local_defaults\"' EXIT",
    localDefaults(socket),
    "",
    `  echo "webstack: creating database ${database}, user ${appUser} and replication user ${replicationUser}" >&2`,
    `  ${client} --defaults-file="$local_defaults" <<SQL`,
    SQL_MODE_WITH_BACKSLASH_ESCAPES,
    `CREATE DATABASE IF NOT EXISTS \\\`${database}\\\` CHARACTER SET utf8mb4 COLLATE ${serverCollation(flavour)};`,
    `CREATE USER IF NOT EXISTS '${appUser}'@'%' IDENTIFIED BY $(sql_string "$app_password");`,
    `ALTER USER '${appUser}'@'%' IDENTIFIED BY $(sql_string "$app_password");`,
    `GRANT ALL PRIVILEGES ON \\\`${grantDatabase}\\\`.* TO '${appUser}'@'%';`,
    `CREATE USER IF NOT EXISTS '${replicationUser}'@'%' IDENTIFIED BY $(sql_string "$replication_password");`,
    `ALTER USER '${replicationUser}'@'%' IDENTIFIED BY $(sql_string "$replication_password");`,
    `GRANT REPLICATION SLAVE ON *.* TO '${replicationUser}'@'%';`,
    ...operationsSql,
    "SQL",
    ")",
    "",
    "webstack_primary_setup",
    "",
  ].join("\n");
}

export function renderReplicaSetupScript(spec: ReplicaSetupSpec): string {
  const flavour = flavourOf(spec.flavour);
  const socket = socketOf(spec.socket);
  const host = hostName(spec.primaryHost);
  const port = spec.primaryPort ?? DEFAULT_MYSQL_PORT;
  wholeNumber("primaryPort", port, 1, 65535);
  const user = identifier("replicationUser", spec.replicationUser ?? DEFAULT_REPLICATION_USER, 32);
  const waitSeconds = spec.primaryWaitSeconds ?? DEFAULT_PRIMARY_WAIT_SECONDS;
  wholeNumber("primaryWaitSeconds", waitSeconds, 1, 3600);
  const startSeconds = spec.replicationStartSeconds ?? DEFAULT_REPLICATION_START_SECONDS;
  wholeNumber("replicationStartSeconds", startSeconds, 1, 3600);
  const client = clientBinary(flavour);
  const { rootPassword, replicationPassword } = REPLICATION_ENV;
  const running = flavour === "mysql" ? "Replica" : "Slave";

  return [
    "#!/usr/bin/env bash",
    "# Rendered by webstack (components/mysql/replication.ts). Do not edit: change the stack config.",
    `# First start of a ${flavour} replica: waits for the primary ${host}:${port}, follows it with GTID`,
    "# auto-positioning from its first transaction, starts replication and makes this server",
    "# read-only. Passwords are read at run time:",
    `#   ${rootPassword}[_FILE]  root on the local socket (empty: no password)`,
    `#   ${replicationPassword}[_FILE]  the replication user '${user}'`,
    "# The replica must not have written anything of its own before (no database or user env vars",
    "# for the image): every object, users included, arrives from the primary's binary log.",
    "",
    "webstack_replica_setup() (",
    "  set -euo pipefail",
    SHELL_HELPERS,
    `  root_password=$(read_secret ${rootPassword} optional)`,
    `  replication_password=$(read_secret ${replicationPassword} required)`,
    "",
    "  umask 077",
    "  local_defaults=$(mktemp)",
    "  primary_defaults=$(mktemp)",
    '  trap \'rm -f "$local_defaults" "$primary_defaults"\' EXIT',
    localDefaults(socket),
    "  {",
    '    echo "[client]"',
    `    echo "user=${user}"`,
    '    echo "password=$(option_value "$replication_password")"',
    `    echo "host=${host}"`,
    `    echo "port=${port}"`,
    '    echo "protocol=tcp"',
    // caching_sha2_password over a connection without TLS needs the server's RSA key.
    ...(flavour === "mysql" ? ['    echo "get-server-public-key"'] : []),
    '  } >"$primary_defaults"',
    "",
    `  echo "webstack: waiting up to ${waitSeconds} s for the primary ${host}:${port}" >&2`,
    `  deadline=$((SECONDS + ${waitSeconds}))`,
    `  until ${client} --defaults-file="$primary_defaults" --batch --execute='SELECT 1' >/dev/null 2>&1; do`,
    "    if ((SECONDS >= deadline)); then",
    `      echo "webstack: the primary ${host}:${port} did not accept user ${user} within ${waitSeconds} s" >&2`,
    "      exit 1",
    "    fi",
    "    sleep 2",
    "  done",
    "",
    `  echo "webstack: replicating from ${host}:${port} with GTID auto-positioning" >&2`,
    `  ${client} --defaults-file="$local_defaults" <<SQL`,
    SQL_MODE_WITH_BACKSLASH_ESCAPES,
    "STOP REPLICA;",
    ...(flavour === "mysql"
      ? [
          `CHANGE REPLICATION SOURCE TO SOURCE_HOST='${host}', SOURCE_PORT=${port}, SOURCE_USER='${user}', SOURCE_PASSWORD=$(sql_string "$replication_password"), SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, SOURCE_CONNECT_RETRY=10;`,
          "START REPLICA;",
          "-- Persisted in the data directory, so it holds after every restart; it also blocks",
          "-- users with SUPER or CONNECTION_ADMIN, unlike read_only in my.cnf.",
          "SET PERSIST super_read_only = ON;",
        ]
      : [
          `CHANGE MASTER TO MASTER_HOST='${host}', MASTER_PORT=${port}, MASTER_USER='${user}', MASTER_PASSWORD=$(sql_string "$replication_password"), MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=10;`,
          "START REPLICA;",
          "-- MariaDB has no super_read_only; my.cnf sets read_only for every later start.",
          "SET GLOBAL read_only = ON;",
        ]),
    "SQL",
    "",
    `  deadline=$((SECONDS + ${startSeconds}))`,
    "  for (( ; ; )); do",
    `    status=$(${client} --defaults-file="$local_defaults" --vertical --execute='SHOW REPLICA STATUS')`,
    `    if [[ $status == *"${running}_IO_Running: Yes"* && $status == *"${running}_SQL_Running: Yes"* ]]; then`,
    '      echo "webstack: replication running" >&2',
    "      break",
    "    fi",
    "    if ((SECONDS >= deadline)); then",
    `      echo "webstack: replication did not start within ${startSeconds} s:" >&2`,
    `      grep -E '(${running}_IO_Running|${running}_SQL_Running|Last_IO_Error|Last_SQL_Error):' <<<"$status" >&2 || true`,
    "      exit 1",
    "    fi",
    "    sleep 1",
    "  done",
    ")",
    "",
    "webstack_replica_setup",
    "",
  ].join("\n");
}

const SQL_MODE_WITH_BACKSLASH_ESCAPES =
  "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '');";

// Shared by both scripts. Values reach the client only through a 0600 option file or stdin,
// never through argv, where every local user could read them in `ps`.
const SHELL_HELPERS = bash`
  # Prints the secret held in the variable named $1, or read from the file named by $1_FILE.
  read_secret() {
    local name=$1 need=$2
    local file_name="@{name}_FILE"
    local value=@{!name:-} file=@{!file_name:-}
    if [[ -n $value && -n $file ]]; then
      echo "webstack: set $name or $file_name, not both" >&2
      return 1
    fi
    if [[ -n $file ]]; then
      if [[ ! -r $file ]]; then
        echo "webstack: $file_name names $file, which cannot be read" >&2
        return 1
      fi
      value=$(<"$file")
    fi
    if [[ -z $value && $need == required ]]; then
      echo "webstack: $name (or $file_name) must be set" >&2
      return 1
    fi
    if [[ $value == *$'\n'* ]]; then
      echo "webstack: $name must be a single line" >&2
      return 1
    fi
    printf '%s' "$value"
  }

  # An option-file value: double-quoted, with backslash and double quote escaped.
  option_value() {
    local escaped=@{1//\\/\\\\}
    escaped=@{escaped//\"/\\\"}
    printf '"%s"' "$escaped"
  }

  # A SQL string literal: backslash escaped and single quote doubled.
  sql_string() {
    local escaped=@{1//\\/\\\\}
    escaped=@{escaped//\'/\'\'}
    printf "'%s'" "$escaped"
  }
`;

/** A raw template for shell text: `@{` stands for `${`, which a template literal would take. */
function bash(strings: TemplateStringsArray): string {
  return strings.raw.join("").replaceAll("@{", "${");
}

function localDefaults(socket: string): string {
  return [
    "  {",
    '    echo "[client]"',
    '    echo "user=root"',
    '    if [[ -n $root_password ]]; then echo "password=$(option_value "$root_password")"; fi',
    `    echo "socket=${socket}"`,
    '    echo "protocol=socket"',
    '  } >"$local_defaults"',
  ].join("\n");
}

function clientBinary(flavour: MysqlFlavour): string {
  // MariaDB 11 images no longer ship the `mysql` name.
  return flavour === "mysql" ? "mysql" : "mariadb";
}

function flavourOf(flavour: MysqlFlavour | undefined): MysqlFlavour {
  const value = flavour ?? "mysql";
  if (value !== "mysql" && value !== "mariadb") {
    throw new Error(
      `mysql.flavour ${JSON.stringify(value)} is not allowed: use "mysql" or "mariadb"`,
    );
  }
  return value;
}

function socketOf(socket: string | undefined): string {
  const value = socket ?? DEFAULT_MYSQL_PATHS.socket;
  if (!/^\/[A-Za-z0-9._/-]+$/.test(value)) {
    throw new Error(
      `mysql.socket ${JSON.stringify(value)} is not allowed: use an absolute path of letters, digits, '.', '_', '-' and '/'`,
    );
  }
  return value;
}

function identifier(field: string, value: string, maxLength: number): string {
  const pattern = new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${maxLength - 1}}$`);
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new Error(
      `mysql.${field} ${JSON.stringify(value)} is not allowed: use a letter then letters, digits or '_', at most ${maxLength} characters`,
    );
  }
  return value;
}

function hostName(value: string): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(value)) {
    throw new Error(
      `mysql.primaryHost ${JSON.stringify(value)} is not allowed: use a host name or IPv4 address (letters, digits, '.', '-')`,
    );
  }
  return value;
}

function wholeNumber(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`mysql.${field} ${value} is not allowed: use an integer from ${min} to ${max}`);
  }
}
