// The Docker backup job's inputs: the crontab schedules every tier and the weekly restore test at
// the catalog's times, the environment carries the servers, the retention and the lock ages, and
// tiers without a source are left out. The Redis Cluster path's handling of a stale or incomplete
// CLUSTER NODES view runs backup.sh against a scripted redis-cli (the real-server tests cover the
// rest).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DockerBackupsArgs,
  jobEnvironment,
  jobKinds,
  jobSettings,
  renderCrontab,
} from "../../components/backups/job";
import { BACKUP_TIERS, mergeBackupTiers } from "../../components/catalog/backups";
import { backupJobEnv, installBackupScripts } from "../support/backup-job";
import { run } from "../support/servers";

const args: DockerBackupsArgs = {
  tier: "test",
  namePrefix: "webstack-test",
  tiers: BACKUP_TIERS,
  mysql: {
    host: "mysql-primary",
    port: 3306,
    networkName: "webstack-test-data",
    user: "webstack_backup",
    password: "z",
    flavour: "mysql",
    engineVersion: "8.4",
  },
};

describe("renderCrontab", () => {
  test("schedules every tier and the weekly restore test, in UTC", () => {
    const lines = renderCrontab(BACKUP_TIERS)
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

  test("follows a stack's tiers and the kinds it runs", () => {
    const tiers = mergeBackupTiers(BACKUP_TIERS, { files: { schedule: "0 */6 * * *" } });
    const text = renderCrontab(tiers, ["mysql-full", "files"]);
    expect(text).toContain("0 */6 * * * /usr/local/bin/backup.sh files\n");
    expect(text).not.toContain(" redis\n");
    expect(text).toContain("0 5 * * 0 /usr/local/bin/backup.sh restore-test\n");
  });
});

describe("the job's environment", () => {
  test("docs/requirements.md §5 retention, and each kind's longest gap as its lock age", () => {
    expect(jobSettings(BACKUP_TIERS)).toEqual({
      RETENTION_DAYS_MYSQL_FULL: "30",
      RETENTION_DAYS_MYSQL_BINLOG: "7",
      RETENTION_DAYS_FILES: "90",
      RETENTION_DAYS_CONFIG: "365",
      RETENTION_DAYS_REDIS: "7",
      WEEKLY_DAY_MYSQL_FULL: "0",
      WEEKLY_RETENTION_DAYS_MYSQL_FULL: "28",
      MONTHLY_DAY_MYSQL_FULL: "1",
      MONTHLY_RETENTION_DAYS_MYSQL_FULL: "365",
      LOCK_MAX_AGE_SECONDS_MYSQL_FULL: "86400",
      LOCK_MAX_AGE_SECONDS_MYSQL_BINLOG: "3600",
      LOCK_MAX_AGE_SECONDS_FILES: "86400",
      LOCK_MAX_AGE_SECONDS_CONFIG: "604800",
      LOCK_MAX_AGE_SECONDS_REDIS: "86400",
      LOCK_MAX_AGE_SECONDS_RESTORE_TEST: "604800",
    });
  });

  test("a stack's longer retention and tighter schedule reach the job", () => {
    const tiers = mergeBackupTiers(BACKUP_TIERS, {
      files: { schedule: "0 */6 * * *", retentionDays: 180 },
    });
    expect(jobSettings(tiers)).toMatchObject({
      RETENTION_DAYS_FILES: "180",
      LOCK_MAX_AGE_SECONDS_FILES: "21600",
    });
  });

  test("tiers without a source are left out: no Redis, no uploads, no config", () => {
    expect(jobKinds(args)).toEqual(["mysql-full", "mysql-binlog"]);
    expect(
      jobKinds({
        ...args,
        redis: { hosts: ["redis"], port: 6379, layout: "single", authToken: "t" },
        uploadsVolumeName: "u",
        configFiles: { "edge/nginx.conf": "x" },
      }),
    ).toEqual(["mysql-full", "mysql-binlog", "files", "config", "redis"]);
    const env = jobEnvironment(args);
    expect(env.UPLOADS_DIR).toBeUndefined();
    expect(env.MYSQL_PASSWORD_FILE).toBe("/run/secrets/webstack/mysql-backup-password");
    expect(Object.keys(env).filter((k) => /PASSWORD$/.test(k))).toEqual([]);
  });

  test("the cluster layout hands the job every node as a seed and switches on REDIS_CLUSTER", () => {
    const hosts = ["redis-0", "redis-1", "redis-2"];
    const cluster = jobEnvironment({
      ...args,
      redis: { hosts, port: 6379, layout: "cluster", authToken: "t" },
    });
    expect(cluster).toMatchObject({
      REDIS_HOST: "redis-0 redis-1 redis-2",
      REDIS_PORT: "6379",
      REDIS_CLUSTER: "1",
      REDIS_PASSWORD_FILE: "/run/secrets/webstack/redis-password",
    });
    const single = jobEnvironment({
      ...args,
      redis: { hosts: ["redis"], port: 6379, layout: "single", authToken: "t" },
    });
    expect(single.REDIS_HOST).toBe("redis");
    expect(single.REDIS_CLUSTER).toBeUndefined();
  });
});

/**
 * backup.sh's cluster path against a scripted redis-cli: CLUSTER NODES prints
 * `nodes`, ROLE answers "slave" on the ports in `replicaPorts` and "master" elsewhere, --rdb writes
 * a stub RDB (redis-check-rdb is stubbed to accept it). Every call is logged.
 */
describe("backup.sh redis against a scripted cluster view", () => {
  let dir: string;
  let script: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-cluster-view-"));
    script = installBackupScripts(path.join(dir, "scripts")).backup;
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
