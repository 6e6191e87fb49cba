// The backup job's rendered files: the crontab schedules every tier and the weekly restore test
// at the catalog's times, backup.sh carries the catalog's retention, lock ages and time limits
// as defaults, and bad schedules are refused before anything ships. The Redis Cluster path's
// handling of a stale or incomplete CLUSTER NODES view runs the rendered script against a
// scripted redis-cli (the real-server tests cover the rest).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  renderBackupScript,
  renderCrontab,
  renderRestoreScript,
} from "../../components/backups/backup-script";
import { BACKUP_TIERS, mergeBackupTiers } from "../../components/catalog/backups";
import { backupJobEnv } from "../support/backup-job";
import { run } from "../support/servers";

describe("renderCrontab", () => {
  test("schedules every tier and the weekly restore test, in UTC", () => {
    const lines = renderCrontab()
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"));
    expect(lines).toEqual([
      "0 2 * * * /usr/local/bin/backup.sh mysql-full",
      "15 * * * * /usr/local/bin/backup.sh mysql-binlog",
      "0 3 * * * /usr/local/bin/backup.sh files",
      "0 4 * * 0 /usr/local/bin/backup.sh config",
      "30 2 * * * /usr/local/bin/backup.sh redis",
      "0 5 * * 0 /usr/local/bin/backup.sh restore-test",
    ]);
  });

  test("follows a stack's tiers, script path and the kinds it runs", () => {
    const tiers = mergeBackupTiers(BACKUP_TIERS, { files: { schedule: "0 */6 * * *" } });
    const text = renderCrontab(tiers, {
      scriptPath: "/opt/webstack/backup.sh",
      kinds: ["mysql-full", "files"],
    });
    expect(text).toContain("0 */6 * * * /opt/webstack/backup.sh files\n");
    expect(text).not.toContain(" redis\n");
    expect(text).toContain("0 5 * * 0 /opt/webstack/backup.sh restore-test\n");
  });

  test.each([
    [
      { restoreTestSchedule: "weekly" },
      "backups.restoreTestSchedule must be a cron expression with 5 fields",
    ],
    [
      { scriptPath: "backup.sh; rm -rf /" },
      'backups.scriptPath must be an absolute path (got "backup.sh; rm -rf /")',
    ],
  ])("refuses %j", (options, message) => {
    expect(() => renderCrontab(BACKUP_TIERS, options)).toThrow(message);
  });

  test("refuses tiers that fail validation", () => {
    const broken = { ...BACKUP_TIERS, config: { ...BACKUP_TIERS.config, retentionDays: 2 } };
    expect(() => renderCrontab(broken)).toThrow(
      'backups.config.retentionDays must be at least 7 days, the longest interval of its schedule "0 4 * * 0" (7 days) (got 2)',
    );
  });
});

describe("renderBackupScript and renderRestoreScript", () => {
  test("backup.sh defaults to the catalog's retention and GFS days", () => {
    const text = renderBackupScript();
    for (const line of [
      ': "${RETENTION_DAYS_MYSQL_FULL:=30}"',
      ': "${RETENTION_DAYS_MYSQL_BINLOG:=7}"',
      ': "${RETENTION_DAYS_FILES:=90}"',
      ': "${RETENTION_DAYS_CONFIG:=365}"',
      ': "${RETENTION_DAYS_REDIS:=7}"',
      ': "${WEEKLY_DAY_MYSQL_FULL:=0}"',
      ': "${WEEKLY_RETENTION_DAYS_MYSQL_FULL:=28}"',
      ': "${MONTHLY_DAY_MYSQL_FULL:=1}"',
      ': "${MONTHLY_RETENTION_DAYS_MYSQL_FULL:=365}"',
    ]) {
      expect(text).toContain(`${line}\n`);
    }
  });

  test("backup.sh bounds every server call and knows each kind's longest gap between runs", () => {
    const text = renderBackupScript();
    for (const line of [
      ': "${REDIS_QUERY_TIMEOUT_SECONDS:=60}"',
      ': "${REDIS_TIMEOUT_SECONDS:=1800}"',
      ': "${MYSQL_QUERY_TIMEOUT_SECONDS:=600}"',
      ': "${MYSQL_TIMEOUT_SECONDS:=14400}"',
      ': "${LOCK_MAX_AGE_SECONDS_MYSQL_FULL:=86400}"',
      ': "${LOCK_MAX_AGE_SECONDS_MYSQL_BINLOG:=3600}"',
      ': "${LOCK_MAX_AGE_SECONDS_CONFIG:=604800}"',
      ': "${LOCK_MAX_AGE_SECONDS_REDIS:=86400}"',
      ': "${LOCK_MAX_AGE_SECONDS_RESTORE_TEST:=604800}"',
    ]) {
      expect(text).toContain(`${line}\n`);
    }
    const tiers = mergeBackupTiers(BACKUP_TIERS, { files: { schedule: "0 */6 * * *" } });
    expect(renderBackupScript(tiers)).toContain(': "${LOCK_MAX_AGE_SECONDS_FILES:=21600}"\n');
  });

  test("a stack's longer retention reaches the script", () => {
    const tiers = mergeBackupTiers(BACKUP_TIERS, { files: { retentionDays: 180 } });
    expect(renderBackupScript(tiers)).toContain(': "${RETENTION_DAYS_FILES:=180}"\n');
  });

  test("both scripts are whole: shared functions inlined, no template markers left", () => {
    for (const text of [renderBackupScript(), renderRestoreScript()]) {
      expect(text.startsWith("#!/usr/bin/env bash\n")).toBe(true);
      expect(text).toContain("write_client_options() {");
      expect(text).toContain("set -Eeuo pipefail");
      expect(text).not.toMatch(/# @@[A-Z]+@@/);
    }
  });
});

/**
 * The rendered backup.sh's cluster path against a scripted redis-cli: CLUSTER NODES prints
 * `nodes`, ROLE answers "slave" on the ports in `replicaPorts` and "master" elsewhere, --rdb writes
 * a stub RDB (redis-check-rdb is stubbed to accept it). Every call is logged.
 */
describe("backup.sh redis against a scripted cluster view", () => {
  let dir: string;
  let script: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-cluster-view-"));
    script = path.join(dir, "backup.sh");
    fs.writeFileSync(script, renderBackupScript(), { mode: 0o755 });
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, "redis-cli"),
      [
        "#!/bin/bash",
        'printf \'%s\\n\' "$*" >>"$FAKE_LOG"',
        "port=$4; shift 5",
        'case "$1" in',
        '  CLUSTER) cat "$FAKE_NODES" ;;',
        "  ROLE) if [[ \" $FAKE_REPLICA_PORTS \" == *\" $port \"* ]]; then printf 'slave\\n10.0.0.11\\n7001\\nconnected\\n42\\n'; else printf 'master\\n42\\n'; fi ;;",
        '  --rdb) printf REDIS0011stub >"$2" ;;',
        "esac",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(bin, "redis-check-rdb"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function backup(name: string, nodes: string[], replicaPorts = "") {
    const root = path.join(dir, name);
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, "nodes"), `${nodes.join("\n")}\n`);
    const result = run(script, ["redis"], {
      env: backupJobEnv({
        PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
        BACKUP_DIR: path.join(root, "backups"),
        REDIS_CLUSTER: "1",
        REDIS_HOST: "seed-a:7001",
        REDIS_PASSWORD: "token",
        FAKE_LOG: path.join(root, "calls"),
        FAKE_NODES: path.join(root, "nodes"),
        FAKE_REPLICA_PORTS: replicaPorts,
      }),
    });
    const metrics = path.join(root, "backups", "metrics", "webstack_backup_redis.prom");
    return {
      ...result,
      calls: fs.readFileSync(path.join(root, "calls"), "utf8").split("\n").filter(Boolean),
      status: result.status,
      lastStatus: /webstack_backup_last_status\{kind="redis"\} (\d)/.exec(
        fs.readFileSync(metrics, "utf8"),
      )?.[1],
      backups: () => {
        const kindDir = path.join(root, "backups", "redis");
        return fs.readdirSync(kindDir).filter((n) => /^\d{8}T\d{6}Z$/.test(n));
      },
      root,
    };
  }

  test("a primary that answers ROLE as a replica fails the run by name, never backed up", () => {
    const result = backup(
      "stale",
      [
        "aaaa 10.0.0.10:7001@17001 myself,master - 0 0 1 connected 0-8191",
        "bbbb 10.0.0.12:7002@17002 master - 0 0 2 connected 8192-16383",
      ],
      "7002",
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "primary 10.0.0.12:7002 (node bbbb, slots 8192-16383): no longer a primary (ROLE says slave): the seed's view was stale",
    );
    expect(result.lastStatus).toBe("0");
    expect(result.calls.filter((call) => call.includes("--rdb"))).toEqual([
      expect.stringMatching(/^-h 10\.0\.0\.10 -p 7001 --no-auth-warning --rdb /),
    ]);
    expect(result.backups()).toEqual([]);
  });

  test("a primary listing itself without an IP is reached at the seed's host", () => {
    const result = backup("no-ip", ["aaaa :7001@17001 myself,master - 0 0 1 connected 0-16383"]);
    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
    expect(result.calls).toEqual([
      "-h seed-a -p 7001 --no-auth-warning CLUSTER NODES",
      "-h seed-a -p 7001 --no-auth-warning ROLE",
      expect.stringMatching(/^-h seed-a -p 7001 --no-auth-warning --rdb \S+\/slots-0-16383\.rdb$/),
    ]);
    const [stamp] = result.backups();
    expect(
      fs.readFileSync(
        path.join(result.root, "backups", "redis", stamp, "cluster-slots.tsv"),
        "utf8",
      ),
    ).toContain("slots-0-16383.rdb\t0-16383\taaaa\tseed-a:7001\n");
  });

  test("another primary without an IP fails the run: there is nowhere to take its RDB from", () => {
    const result = backup("other-no-ip", [
      "aaaa 10.0.0.10:7001@17001 myself,master - 0 0 1 connected 0-8191",
      "bbbb :7002@17002 master - 0 0 2 connected 8192-16383",
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "redis: seed-a:7001 lists primary bbbb without an address (:7002@17002)",
    );
    expect(result.lastStatus).toBe("0");
  });
});
