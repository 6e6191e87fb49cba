// What the Docker backup job container is given (docs/requirements.md §5): the crontab running
// backup.sh per tier and the weekly restore test, and the environment backup.sh reads — the
// servers, and each tier's retention and lock age. The floors reach the container only as this
// crontab and these variables, which the backup policies read. Pure: tests call these directly.
import type * as pulumi from "@pulumi/pulumi";
import { BACKUP_KINDS, BACKUP_VERIFICATION, BackupKind } from "../catalog/backups";
import { cronIntervalSeconds } from "../catalog/cron";
import type { BackupsArgs } from "./contract";

/** Paths inside the job container. */
export const JOB_PATHS = {
  backups: "/backups",
  metrics: "/var/lib/webstack/metrics",
  uploads: "/var/lib/webstack/uploads",
  config: "/etc/webstack/config",
  crontab: "/etc/webstack/crontab",
  scripts: "/usr/local/bin",
  mysqlPassword: "/run/secrets/webstack/mysql-backup-password",
  redisPassword: "/run/secrets/webstack/redis-password",
} as const;

/** The scripts the job runs, shipped as they are; backup.sh and restore.sh source common.sh. */
export const JOB_SCRIPTS = ["backup.sh", "restore.sh", "common.sh"] as const;

export interface DockerBackupsArgs extends BackupsArgs {
  /** The MySQL primary the job dumps, and the flavour and line its client tools must match. */
  readonly mysql: {
    /** The primary's network alias. */
    readonly host: string;
    readonly port: number;
    /** Network the primary is on; the job joins it. */
    readonly networkName: pulumi.Input<string>;
    /** The backup user (`operationsCredentials.backup`). */
    readonly user: string;
    readonly password: pulumi.Input<string>;
    readonly flavour: "mysql" | "mariadb";
    /** "8.0…" or "8.4…": picks the client tools' release line. */
    readonly engineVersion: string;
  };
  /**
   * The Redis to snapshot: one node, or a Redis Cluster whose current primaries the job finds
   * from seed nodes at every run (one RDB each). Without it, no redis tier.
   */
  readonly redis?: {
    /** The node's network alias, or with the cluster layout every node's (each a seed). */
    readonly hosts: readonly string[];
    readonly port: number;
    readonly layout: "single" | "cluster";
    readonly authToken: pulumi.Input<string>;
    /**
     * The cluster layout's own network (its nodes announce addresses there), which the job joins
     * at the fixed `address` (`DockerRedisCluster.backupJobAddress`), never a stopped node's.
     * Without it the nodes are on the MySQL network.
     */
    readonly network?: { readonly name: pulumi.Input<string>; readonly address: string };
  };
  /** The uploads volume, mounted read-only. Without it, no files tier. */
  readonly uploadsVolumeName?: pulumi.Input<string>;
  /** Configuration the config tier keeps, by relative path; never secret-bearing files. */
  readonly configFiles?: Readonly<Record<string, pulumi.Input<string>>>;
}

/** The tiers this job runs: every catalog kind whose source exists on this stack. */
export function jobKinds(args: DockerBackupsArgs): BackupKind[] {
  return BACKUP_KINDS.filter((kind) => {
    if (kind === "redis") return args.redis !== undefined;
    if (kind === "files") return args.uploadsVolumeName !== undefined;
    if (kind === "config") return Object.keys(args.configFiles ?? {}).length > 0;
    return true;
  });
}

const envName = (kind: string) => kind.replaceAll("-", "_").toUpperCase();

/**
 * What backup.sh keeps and when it calls a run stuck: RETENTION_DAYS_<KIND>, the full dump's
 * weekly and monthly (GFS) tiers (day -1 and 0 days when a tier has none), and
 * LOCK_MAX_AGE_SECONDS_<KIND>, the longest gap between a kind's runs (the restore test's too):
 * a run still holding its lock after that is reported as stuck.
 */
export function jobSettings(tiers: BackupsArgs["tiers"]): Record<string, string> {
  const full = tiers["mysql-full"];
  const schedules: [string, string][] = [
    ...BACKUP_KINDS.map((kind): [string, string] => [kind, tiers[kind].schedule]),
    ["restore-test", BACKUP_VERIFICATION.restoreTestSchedule],
  ];
  return {
    ...Object.fromEntries(
      BACKUP_KINDS.map((kind) => [
        `RETENTION_DAYS_${envName(kind)}`,
        String(tiers[kind].retentionDays),
      ]),
    ),
    WEEKLY_DAY_MYSQL_FULL: String(full.weekly?.dayOfWeek ?? -1),
    WEEKLY_RETENTION_DAYS_MYSQL_FULL: String(full.weekly?.retentionDays ?? 0),
    MONTHLY_DAY_MYSQL_FULL: String(full.monthly?.dayOfMonth ?? -1),
    MONTHLY_RETENTION_DAYS_MYSQL_FULL: String(full.monthly?.retentionDays ?? 0),
    ...Object.fromEntries(
      schedules.map(([kind, schedule]) => [
        `LOCK_MAX_AGE_SECONDS_${envName(kind)}`,
        String(cronIntervalSeconds(schedule)),
      ]),
    ),
  };
}

/** The job container's environment; passwords only as *_FILE paths to uploaded files. */
export function jobEnvironment(args: DockerBackupsArgs): Record<string, string> {
  const kinds = jobKinds(args);
  return {
    TZ: "UTC",
    BACKUP_DIR: JOB_PATHS.backups,
    METRICS_DIR: JOB_PATHS.metrics,
    MYSQL_HOST: args.mysql.host,
    MYSQL_PORT: String(args.mysql.port),
    MYSQL_USER: args.mysql.user,
    MYSQL_PASSWORD_FILE: JOB_PATHS.mysqlPassword,
    ...(kinds.includes("files") ? { UPLOADS_DIR: JOB_PATHS.uploads } : {}),
    ...(kinds.includes("config") ? { CONFIG_DIR: JOB_PATHS.config } : {}),
    ...(args.redis
      ? {
          // backup.sh reads several seeds from one space-separated REDIS_HOST.
          REDIS_HOST: args.redis.hosts.join(" "),
          REDIS_PORT: String(args.redis.port),
          REDIS_PASSWORD_FILE: JOB_PATHS.redisPassword,
          ...(args.redis.layout === "cluster" ? { REDIS_CLUSTER: "1" } : {}),
        }
      : {}),
    ...jobSettings(args.tiers),
  };
}

/**
 * The crontab (UTC) supercronic runs: one line per tier the job runs and the weekly restore
 * test. supercronic passes the container's environment to every job.
 */
export function renderCrontab(
  tiers: BackupsArgs["tiers"],
  kinds: readonly BackupKind[] = BACKUP_KINDS,
): string {
  const script = `${JOB_PATHS.scripts}/backup.sh`;
  const lines = [
    "# webstack backup job, rendered from components/catalog/backups.ts. Times are UTC.",
    "# minute hour day-of-month month day-of-week command",
    ...kinds.map((kind) => `${tiers[kind].schedule} ${script} ${kind}`),
    `${BACKUP_VERIFICATION.restoreTestSchedule} ${script} restore-test`,
  ];
  return `${lines.join("\n")}\n`;
}
