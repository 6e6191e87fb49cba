// The backup job's and the metrics exporter's MySQL users, created by the primary's first-start
// script on a real MariaDB (standing in for MySQL 8): with exactly their grants, backup.sh takes a
// full dump and copies binary logs and runs the weekly restore test, and the exporter's user reads
// what mysqld_exporter reads — while neither can touch the application's data.
import * as fs from "node:fs";
import * as path from "node:path";
import { OPERATIONS_USERS } from "../../components/catalog/mysql";
import { backupJobEnv, installBackupScripts } from "../support/backup-job";
import { Mariadb, runPrimaryInit, startMariadb } from "../support/mariadb";
import { requireBinary, run, RunResult, scratchDir } from "../support/servers";

const DATABASE = "shop";
const PASSWORDS = {
  app: "App-Secret-1234567890",
  replication: "Repl-Secret-1234567890",
  backup: `Back"up$-Secret\\1234`,
  monitor: "Mon#itor;Secret=1234",
};

describe("operations users on a real MariaDB", () => {
  let dir: string;
  let db: Mariadb | undefined;
  let backupScript: string;
  let backupPasswordFile: string;

  const rootSql = (sql: string) => db!.rootSql(sql);

  /** One statement over TCP as `user`, the way the exporter and the backup job connect. */
  function as(user: keyof typeof OPERATIONS_USERS, sql: string): RunResult {
    return db!.as(OPERATIONS_USERS[user], PASSWORDS[user], sql);
  }

  function backup(kind: string): RunResult {
    return run(backupScript, [kind], {
      env: backupJobEnv({
        BACKUP_DIR: path.join(dir, "backups"),
        MYSQL_HOST: "127.0.0.1",
        MYSQL_PORT: String(db!.port),
        MYSQL_USER: OPERATIONS_USERS.backup,
        MYSQL_PASSWORD_FILE: backupPasswordFile,
      }),
      timeoutMs: 60_000,
    });
  }

  beforeAll(async () => {
    requireBinary("mariadb-dump", "mariadb-client");
    requireBinary("mariadb-binlog", "mariadb-client");
    dir = scratchDir("operations-users");
    backupScript = installBackupScripts(path.join(dir, "bin")).backup;
    db = await startMariadb({ dir });
    backupPasswordFile = runPrimaryInit(db, {
      dir,
      database: DATABASE,
      appUser: "shop_app",
      passwords: PASSWORDS,
    }).backup;
    rootSql(
      `CREATE TABLE ${DATABASE}.orders (id INT PRIMARY KEY AUTO_INCREMENT, amount DECIMAL(10,2));` +
        `INSERT INTO ${DATABASE}.orders (amount) VALUES (10.50), (20.25), (30.00);` +
        `CREATE VIEW ${DATABASE}.big_orders AS SELECT id FROM ${DATABASE}.orders WHERE amount > 15;`,
    );
  }, 60_000);

  afterAll(async () => {
    await db?.stop();
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
    ).toBe("3");
  });
});
