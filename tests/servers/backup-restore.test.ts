// The backup job's scripts as rendered for the container, run against a real MariaDB (standing in
// for MySQL 8) and a real Redis on loopback: shellcheck-clean; a full dump restored after the
// database is dropped gives identical CHECKSUM TABLE results, routines, triggers, events and
// views; copied binary logs replay the writes made after the dump (point-in-time recovery);
// the weekly restore test cleans up after itself; a truncated or tampered dump fails loudly and
// sets the failure metric; a stopped (SIGSTOP) MySQL or Redis, an RDB that never comes and a dump
// that never ends fail the run within its time limit, naming the server, and release the lock;
// a run stuck past its schedule is reported by the next; and retention keeps exactly the
// grandfather-father-son set.
import * as fs from "node:fs";
import * as path from "node:path";
import { backupJobEnv, installBackupScripts } from "../support/backup-job";
import { Mariadb, startMariadb } from "../support/mariadb";
import {
  Daemon,
  freePort,
  requireBinary,
  run,
  RunResult,
  scratchDir,
  startListening,
} from "../support/servers";

// A password that needs escaping in an option file and in SQL.
const BACKUP_PASSWORD = `Pa$s"w\\rd'42`;

const SEED = `
SET SESSION max_recursive_iterations = 100000;
CREATE DATABASE shop CHARACTER SET utf8mb4;
USE shop;
CREATE TABLE customers (
  id INT PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(200) NOT NULL UNIQUE,
  avatar BLOB,
  created_at DATETIME(6) NOT NULL
) ENGINE=InnoDB;
CREATE TABLE orders (
  id INT PRIMARY KEY AUTO_INCREMENT,
  customer_id INT NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  note TEXT,
  FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;
CREATE TABLE order_audit (
  id INT PRIMARY KEY AUTO_INCREMENT,
  order_id INT NOT NULL,
  action VARCHAR(20) NOT NULL
) ENGINE=InnoDB;
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW
  INSERT INTO order_audit (order_id, action) VALUES (NEW.id, 'insert');
CREATE FUNCTION customer_total(cid INT) RETURNS DECIMAL(12,2) READS SQL DATA
  RETURN (SELECT COALESCE(SUM(amount), 0) FROM orders WHERE customer_id = cid);
CREATE PROCEDURE add_order(IN cid INT, IN amt DECIMAL(10,2)) MODIFIES SQL DATA
  INSERT INTO orders (customer_id, amount, note) VALUES (cid, amt, 'via procedure');
CREATE EVENT purge_audit ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM order_audit WHERE id < 0;
CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 500;
INSERT INTO customers (name, email, avatar, created_at)
  WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1200)
  SELECT CONCAT('客户-', n, ' 🚀'), CONCAT('c', n, '@example.com'), UNHEX(SHA2(n, 256)),
         TIMESTAMP('2025-01-01') + INTERVAL n MINUTE FROM seq;
INSERT INTO orders (customer_id, amount, note)
  WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 3000)
  SELECT 1 + (n MOD 1200), ROUND(n * 1.37, 2), REPEAT('x', n MOD 50) FROM seq;
CALL add_order(7, 123.45);
`;

const STATE_QUERIES = [
  "CHECKSUM TABLE shop.customers, shop.orders, shop.order_audit EXTENDED",
  "SELECT COUNT(*) FROM shop.customers",
  "SELECT COUNT(*) FROM shop.orders",
  "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'shop' ORDER BY 2",
  "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'shop'",
  "SELECT EVENT_NAME, STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'shop'",
  "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'shop'",
  "SELECT shop.customer_total(7)",
];

function metrics(file: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const match = /^(\w+)\{kind="[^"]+"\} (\d+)$/.exec(line);
    if (match) values[match[1]] = Number(match[2]);
  }
  return values;
}

function goodBackups(kindDir: string): string[] {
  if (!fs.existsSync(kindDir)) return [];
  return fs
    .readdirSync(kindDir)
    .filter(
      (name) => /^\d{8}T\d{6}Z$/.test(name) && fs.existsSync(path.join(kindDir, name, "BACKUP_OK")),
    )
    .sort();
}

/** Waits for the clock to reach the next second, so two runs never share a backup stamp. */
async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1100 - (Date.now() % 1000)));
}

/** Runs `body` with `daemon` stopped (SIGSTOP: it keeps its port open and never answers). */
function whileStopped<T>(daemon: Daemon, body: () => T): T {
  process.kill(daemon.pid!, "SIGSTOP");
  try {
    return body();
  } finally {
    process.kill(daemon.pid!, "SIGCONT");
  }
}

/** `body`'s result and how long it took, in seconds. */
function timed<T>(body: () => T): [T, number] {
  const started = Date.now();
  const result = body();
  return [result, (Date.now() - started) / 1000];
}

describe("backup.sh and restore.sh against a real MariaDB", () => {
  let dir: string;
  let scripts: { backup: string; restore: string };
  let db: Mariadb | undefined;
  let socket: string;
  let redisPort: number;
  let redis: Daemon | undefined;
  let backupDir: string;
  let metricsDir: string;

  function jobEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return backupJobEnv({
      BACKUP_DIR: backupDir,
      METRICS_DIR: metricsDir,
      MYSQL_HOST: "127.0.0.1",
      MYSQL_PORT: String(db!.port),
      MYSQL_USER: "backup",
      MYSQL_PASSWORD_FILE: path.join(dir, "secrets", "mysql_password"),
      UPLOADS_DIR: path.join(dir, "uploads"),
      CONFIG_DIR: path.join(dir, "config"),
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: String(redisPort),
      REDIS_PASSWORD_FILE: path.join(dir, "secrets", "redis_password"),
      ...extra,
    });
  }

  function backup(args: string[], extra: NodeJS.ProcessEnv = {}): RunResult {
    return run(scripts.backup, args, { env: jobEnv(extra), timeoutMs: 60_000 });
  }

  function restore(args: string[]): RunResult {
    // restore.sh reads the password from MYSQL_PASSWORD here, the other supported way.
    const env = { ...jobEnv(), MYSQL_PASSWORD_FILE: "", MYSQL_PASSWORD: BACKUP_PASSWORD };
    return run(scripts.restore, args, { env, timeoutMs: 60_000 });
  }

  function rootSql(sql: string): string {
    return db!.rootSql(sql);
  }

  function state(): string[] {
    return STATE_QUERIES.map(rootSql);
  }

  function expectOk(result: RunResult): void {
    if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stderr}`);
  }

  beforeAll(async () => {
    for (const [binary, pkg] of [
      ["mariadb-dump", "mariadb-client"],
      ["mariadb-binlog", "mariadb-client"],
      ["redis-server", "redis-server"],
      ["redis-cli", "redis-tools"],
    ]) {
      requireBinary(binary, pkg);
    }
    dir = scratchDir("backup");
    backupDir = path.join(dir, "backups");
    metricsDir = path.join(dir, "textfile");
    for (const sub of ["secrets", "uploads/2025", "config", "redis"]) {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
    }
    scripts = installBackupScripts(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "secrets", "mysql_password"), BACKUP_PASSWORD);
    fs.writeFileSync(path.join(dir, "secrets", "redis_password"), "redis-auth-token\n");
    fs.writeFileSync(path.join(dir, "uploads", "2025", "label-1.pdf"), "%PDF-1.7 label one");
    fs.writeFileSync(path.join(dir, "uploads", "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    fs.writeFileSync(path.join(dir, "config", "app.env"), "NODE_ENV=production\n");

    db = await startMariadb({ dir, extraArgs: ["--binlog-format=ROW"] });
    socket = db.socket;
    redisPort = await freePort();
    // prettier-ignore
    redis = await startListening("redis-server", "redis-server", [
      "--port", String(redisPort), "--bind", "127.0.0.1", "--requirepass", "redis-auth-token",
      "--save", "", "--appendonly", "no", "--dir", path.join(dir, "redis"),
      // Redis waits 5 s for more replicas before a diskless sync; a backup needs no company.
      "--repl-diskless-sync-delay", "0",
    ], redisPort);
    const quoted = BACKUP_PASSWORD.replaceAll("\\", "\\\\").replaceAll("'", "''");
    rootSql(
      `CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '${quoted}';` +
        "GRANT ALL PRIVILEGES ON *.* TO 'backup'@'127.0.0.1';",
    );
    rootSql(SEED);
  }, 60_000);

  afterAll(async () => {
    await db?.stop();
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the scripts are shellcheck-clean", () => {
    requireBinary("shellcheck", "shellcheck");
    const result = run(
      "shellcheck",
      ["--external-sources", "--severity=style", "backup.sh", "restore.sh", "common.sh"],
      { cwd: path.dirname(scripts.backup) },
    );
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test("a full backup, dropped database and restore give identical checksums", () => {
    const before = state();
    expect(Number(rootSql("SELECT COUNT(*) FROM shop.orders"))).toBeGreaterThanOrEqual(1000);

    const started = Math.floor(Date.now() / 1000);
    expectOk(backup(["mysql-full"]));
    const [stamp] = goodBackups(path.join(backupDir, "mysql-full"));
    const backupPath = path.join(backupDir, "mysql-full", stamp);
    expect(fs.readdirSync(backupPath).sort()).toEqual(["BACKUP_OK", "SHA256SUMS", "shop.sql.gz"]);
    const report = metrics(path.join(metricsDir, "webstack_backup_mysql_full.prom"));
    expect(report.webstack_backup_last_status).toBe(1);
    expect(report.webstack_backup_last_success_timestamp_seconds).toBeGreaterThanOrEqual(started);

    rootSql("DROP DATABASE shop");
    expect(rootSql("SHOW DATABASES LIKE 'shop'")).toBe("");
    expectOk(restore([path.join(backupPath, "shop.sql.gz"), "shop"]));
    expect(state()).toEqual(before);
  });

  test("restore.sh refuses to overwrite a database that holds tables unless told to", () => {
    const [stamp] = goodBackups(path.join(backupDir, "mysql-full"));
    const dump = path.join(backupDir, "mysql-full", stamp, "shop.sql.gz");
    const refused = restore([dump, "shop"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      "database shop already holds 4 tables or views; pass --replace",
    );
    const before = state();
    expectOk(restore(["--replace", dump, "shop"]));
    expect(state()).toEqual(before);
  });

  test("copied binary logs replay the writes made after the dump (point-in-time recovery)", async () => {
    await nextSecond();
    expectOk(backup(["mysql-full"]));
    const dumpDir = path.join(
      backupDir,
      "mysql-full",
      goodBackups(path.join(backupDir, "mysql-full")).at(-1)!,
    );
    rootSql(
      "CALL shop.add_order(11, 999.99); CALL shop.add_order(12, 5.00); UPDATE shop.customers SET name = 'renamed' WHERE id = 3;",
    );
    expectOk(backup(["mysql-binlog"]));
    const target = state();

    rootSql("DROP DATABASE shop");
    expectOk(restore([path.join(dumpDir, "shop.sql.gz"), "shop"]));
    expect(state()).not.toEqual(target);

    const dumpText = run("sh", [
      "-c",
      `gzip -dc '${path.join(dumpDir, "shop.sql.gz")}' | head -n 40`,
    ]).stdout;
    const position = /CHANGE MASTER TO MASTER_LOG_FILE='([^']+)', MASTER_LOG_POS=(\d+)/.exec(
      dumpText,
    );
    expect(position).not.toBeNull();
    const [, firstLog, startPosition] = position!;
    const binlogRoot = path.join(backupDir, "mysql-binlog");
    const copied = fs
      .readdirSync(binlogRoot)
      .filter((name) => /^\d{8}T\d{6}Z$/.test(name))
      .flatMap((run) =>
        fs
          .readdirSync(path.join(binlogRoot, run))
          .filter((f) => /^mysql-bin\.\d+$/.test(f))
          .map((f) => path.join(binlogRoot, run, f)),
      )
      .filter((file) => path.basename(file) >= firstLog)
      .sort((a, b) => path.basename(a).localeCompare(path.basename(b)));
    expect(path.basename(copied[0])).toBe(firstLog);
    const replay = run("sh", [
      "-c",
      `mariadb-binlog --start-position=${startPosition} ${copied.map((f) => `'${f}'`).join(" ")} | mariadb -S '${socket}' -u root`,
    ]);
    expect(replay.stderr).toBe("");
    expect(state()).toEqual(target);
  });

  test("the weekly restore test restores into a scratch database and drops it", () => {
    expectOk(backup(["restore-test"]));
    expect(rootSql("SHOW DATABASES LIKE 'webstack_restore_test%'")).toBe("");
    expect(
      metrics(path.join(metricsDir, "webstack_backup_restore_test.prom"))
        .webstack_backup_last_status,
    ).toBe(1);
  });

  test("uploads, configuration and Redis are archived and read back", () => {
    for (const kind of ["files", "config", "redis"]) expectOk(backup([kind]));
    const files = path.join(
      backupDir,
      "files",
      goodBackups(path.join(backupDir, "files"))[0],
      "files.tar.gz",
    );
    expect(run("tar", ["-tzf", files]).stdout.split("\n").sort()).toEqual(
      expect.arrayContaining(["./2025/label-1.pdf", "./logo.png"]),
    );
    const config = path.join(
      backupDir,
      "config",
      goodBackups(path.join(backupDir, "config"))[0],
      "config.tar.gz",
    );
    expect(run("tar", ["-xzOf", config, "./app.env"]).stdout).toBe("NODE_ENV=production\n");
    const rdb = path.join(
      backupDir,
      "redis",
      goodBackups(path.join(backupDir, "redis"))[0],
      "dump.rdb",
    );
    expect(fs.readFileSync(rdb).subarray(0, 5).toString()).toBe("REDIS");
    for (const kind of ["files", "config", "redis"]) {
      expect(
        metrics(path.join(metricsDir, `webstack_backup_${kind}.prom`)).webstack_backup_last_status,
      ).toBe(1);
    }
  });

  test("a dump that stops early fails the integrity check, exits non-zero and reports 0", async () => {
    const metricsFile = path.join(metricsDir, "webstack_backup_mysql_full.prom");
    const lastSuccess = metrics(metricsFile).webstack_backup_last_success_timestamp_seconds;
    const goodBefore = goodBackups(path.join(backupDir, "mysql-full"));
    // A dump tool that ends early but exits 0, as a killed or disk-full dump can look.
    const truncating = path.join(dir, "bin", "truncating-dump");
    fs.writeFileSync(truncating, '#!/bin/sh\nmariadb-dump "$@" | head -c 20000\nexit 0\n', {
      mode: 0o755,
    });
    await nextSecond();
    const result = backup(["mysql-full"], { MYSQL_DUMP: truncating });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("integrity check failed");
    expect(result.stderr).toContain('has no "-- Dump completed" line: the dump stopped early');
    const report = metrics(metricsFile);
    expect(report.webstack_backup_last_status).toBe(0);
    // The last success stays what it was, so BackupStale keeps counting from the real one.
    expect(report.webstack_backup_last_success_timestamp_seconds).toBe(lastSuccess);
    expect(goodBackups(path.join(backupDir, "mysql-full"))).toEqual(goodBefore);
  });

  test("a tampered dump is refused by restore.sh and fails the restore test", () => {
    const newest = goodBackups(path.join(backupDir, "mysql-full")).at(-1)!;
    const dump = path.join(backupDir, "mysql-full", newest, "shop.sql.gz");
    const bytes = fs.readFileSync(dump);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(dump, bytes);

    const refused = restore([dump, "shop_copy"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("does not match its checksum");
    expect(rootSql("SHOW DATABASES LIKE 'shop_copy'")).toBe("");

    const test = backup(["restore-test"]);
    expect(test.status).toBe(1);
    expect(test.stderr).toContain("does not match its checksum");
    expect(
      metrics(path.join(metricsDir, "webstack_backup_restore_test.prom"))
        .webstack_backup_last_status,
    ).toBe(0);
  });

  test("a stopped Redis fails the run within its time limit, naming the node, lock released", () => {
    const [result, seconds] = timed(() =>
      whileStopped(redis!, () => backup(["redis"], { REDIS_QUERY_TIMEOUT_SECONDS: "2" })),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `redis: Redis 127.0.0.1:${redisPort}: INFO cluster got no answer within 2 s (REDIS_QUERY_TIMEOUT_SECONDS), stopped`,
    );
    expect(seconds).toBeLessThan(8);
    expect(
      metrics(path.join(metricsDir, "webstack_backup_redis.prom")).webstack_backup_last_status,
    ).toBe(0);
    expect(fs.existsSync(path.join(backupDir, ".lock-redis"))).toBe(false);
  });

  test("an RDB transfer that never starts is stopped after REDIS_TIMEOUT_SECONDS", async () => {
    const cli = (...args: string[]) =>
      run("redis-cli", ["-p", String(redisPort), "--no-auth-warning", ...args], {
        env: { ...process.env, REDISCLI_AUTH: "redis-auth-token" },
      });
    // Redis holds a diskless sync back for this long, waiting for more replicas to share it.
    expect(cli("CONFIG", "SET", "repl-diskless-sync-delay", "60").stdout).toBe("OK\n");
    try {
      await nextSecond();
      const [result, seconds] = timed(() => backup(["redis"], { REDIS_TIMEOUT_SECONDS: "2" }));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        `redis: redis-cli --rdb from 127.0.0.1:${redisPort} failed: no answer within 2 s (REDIS_TIMEOUT_SECONDS), stopped`,
      );
      expect(seconds).toBeLessThan(8);
      expect(
        metrics(path.join(metricsDir, "webstack_backup_redis.prom")).webstack_backup_last_status,
      ).toBe(0);
    } finally {
      cli("CONFIG", "SET", "repl-diskless-sync-delay", "0");
    }
  });

  test("a stopped MySQL fails the run within its time limit, naming the server", () => {
    const [result, seconds] = timed(() =>
      whileStopped(db!.daemon, () =>
        backup(["mysql-binlog"], { MYSQL_QUERY_TIMEOUT_SECONDS: "2" }),
      ),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `mysql-binlog: cannot connect to MySQL at 127.0.0.1:${db!.port} as backup: MySQL at 127.0.0.1:${db!.port} gave no answer within 2 s (MYSQL_QUERY_TIMEOUT_SECONDS) to: SELECT 1`,
    );
    expect(seconds).toBeLessThan(8);
    expect(
      metrics(path.join(metricsDir, "webstack_backup_mysql_binlog.prom"))
        .webstack_backup_last_status,
    ).toBe(0);
    expect(fs.existsSync(path.join(backupDir, ".lock-mysql-binlog"))).toBe(false);
  });

  test("a dump that never ends is stopped after MYSQL_TIMEOUT_SECONDS", async () => {
    // A dump tool that answers --help (the run reads its options) and then hangs, as a dump
    // stuck on a server that stopped answering mid-dump does.
    const hanging = path.join(dir, "bin", "hanging-dump");
    fs.writeFileSync(
      hanging,
      '#!/bin/sh\n[ "$1" = --help ] && exec mariadb-dump --help\nexec sleep 60\n',
      { mode: 0o755 },
    );
    await nextSecond();
    const [result, seconds] = timed(() =>
      backup(["mysql-full"], { MYSQL_DUMP: hanging, MYSQL_TIMEOUT_SECONDS: "1" }),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `mysql-full: dump of shop from 127.0.0.1:${db!.port} failed: no answer within 1 s (MYSQL_TIMEOUT_SECONDS), stopped`,
    );
    expect(seconds).toBeLessThan(8);
    expect(
      metrics(path.join(metricsDir, "webstack_backup_mysql_full.prom")).webstack_backup_last_status,
    ).toBe(0);
  });

  test("missing settings stop the run with the reason and a failure metric", () => {
    const result = backup(["files"], { UPLOADS_DIR: "" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("files: UPLOADS_DIR is not set");
    expect(
      metrics(path.join(metricsDir, "webstack_backup_files.prom")).webstack_backup_last_status,
    ).toBe(0);
    const noPassword = backup(["mysql-full"], { MYSQL_PASSWORD_FILE: "" });
    expect(noPassword.status).toBe(1);
    expect(noPassword.stderr).toContain("set MYSQL_PASSWORD or MYSQL_PASSWORD_FILE");
  });
});

describe("backup.sh retention and locking", () => {
  let dir: string;
  let bin: string;

  beforeAll(() => {
    dir = scratchDir("retention");
    bin = installBackupScripts(dir).backup;
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Daily 02:00 full backups for every day from `first` to `last` (inclusive), all verified. */
  function dailyBackups(root: string, first: string, last: string): void {
    for (
      let day = Date.parse(`${first}T02:00:00Z`);
      day <= Date.parse(`${last}T02:00:00Z`);
      day += 86_400_000
    ) {
      const stamp = new Date(day)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d+Z$/, "Z");
      fs.mkdirSync(path.join(root, "mysql-full", stamp), { recursive: true });
      fs.writeFileSync(path.join(root, "mysql-full", stamp, "BACKUP_OK"), "kind=mysql-full\n");
    }
  }

  function prune(root: string, extra: NodeJS.ProcessEnv = {}): string[] {
    const env = backupJobEnv({ BACKUP_DIR: root, BACKUP_NOW: "2025-06-15T12:00:00Z", ...extra });
    const result = run(bin, ["prune", "mysql-full"], { env, timeoutMs: 60_000 });
    if (result.status !== 0) throw new Error(result.stderr);
    return fs
      .readdirSync(path.join(root, "mysql-full"))
      .map((name) => name.slice(0, 8))
      .sort();
  }

  function days(first: string, last: string): string[] {
    const out: string[] = [];
    for (
      let day = Date.parse(`${first}T00:00:00Z`);
      day <= Date.parse(`${last}T00:00:00Z`);
      day += 86_400_000
    ) {
      out.push(new Date(day).toISOString().slice(0, 10).replaceAll("-", ""));
    }
    return out;
  }

  // The 1st of each month within 365 days of 2025-06-15 12:00 UTC.
  const MONTHLIES = [
    "20240701",
    "20240801",
    "20240901",
    "20241001",
    "20241101",
    "20241201",
    "20250101",
    "20250201",
    "20250301",
    "20250401",
    "20250501",
    "20250601",
  ];

  test("docs/requirements.md §5 tiers: 30 days of dailies, Sundays for 4 weeks, the 1st for 12 months", () => {
    const root = fs.mkdtempSync(path.join(dir, "gfs-"));
    dailyBackups(root, "2024-05-01", "2025-06-15");
    // A run that never finished and one that failed verification are not backups.
    fs.mkdirSync(path.join(root, "mysql-full", "20250615T030000Z.partial"));
    fs.mkdirSync(path.join(root, "mysql-full", "20250614T120000Z"));
    const kept = prune(root);
    expect(kept).toEqual([...new Set([...MONTHLIES, ...days("2025-05-17", "2025-06-15")])].sort());
  });

  test("with 7 dailies (the issue's variant) the Sunday weeklies fill the 4 weeks", () => {
    const root = fs.mkdtempSync(path.join(dir, "gfs7-"));
    dailyBackups(root, "2024-05-01", "2025-06-15");
    const kept = prune(root, { RETENTION_DAYS_MYSQL_FULL: "7" });
    const sundays = ["20250525", "20250601", "20250608", "20250615"];
    expect(kept).toEqual(
      [...new Set([...MONTHLIES, ...sundays, ...days("2025-06-09", "2025-06-15")])].sort(),
    );
  });

  test("never deletes the newest good backup, however old", () => {
    const root = fs.mkdtempSync(path.join(dir, "newest-"));
    dailyBackups(root, "2025-03-10", "2025-03-14");
    fs.mkdirSync(path.join(root, "mysql-full", "20250401T020000Z"));
    expect(prune(root)).toEqual(["20250314"]);
  });

  test("a run that finds another run of its kind skips without reporting a failure", () => {
    const root = fs.mkdtempSync(path.join(dir, "lock-"));
    const uploads = fs.mkdtempSync(path.join(dir, "uploads-"));
    fs.writeFileSync(path.join(uploads, "a.txt"), "a");
    const env = backupJobEnv({ BACKUP_DIR: root, UPLOADS_DIR: uploads });
    fs.mkdirSync(path.join(root, ".lock-files"));
    // This test's own process stands for a backup still running.
    fs.writeFileSync(path.join(root, ".lock-files", "pid"), String(process.pid));
    const skipped = run(bin, ["files"], { env });
    expect(skipped.status).toBe(1);
    expect(skipped.stderr).toContain("this run is skipped");
    expect(fs.existsSync(path.join(root, "metrics", "webstack_backup_files.prom"))).toBe(false);
    // A lock whose process is gone is taken over.
    fs.writeFileSync(path.join(root, ".lock-files", "pid"), "2147483646");
    const taken = run(bin, ["files"], { env });
    expect(taken.stderr).toContain("taking over the stale lock");
    expect(taken.status).toBe(0);
    expect(fs.existsSync(path.join(root, ".lock-files"))).toBe(false);
  });

  test("a run finding the lock held past the schedule's gap reports the kind failed", () => {
    const root = fs.mkdtempSync(path.join(dir, "stuck-"));
    const uploads = fs.mkdtempSync(path.join(dir, "uploads-"));
    const lock = path.join(root, ".lock-files");
    fs.mkdirSync(lock);
    // This test's own process stands for a run that took the lock two hours ago and hangs.
    fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
    const twoHoursAgo = Date.now() / 1000 - 7200;
    fs.utimesSync(path.join(lock, "pid"), twoHoursAgo, twoHoursAgo);
    const env = backupJobEnv({ BACKUP_DIR: root, UPLOADS_DIR: uploads });
    const stuck = run(bin, ["files"], { env: { ...env, LOCK_MAX_AGE_SECONDS_FILES: "3600" } });
    expect(stuck.status).toBe(1);
    expect(stuck.stderr).toMatch(
      new RegExp(
        `another files run \\(pid ${process.pid}\\) has held \\S+ for 720\\d s, longer than LOCK_MAX_AGE_SECONDS_FILES \\(3600 s, `,
      ),
    );
    expect(
      fs.readFileSync(path.join(root, "metrics", "webstack_backup_files.prom"), "utf8"),
    ).toContain('webstack_backup_last_status{kind="files"} 0\n');
    // The stuck run's lock is its own: the reporting run leaves it alone.
    expect(fs.readFileSync(path.join(lock, "pid"), "utf8")).toBe(String(process.pid));
    // Within the gap (the files tier's default, a day) the run is skipped quietly as before.
    fs.rmSync(path.join(root, "metrics"), { recursive: true });
    const quiet = run(bin, ["files"], { env });
    expect(quiet.stderr).toContain("this run is skipped");
    expect(fs.existsSync(path.join(root, "metrics"))).toBe(false);
  });

  test("a retention setting that is not a number stops the prune", () => {
    const root = fs.mkdtempSync(path.join(dir, "bad-"));
    dailyBackups(root, "2025-06-01", "2025-06-02");
    const env = backupJobEnv({ BACKUP_DIR: root, RETENTION_DAYS_MYSQL_FULL: "thirty" });
    const result = run(bin, ["prune", "mysql-full"], { env });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "RETENTION_DAYS_MYSQL_FULL must be a whole number (got 'thirty')",
    );
  });
});
