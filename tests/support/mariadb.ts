// A throwaway MariaDB (the stand-in for MySQL 8) for server tests: a fresh datadir from
// mariadb-install-db, mariadbd on a loopback port and a socket, SQL as root or as any user, the
// primary's first-start script run against it, and a stop() that always cleans up.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  OPERATIONS_USERS,
  REPLICATION_USER,
  RESTORE_TEST_PREFIX,
} from "../../components/catalog/mysql";
import { Daemon, freePort, requireBinary, run, RunResult, scratchDir, waitFor } from "./servers";

/** What the MySQL containers run on their first start (components/mysql/first-start.sh). */
export const FIRST_START_SCRIPT = path.resolve(__dirname, "../../components/mysql/first-start.sh");

export interface MariadbOptions {
  /**
   * Where the datadir ("data"), socket, pid file and binary logs ("binlog") go; the caller owns it.
   * @default a new scratch directory, removed by stop()
   */
  readonly dir?: string;
  /** Loopback TCP port. @default a free port */
  readonly port?: number;
  /** InnoDB buffer pool; small, because up to three helpers share a 2-core machine. @default "64M" */
  readonly bufferPool?: string;
  /** More mariadbd options, e.g. "--binlog-format=ROW". @default [] */
  readonly extraArgs?: readonly string[];
}

export interface Mariadb {
  readonly port: number;
  readonly socket: string;
  /** The directory holding data, socket and binary logs (dir/binlog/mysql-bin.*). */
  readonly dir: string;
  readonly daemon: Daemon;
  /** SQL as root over the socket (socket auth, as an operator in the container); values only. Throws on error. */
  rootSql(sql: string): string;
  /** SQL over TCP as `user`, the way the application, exporter and backup job connect. Never throws. */
  as(user: string, password: string, sql: string): RunResult;
  /** Stops mariadbd, and removes the directory if startMariadb made it. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Bootstraps and starts MariaDB with the binary log on (server-id 1), root by socket auth and no
 * test database; resolves once root can run a query. A failed start stops what it started.
 */
export async function startMariadb(options: MariadbOptions = {}): Promise<Mariadb> {
  for (const binary of ["mariadbd", "mariadb-install-db"]) requireBinary(binary, "mariadb-server");
  requireBinary("mariadb", "mariadb-client");
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? scratchDir("mariadb");
  const port = options.port ?? (await freePort());
  const socket = path.join(dir, "mysqld.sock");
  const datadir = path.join(dir, "data");
  let daemon: Daemon | undefined;
  const stop = async () => {
    await daemon?.stop();
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    fs.mkdirSync(path.join(dir, "binlog"), { recursive: true });
    // prettier-ignore
    const install = run("mariadb-install-db", [
      "--no-defaults", "--user=root", `--datadir=${datadir}`,
      "--auth-root-authentication-method=socket", "--skip-test-db",
    ], { timeoutMs: 60_000 });
    if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`);
    // prettier-ignore
    daemon = new Daemon("mariadbd", "mariadbd", [
      "--no-defaults", "--user=root", `--datadir=${datadir}`, `--socket=${socket}`,
      `--port=${port}`, "--bind-address=127.0.0.1", `--pid-file=${path.join(dir, "mysqld.pid")}`,
      `--log-bin=${path.join(dir, "binlog", "mysql-bin")}`, "--server-id=1",
      "--skip-name-resolve", `--innodb-buffer-pool-size=${options.bufferPool ?? "64M"}`,
      ...(options.extraArgs ?? []),
    ]);
    const started = daemon;
    await waitFor(
      "mariadbd to accept connections",
      () => run("mariadb", ["-S", socket, "-u", "root", "-e", "SELECT 1"]).status === 0,
      { timeoutMs: 30_000, describe: () => started.log },
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    port,
    socket,
    dir,
    daemon,
    rootSql(sql) {
      const args = ["-S", socket, "-u", "root", "--default-character-set=utf8mb4", "--batch", "-N"];
      const result = run("mariadb", args, { input: sql });
      if (result.status !== 0) throw new Error(`SQL failed: ${result.stderr}\n${sql}`);
      return result.stdout.trim();
    },
    as(user, password, sql) {
      // prettier-ignore
      const args = ["--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", String(port),
        "-u", user, "--batch", "-N", "-e", sql];
      return run("mariadb", args, { env: { ...process.env, MYSQL_PWD: password } });
    },
    stop,
  };
}

/** Passwords of the users the primary's first-start script creates. */
export interface OperationsPasswords {
  readonly app: string;
  readonly replication: string;
  readonly backup: string;
  readonly monitor: string;
}

/**
 * Runs the first-start script as the primary on `db` the way the container does (settings in the
 * environment, secrets as 0600 *_FILE files, a bare PATH), creating `database`, its `appUser`, the
 * replication user and the backup and metrics users (OPERATIONS_USERS). Returns the secret files,
 * under dir/secrets.
 */
export function runPrimaryInit(
  db: Mariadb,
  spec: { dir: string; database: string; appUser: string; passwords: OperationsPasswords },
): Record<keyof OperationsPasswords, string> {
  const secrets = path.join(spec.dir, "secrets");
  fs.mkdirSync(secrets, { recursive: true });
  const secretFile = (name: string, value: string) => {
    const file = path.join(secrets, name);
    fs.writeFileSync(file, value, { mode: 0o600 });
    return file;
  };
  const files = {
    app: secretFile("app", spec.passwords.app),
    replication: secretFile("repl", spec.passwords.replication),
    backup: secretFile("backup", spec.passwords.backup),
    monitor: secretFile("monitor", spec.passwords.monitor),
  };
  const init = run(FIRST_START_SCRIPT, [], {
    env: {
      PATH: process.env.PATH,
      WEBSTACK_ROLE: "primary",
      WEBSTACK_FLAVOUR: "mariadb",
      WEBSTACK_SOCKET: db.socket,
      WEBSTACK_DATABASE: spec.database,
      WEBSTACK_DB_USER: spec.appUser,
      WEBSTACK_REPLICATION_USER: REPLICATION_USER,
      WEBSTACK_BACKUP_USER: OPERATIONS_USERS.backup,
      WEBSTACK_RESTORE_TEST_PREFIX: RESTORE_TEST_PREFIX,
      WEBSTACK_MONITOR_USER: OPERATIONS_USERS.monitor,
      WEBSTACK_DB_PASSWORD_FILE: files.app,
      WEBSTACK_REPLICATION_PASSWORD_FILE: files.replication,
      WEBSTACK_BACKUP_PASSWORD_FILE: files.backup,
      WEBSTACK_MONITOR_PASSWORD_FILE: files.monitor,
    },
  });
  if (init.status !== 0) throw new Error(`primary init script failed: ${init.stderr}`);
  return files;
}
