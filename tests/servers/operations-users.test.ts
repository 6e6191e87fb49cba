// The backup job's and the metrics exporter's MySQL users, created by the rendered primary init
// script on a real MariaDB (standing in for MySQL 8): with exactly their grants, backup.sh takes a
// full dump and copies binary logs and runs the weekly restore test, and the exporter's user reads
// what mysqld_exporter reads — while neither can touch the application's data.
import * as fs from "node:fs";
import * as path from "node:path";
import { renderBackupScript, renderRestoreScript } from "../../components/backups/backup-script";
import {
  MONITOR_MAX_CONNECTIONS,
  OPERATIONS_USERS,
  REPLICATION_ENV,
  renderPrimaryInitScript,
} from "../../components/mysql/replication";
import {
  Daemon,
  freePort,
  requireBinary,
  run,
  RunResult,
  scratchDir,
  waitFor,
} from "../support/servers";

const DATABASE = "shop";
const PASSWORDS = {
  app: "App-Secret-1234567890",
  replication: "Repl-Secret-1234567890",
  backup: `Back"up$-Secret\\1234`,
  monitor: "Mon#itor;Secret=1234",
};

describe("operations users on a real MariaDB", () => {
  let dir: string;
  let socket: string;
  let port: number;
  let mariadb: Daemon | undefined;

  function secretFile(name: string, value: string): string {
    const file = path.join(dir, "secrets", name);
    fs.writeFileSync(file, value, { mode: 0o600 });
    return file;
  }

  function rootSql(sql: string): string {
    const result = run("mariadb", ["-S", socket, "-u", "root", "--batch", "-N"], { input: sql });
    if (result.status !== 0) throw new Error(`SQL failed: ${result.stderr}\n${sql}`);
    return result.stdout.trim();
  }

  /** One statement over TCP as `user`, the way the exporter and the backup job connect. */
  function as(user: keyof typeof OPERATIONS_USERS, sql: string): RunResult {
    return run(
      "mariadb",
      ["--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", String(port)].concat([
        "-u",
        OPERATIONS_USERS[user],
        "--batch",
        "-N",
        "-e",
        sql,
      ]),
      { env: { ...process.env, MYSQL_PWD: PASSWORDS[user] } },
    );
  }

  function backup(kind: string): RunResult {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!/^(MYSQL_|REDIS_|BACKUP_|RETENTION_|METRICS_)/.test(key)) env[key] = value;
    }
    return run(path.join(dir, "bin", "backup.sh"), [kind], {
      env: {
        ...env,
        BACKUP_DIR: path.join(dir, "backups"),
        MYSQL_HOST: "127.0.0.1",
        MYSQL_PORT: String(port),
        MYSQL_USER: OPERATIONS_USERS.backup,
        MYSQL_PASSWORD_FILE: path.join(dir, "secrets", "backup"),
      },
      timeoutMs: 60_000,
    });
  }

  beforeAll(async () => {
    requireBinary("mariadbd", "mariadb-server");
    requireBinary("mariadb-install-db", "mariadb-server");
    requireBinary("mariadb", "mariadb-client");
    requireBinary("mariadb-dump", "mariadb-client");
    requireBinary("mariadb-binlog", "mariadb-client");
    dir = scratchDir("operations-users");
    socket = path.join(dir, "mysqld.sock");
    for (const sub of ["bin", "secrets", "binlog"]) fs.mkdirSync(path.join(dir, sub));
    fs.writeFileSync(path.join(dir, "bin", "backup.sh"), renderBackupScript(), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "bin", "restore.sh"), renderRestoreScript(), { mode: 0o755 });
    port = await freePort();
    const install = run(
      "mariadb-install-db",
      [
        "--no-defaults",
        "--user=root",
        `--datadir=${path.join(dir, "data")}`,
        "--auth-root-authentication-method=socket",
        "--skip-test-db",
      ],
      { timeoutMs: 60_000 },
    );
    if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`);
    mariadb = new Daemon("mariadbd", "mariadbd", [
      "--no-defaults",
      "--user=root",
      `--datadir=${path.join(dir, "data")}`,
      `--socket=${socket}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--pid-file=${path.join(dir, "mysqld.pid")}`,
      `--log-bin=${path.join(dir, "binlog", "mysql-bin")}`,
      "--server-id=1",
      "--skip-name-resolve",
      "--innodb-buffer-pool-size=64M",
    ]);
    await waitFor(
      "mariadbd to accept connections",
      () => run("mariadb", ["-S", socket, "-u", "root", "-e", "SELECT 1"]).status === 0,
      { timeoutMs: 30_000, describe: () => mariadb?.log ?? "" },
    );

    const script = path.join(dir, "50-webstack-primary.sh");
    fs.writeFileSync(
      script,
      renderPrimaryInitScript({
        flavour: "mariadb",
        socket,
        database: DATABASE,
        appUser: "shop_app",
        backupUser: OPERATIONS_USERS.backup,
        monitorUser: OPERATIONS_USERS.monitor,
      }),
      { mode: 0o755 },
    );
    const init = run(script, [], {
      env: {
        PATH: process.env.PATH,
        [`${REPLICATION_ENV.appPassword}_FILE`]: secretFile("app", PASSWORDS.app),
        [`${REPLICATION_ENV.replicationPassword}_FILE`]: secretFile("repl", PASSWORDS.replication),
        [`${REPLICATION_ENV.backupPassword}_FILE`]: secretFile("backup", PASSWORDS.backup),
        [`${REPLICATION_ENV.monitorPassword}_FILE`]: secretFile("monitor", PASSWORDS.monitor),
      },
    });
    if (init.status !== 0) throw new Error(`init script: ${init.stderr}`);
    rootSql(
      `CREATE TABLE ${DATABASE}.orders (id INT PRIMARY KEY AUTO_INCREMENT, amount DECIMAL(10,2));` +
        `INSERT INTO ${DATABASE}.orders (amount) VALUES (10.50), (20.25), (30.00);` +
        `CREATE VIEW ${DATABASE}.big_orders AS SELECT id FROM ${DATABASE}.orders WHERE amount > 15;`,
    );
  }, 60_000);

  afterAll(async () => {
    await mariadb?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the backup user takes a full dump, copies binary logs and runs the restore test", () => {
    for (const kind of ["mysql-full", "mysql-binlog", "restore-test"]) {
      const result = backup(kind);
      if (result.status !== 0) throw new Error(`${kind}: exit ${result.status}\n${result.stderr}`);
    }
    const full = fs.readdirSync(path.join(dir, "backups", "mysql-full"));
    expect(full.filter((name) => /^\d{8}T\d{6}Z$/.test(name))).toHaveLength(1);
    // The restore test dropped its scratch database again.
    expect(rootSql("SHOW DATABASES LIKE 'webstack\\_restore\\_test%'")).toBe("");
  });

  test("the backup user cannot change application data or create other databases", () => {
    const insert = as("backup", `INSERT INTO ${DATABASE}.orders (amount) VALUES (1)`);
    expect(insert.status).not.toBe(0);
    expect(insert.stderr).toContain("INSERT command denied");
    const create = as("backup", "CREATE DATABASE elsewhere");
    expect(create.status).not.toBe(0);
    expect(create.stderr).toContain("Access denied");
  });

  test.each([
    ["global status", "SHOW GLOBAL STATUS LIKE 'Threads_connected'"],
    ["max_connections", "SHOW GLOBAL VARIABLES LIKE 'max_connections'"],
    ["replica status", "SHOW REPLICA STATUS"],
    ["binary logs", "SHOW BINARY LOGS"],
    ["processes", "SELECT COUNT(*) FROM information_schema.PROCESSLIST"],
  ])("the metrics user reads %s", (_, sql) => {
    const result = as("monitor", sql);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test("the metrics user cannot write, and holds at most a few connections", () => {
    const insert = as("monitor", `INSERT INTO ${DATABASE}.orders (amount) VALUES (1)`);
    expect(insert.stderr).toContain("INSERT command denied");
    expect(
      rootSql(
        `SELECT max_user_connections FROM mysql.user WHERE user = '${OPERATIONS_USERS.monitor}'`,
      ),
    ).toBe(String(MONITOR_MAX_CONNECTIONS));
  });
});
