// The MySQL first-start script, run by bash against a stand-in client that records what it is
// given: secrets travel through 0600 option files and stdin (never argv, which `ps` shows), SQL
// literals survive hostile passwords, each flavour gets its own grants and replication SQL, bad
// settings fail loudly, and sourcing the script (as some image entrypoints do) leaves the
// caller's shell options alone. Also: shellcheck on every shell script the data tier ships.
import * as fs from "node:fs";
import * as path from "node:path";
import { MysqlFlavour } from "../../components/mysql/my-cnf";
import { FIRST_START_SCRIPT } from "../support/mariadb";
import { PROJECT_DIR } from "../support/program";
import { requireBinary, run, scratchDir } from "../support/servers";

const APP_PASSWORD = `a'b"c\\d #$(touch /tmp/pwned) e`;
const REPLICATION_PASSWORD = `r'e"p\\l`;

// Answers like the real client: the replica's readiness probes succeed, SQL on stdin is logged.
const FAKE_CLIENT = `#!/usr/bin/env bash
{ printf 'ARGV'; printf ' %q' "$@"; printf '\\n'; } >>"$FAKE_LOG"
{ stat -c 'OPTIONS mode %a' "\${1#--defaults-file=}"; cat "\${1#--defaults-file=}"; } >>"$FAKE_LOG"
case " $* " in
  *" --vertical "*)
    printf ' Replica_IO_Running: Yes\\n Replica_SQL_Running: Yes\\n Slave_IO_Running: Yes\\n Slave_SQL_Running: Yes\\n'
    exit 0 ;;
  *"--execute=SELECT 1"*) exit 0 ;;
esac
{ echo "STDIN"; cat; } >>"$FAKE_LOG"
`;

/** The settings the containers pass, per role (components/mysql/docker.ts). */
function settings(flavour: MysqlFlavour, role: "primary" | "replica"): Record<string, string> {
  const common = { WEBSTACK_FLAVOUR: flavour, WEBSTACK_REPLICATION_USER: "replicator" };
  return role === "primary"
    ? { ...common, WEBSTACK_ROLE: role, WEBSTACK_DATABASE: "shop_db", WEBSTACK_DB_USER: "shop" }
    : {
        ...common,
        WEBSTACK_ROLE: role,
        WEBSTACK_PRIMARY_HOST: "db-primary",
        WEBSTACK_PRIMARY_WAIT_SECONDS: "5",
      };
}

describe("first-start.sh", () => {
  let dir: string;
  let shellcheck: string;

  beforeAll(() => {
    shellcheck = requireBinary("shellcheck", "shellcheck");
    dir = scratchDir("mysql-scripts");
    fs.mkdirSync(path.join(dir, "bin"));
    for (const name of ["mysql", "mariadb"]) {
      fs.writeFileSync(path.join(dir, "bin", name), FAKE_CLIENT, { mode: 0o755 });
    }
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(["mysql/first-start.sh", "redis/create-cluster.sh"])(
    "components/%s is shellcheck-clean",
    (file) => {
      const result = run(shellcheck, [
        "--severity=style",
        path.join(PROJECT_DIR, "components", file),
      ]);
      expect(result.stdout + result.stderr).toBe("");
      expect(result.status).toBe(0);
    },
  );

  function runScript(env: Record<string, string>, name: string) {
    const work = fs.mkdtempSync(path.join(dir, `${name}-`));
    const log = path.join(work, "client.log");
    const tmp = path.join(work, "tmp");
    fs.mkdirSync(tmp);
    const result = run(FIRST_START_SCRIPT, [], {
      env: { PATH: `${dir}/bin:${process.env.PATH}`, FAKE_LOG: log, TMPDIR: tmp, ...env },
    });
    const logText = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    return { ...result, log: logText, leftovers: fs.readdirSync(tmp) };
  }

  test.each<MysqlFlavour>(["mysql", "mariadb"])(
    "%s primary: passwords reach the client only through stdin and a removed 0600 option file",
    (flavour) => {
      const result = runScript(
        {
          ...settings(flavour, "primary"),
          MYSQL_ROOT_PASSWORD: "root-secret",
          WEBSTACK_DB_PASSWORD: APP_PASSWORD,
          WEBSTACK_REPLICATION_PASSWORD: REPLICATION_PASSWORD,
        },
        `${flavour}-primary`,
      );
      expect(result.stderr).toContain("creating database shop_db");
      expect(result.status).toBe(0);
      const argv = result.log.split("\n").filter((line) => line.startsWith("ARGV"));
      expect(argv).toEqual([expect.stringMatching(/^ARGV --defaults-file=\S+$/)]);
      expect(result.log).toContain('OPTIONS mode 600\n[client]\nuser=root\npassword="root-secret"');
      // Quotes doubled, backslash escaped, nothing expanded by the shell.
      expect(result.log).toContain(
        `CREATE USER IF NOT EXISTS 'shop'@'%' IDENTIFIED BY 'a''b"c\\\\d #$(touch /tmp/pwned) e';`,
      );
      expect(result.log).toContain(`IDENTIFIED BY 'r''e"p\\\\l';`);
      expect(result.log).toContain("GRANT ALL PRIVILEGES ON `shop\\_db`.* TO 'shop'@'%';");
      expect(result.leftovers).toEqual([]);
    },
  );

  test.each([
    [
      "mysql" as const,
      "CHANGE REPLICATION SOURCE TO SOURCE_HOST='db-primary', SOURCE_PORT=3306, SOURCE_USER='replicator', " +
        `SOURCE_PASSWORD='r''e"p\\\\l', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, SOURCE_CONNECT_RETRY=10;`,
      "SET PERSIST super_read_only = ON;",
    ],
    [
      "mariadb" as const,
      "CHANGE MASTER TO MASTER_HOST='db-primary', MASTER_PORT=3306, MASTER_USER='replicator', " +
        `MASTER_PASSWORD='r''e"p\\\\l', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=10;`,
      "SET GLOBAL read_only = ON;",
    ],
  ])(
    "%s replica: follows the primary by GTID and locks itself read-only",
    (flavour, change, lock) => {
      const result = runScript(
        {
          ...settings(flavour, "replica"),
          WEBSTACK_REPLICATION_PASSWORD_FILE: writeSecret(REPLICATION_PASSWORD),
        },
        `${flavour}-replica`,
      );
      expect(result.stderr).toContain("replication running");
      expect(result.status).toBe(0);
      const sqlText = result.log.slice(result.log.indexOf("STDIN"));
      expect(sqlText.indexOf("STOP REPLICA;")).toBeLessThan(sqlText.indexOf(change));
      expect(sqlText.indexOf(change)).toBeLessThan(sqlText.indexOf("START REPLICA;"));
      expect(sqlText.indexOf("START REPLICA;")).toBeLessThan(sqlText.indexOf(lock));
      for (const line of result.log.split("\n").filter((l) => l.startsWith("ARGV"))) {
        expect(line).not.toContain("r'e");
      }
      expect(result.leftovers).toEqual([]);
    },
  );

  function writeSecret(value: string): string {
    const file = path.join(dir, `secret-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
    return file;
  }

  test.each([
    [
      "a required password missing",
      { WEBSTACK_REPLICATION_PASSWORD: "x" },
      "webstack: WEBSTACK_DB_PASSWORD (or WEBSTACK_DB_PASSWORD_FILE) must be set",
    ],
    [
      "a password given both ways",
      {
        WEBSTACK_DB_PASSWORD: "x",
        WEBSTACK_DB_PASSWORD_FILE: "/etc/hostname",
        WEBSTACK_REPLICATION_PASSWORD: "x",
      },
      "webstack: set WEBSTACK_DB_PASSWORD or WEBSTACK_DB_PASSWORD_FILE, not both",
    ],
    [
      "an unreadable secret file",
      { WEBSTACK_DB_PASSWORD_FILE: "/nonexistent/secret", WEBSTACK_REPLICATION_PASSWORD: "x" },
      "webstack: WEBSTACK_DB_PASSWORD_FILE names /nonexistent/secret, which cannot be read",
    ],
    [
      "a database name that would end the SQL identifier",
      {
        WEBSTACK_DATABASE: "shop`; DROP",
        WEBSTACK_DB_PASSWORD: "x",
        WEBSTACK_REPLICATION_PASSWORD: "x",
      },
      "webstack: WEBSTACK_DATABASE must match ^[A-Za-z][A-Za-z0-9_]{0,63}$ (got 'shop`; DROP')",
    ],
    [
      "no role",
      { WEBSTACK_ROLE: "", WEBSTACK_REPLICATION_PASSWORD: "x" },
      "webstack: WEBSTACK_ROLE must match ^(primary|replica)$ (got '')",
    ],
  ])("the primary stops before touching the server with %s", (_name, env, message) => {
    const result = runScript({ ...settings("mariadb", "primary"), ...env }, "bad-env");
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim()).toBe(message);
    expect(result.log).toBe("");
  });

  test("a replica host that would end the SQL string is refused", () => {
    const env = { WEBSTACK_PRIMARY_HOST: "db'; --", WEBSTACK_REPLICATION_PASSWORD: "x" };
    const result = runScript({ ...settings("mysql", "replica"), ...env }, "bad-host");
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim()).toMatch(
      /^webstack: WEBSTACK_PRIMARY_HOST must match .* \(got 'db'; --'\)$/,
    );
    expect(result.log).toBe("");
  });

  test.each([
    [
      "mysql" as const,
      "GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, RELOAD, PROCESS, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'webstack_backup'@'%';",
      "GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'webstack_monitor'@'%';",
    ],
    [
      "mariadb" as const,
      "GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, RELOAD, PROCESS, BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'webstack_backup'@'%';",
      "GRANT PROCESS, BINLOG MONITOR, SLAVE MONITOR, SELECT ON *.* TO 'webstack_monitor'@'%';",
    ],
  ])("%s primary: every user gets exactly its grants", (flavour, backup, monitor) => {
    const result = runScript(
      {
        ...settings(flavour, "primary"),
        WEBSTACK_BACKUP_USER: "webstack_backup",
        WEBSTACK_RESTORE_TEST_PREFIX: "webstack_restore_test",
        WEBSTACK_MONITOR_USER: "webstack_monitor",
        WEBSTACK_DB_PASSWORD: "a",
        WEBSTACK_REPLICATION_PASSWORD: "r",
        WEBSTACK_BACKUP_PASSWORD: "b",
        WEBSTACK_MONITOR_PASSWORD: "m",
      },
      `${flavour}-grants`,
    );
    expect(result.status).toBe(0);
    expect(result.log.split("\n").filter((line) => /^(GRANT|CREATE)/.test(line))).toEqual([
      "CREATE DATABASE IF NOT EXISTS `shop_db`;",
      "CREATE USER IF NOT EXISTS 'shop'@'%' IDENTIFIED BY 'a';",
      "GRANT ALL PRIVILEGES ON `shop\\_db`.* TO 'shop'@'%';",
      "CREATE USER IF NOT EXISTS 'replicator'@'%' IDENTIFIED BY 'r';",
      "GRANT REPLICATION SLAVE ON *.* TO 'replicator'@'%';",
      "CREATE USER IF NOT EXISTS 'webstack_backup'@'%' IDENTIFIED BY 'b';",
      backup,
      "GRANT ALL PRIVILEGES ON `webstack\\_restore\\_test%`.* TO 'webstack_backup'@'%';",
      "CREATE USER IF NOT EXISTS 'webstack_monitor'@'%' IDENTIFIED BY 'm' WITH MAX_USER_CONNECTIONS 3;",
      monitor,
    ]);
  });

  test("sourced by an entrypoint, a failure stops it and a success leaves its shell options alone", () => {
    const env = {
      ...settings("mariadb", "primary"),
      PATH: `${dir}/bin:${process.env.PATH}`,
      FAKE_LOG: path.join(dir, "sourced.log"),
    };
    const caller = `set -e; set +u; . ${FIRST_START_SCRIPT}; echo "still here, options $-"`;
    const ok = run("bash", ["-c", caller], {
      env: { ...env, WEBSTACK_DB_PASSWORD: "a", WEBSTACK_REPLICATION_PASSWORD: "r" },
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^still here, options [^u]*$/m);
    const failed = run("bash", ["-c", caller], { env });
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toBe("");
  });
});
