// The rendered first-start scripts, run by bash against a stand-in client that records what it
// is given: secrets travel through 0600 option files and stdin (never argv, which `ps` shows),
// SQL literals survive hostile passwords, bad secret setups fail loudly, and sourcing a script
// (as some image entrypoints do) leaves the caller's shell options alone. Also: shellcheck.
import * as fs from "node:fs";
import * as path from "node:path";
import { MysqlFlavour } from "../../components/mysql/my-cnf";
import {
  REPLICATION_ENV,
  renderPrimaryInitScript,
  renderReplicaSetupScript,
} from "../../components/mysql/replication";
import { redisClusterLayout } from "../../components/redis/cluster-layout";
import { MIB } from "../../components/redis/redis-conf";
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

function scripts(flavour: MysqlFlavour): { primary: string; replica: string } {
  return {
    primary: renderPrimaryInitScript({ flavour, database: "shop_db", appUser: "shop" }),
    replica: renderReplicaSetupScript({
      flavour,
      primaryHost: "db-primary",
      primaryWaitSeconds: 5,
    }),
  };
}

describe("rendered shell scripts", () => {
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

  const shellScripts: [string, () => string][] = [
    ["mysql primary init", () => scripts("mysql").primary],
    ["mysql replica setup", () => scripts("mysql").replica],
    ["mariadb primary init", () => scripts("mariadb").primary],
    ["mariadb replica setup", () => scripts("mariadb").replica],
    [
      "redis cluster create job",
      () =>
        redisClusterLayout({ nodeMemoryBytes: 1024 * MIB, password: "Abcdefgh12345678-x" }).create
          .script,
    ],
  ];

  test.each(shellScripts)("%s is shellcheck-clean", (name, render) => {
    const file = path.join(dir, `${name.replace(/ /g, "-")}.sh`);
    fs.writeFileSync(file, render());
    const result = run(shellcheck, ["--severity=style", file]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  function runScript(text: string, env: Record<string, string>, name: string) {
    const work = fs.mkdtempSync(path.join(dir, `${name}-`));
    const file = path.join(work, "script.sh");
    fs.writeFileSync(file, text, { mode: 0o755 });
    const log = path.join(work, "client.log");
    const tmp = path.join(work, "tmp");
    fs.mkdirSync(tmp);
    const result = run(file, [], {
      env: { PATH: `${dir}/bin:${process.env.PATH}`, FAKE_LOG: log, TMPDIR: tmp, ...env },
    });
    const logText = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    return { ...result, log: logText, leftovers: fs.readdirSync(tmp) };
  }

  test.each<MysqlFlavour>(["mysql", "mariadb"])(
    "%s primary: passwords reach the client only through stdin and a removed 0600 option file",
    (flavour) => {
      const result = runScript(
        scripts(flavour).primary,
        {
          [REPLICATION_ENV.rootPassword]: "root-secret",
          [REPLICATION_ENV.appPassword]: APP_PASSWORD,
          [REPLICATION_ENV.replicationPassword]: REPLICATION_PASSWORD,
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
        scripts(flavour).replica,
        { [`${REPLICATION_ENV.replicationPassword}_FILE`]: writeSecret(REPLICATION_PASSWORD) },
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
      { [REPLICATION_ENV.replicationPassword]: "x" },
      "webstack: WEBSTACK_DB_PASSWORD (or WEBSTACK_DB_PASSWORD_FILE) must be set",
    ],
    [
      "a password given both ways",
      {
        [REPLICATION_ENV.appPassword]: "x",
        [`${REPLICATION_ENV.appPassword}_FILE`]: "/etc/hostname",
        [REPLICATION_ENV.replicationPassword]: "x",
      },
      "webstack: set WEBSTACK_DB_PASSWORD or WEBSTACK_DB_PASSWORD_FILE, not both",
    ],
    [
      "an unreadable secret file",
      {
        [`${REPLICATION_ENV.appPassword}_FILE`]: "/nonexistent/secret",
        [REPLICATION_ENV.replicationPassword]: "x",
      },
      "webstack: WEBSTACK_DB_PASSWORD_FILE names /nonexistent/secret, which cannot be read",
    ],
  ])("the primary script stops before touching the server with %s", (_name, env, message) => {
    const result = runScript(scripts("mariadb").primary, env, "bad-env");
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim()).toBe(message);
    expect(result.log).toBe("");
  });

  test("sourced by an entrypoint, a failure stops it and a success leaves its shell options alone", () => {
    const file = path.join(dir, "sourced.sh");
    fs.writeFileSync(file, scripts("mariadb").primary);
    const env = { PATH: `${dir}/bin:${process.env.PATH}`, FAKE_LOG: path.join(dir, "sourced.log") };
    const caller = `set -e; set +u; . ${file}; echo "still here, options $-"`;
    const ok = run("bash", ["-c", caller], {
      env: {
        ...env,
        [REPLICATION_ENV.appPassword]: "a",
        [REPLICATION_ENV.replicationPassword]: "r",
      },
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^still here, options [^u]*$/m);
    const failed = run("bash", ["-c", caller], { env });
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toBe("");
  });
});
