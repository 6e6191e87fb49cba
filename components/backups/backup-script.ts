// Renders what the Docker backup job container runs: backup.sh with its retention defaults taken
// from the backup catalog, restore.sh, and the crontab that schedules each tier and the weekly
// restore test. The shell lives in .sh templates beside this file (so shellcheck and editors
// see real shell); rendering inlines common.sh and fills the defaults.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  BACKUP_KINDS,
  BACKUP_TIERS,
  BACKUP_VERIFICATION,
  BackupKind,
  BackupTier,
  validateBackupTier,
} from "../catalog/backups";
import { cronIntervalSeconds } from "../catalog/cron";

type Tiers = Readonly<Record<BackupKind, BackupTier>>;

/**
 * How long backup.sh lets one call to a server run before it stops it and fails the run, naming
 * the server. A server that accepts connections but never answers (a stopped container, a hung
 * disk) would otherwise hold the run and its lock forever, and every later run would be skipped
 * quietly until BackupStale fired a day or more later. Generous: a slow but working server must
 * not fail; the limits are there for the one that will never answer.
 */
export const BACKUP_TIMEOUTS = {
  /** One redis-cli command: INFO, CLUSTER NODES (each seed in turn), ROLE. */
  REDIS_QUERY_TIMEOUT_SECONDS: 60,
  /** One RDB transfer (`redis-cli --rdb`): the node forks, writes and sends its whole data set. */
  REDIS_TIMEOUT_SECONDS: 1800,
  /** One SQL statement (connection check, listing databases, FLUSH BINARY LOGS …). */
  MYSQL_QUERY_TIMEOUT_SECONDS: 600,
  /** One database's dump, one binary log's copy, one restore-test restore: 4 hours. */
  MYSQL_TIMEOUT_SECONDS: 14400,
} as const;

/** Environment the backup job container passes to backup.sh (and restore.sh). */
export const BACKUP_JOB_ENVIRONMENT: Readonly<Record<string, string>> = {
  BACKUP_DIR: "backup volume mount, e.g. /backups (required)",
  METRICS_DIR: "node_exporter textfile directory shared with the node exporter",
  MYSQL_HOST: "MySQL primary host name on the internal network",
  MYSQL_PORT: "MySQL port (default 3306)",
  MYSQL_USER:
    "backup user (SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, RELOAD, PROCESS, REPLICATION CLIENT, REPLICATION SLAVE)",
  MYSQL_PASSWORD_FILE: "file holding the backup user's password (a mounted secret)",
  UPLOADS_DIR: "read-only mount of the uploads volume",
  CONFIG_DIR: "read-only mount of the configuration to keep",
  REDIS_HOST:
    "Redis host name; with REDIS_CLUSTER=1 the seed nodes, space-separated, each host or host:port",
  REDIS_PORT: "Redis port, and the seeds' port where they name none (default 6379)",
  REDIS_CLUSTER:
    "1 for a Redis Cluster: one RDB per current primary (found with CLUSTER NODES) and cluster-slots.tsv (default 0, one node)",
  REDIS_PASSWORD_FILE: "file holding the Redis AUTH token (a mounted secret)",
  REDIS_QUERY_TIMEOUT_SECONDS: `seconds one redis-cli command (INFO, CLUSTER NODES, ROLE) may take before the run fails naming the node (default ${BACKUP_TIMEOUTS.REDIS_QUERY_TIMEOUT_SECONDS})`,
  REDIS_TIMEOUT_SECONDS: `seconds one RDB transfer (redis-cli --rdb) may take before the run fails naming the node (default ${BACKUP_TIMEOUTS.REDIS_TIMEOUT_SECONDS})`,
  MYSQL_QUERY_TIMEOUT_SECONDS: `seconds one SQL statement may take before the run fails (default ${BACKUP_TIMEOUTS.MYSQL_QUERY_TIMEOUT_SECONDS})`,
  MYSQL_TIMEOUT_SECONDS: `seconds one database dump, binary log copy or restore-test restore may take before the run fails (default ${BACKUP_TIMEOUTS.MYSQL_TIMEOUT_SECONDS})`,
  ...Object.fromEntries(
    BACKUP_KINDS.map((kind) => [
      `RETENTION_DAYS_${envName(kind)}`,
      `days ${kind} backups are kept (the stack's tier)`,
    ]),
  ),
  WEEKLY_DAY_MYSQL_FULL: "day of the week (0 Sunday) whose full dump is kept as the weekly one",
  WEEKLY_RETENTION_DAYS_MYSQL_FULL: "days weekly full dumps are kept",
  MONTHLY_DAY_MYSQL_FULL: "day of the month whose full dump is kept as the monthly one",
  MONTHLY_RETENTION_DAYS_MYSQL_FULL: "days monthly full dumps are kept",
  ...Object.fromEntries(
    [...BACKUP_KINDS, "restore-test" as const].map((kind) => [
      `LOCK_MAX_AGE_SECONDS_${envName(kind)}`,
      `seconds a ${kind} run may hold its lock before the next run reports it stuck, with status 0 (default: the longest gap between its scheduled runs)`,
    ]),
  ),
};

function template(name: string): string {
  return fs.readFileSync(path.join(__dirname, name), "utf8");
}

function inline(text: string, marker: string, replacement: string): string {
  const line = `# @@${marker}@@\n`;
  if (text.split(line).length !== 2)
    throw new Error(`template marker ${line.trim()} must occur once`);
  // A function, so "$'" or "$&" in the shell are not read as replacement patterns.
  return text.replace(line, () => replacement);
}

function envName(kind: BackupKind | "restore-test"): string {
  return kind.replaceAll("-", "_").toUpperCase();
}

/**
 * The retention settings backup.sh reads, with the tiers' values: RETENTION_DAYS_<KIND> per kind
 * and the full dump's weekly and monthly (GFS) tiers. Without a GFS tier the weekly/monthly rules
 * never match (day -1, 0 days). The script's defaults and the job container's environment both
 * come from here, so the two cannot disagree.
 */
export function retentionEnvironment(tiers: Tiers = BACKUP_TIERS): Record<string, string> {
  validate(tiers);
  const environment: Record<string, string> = {};
  for (const kind of BACKUP_KINDS) {
    environment[`RETENTION_DAYS_${envName(kind)}`] = String(tiers[kind].retentionDays);
  }
  const full = tiers["mysql-full"];
  environment.WEEKLY_DAY_MYSQL_FULL = String(full.weekly?.dayOfWeek ?? -1);
  environment.WEEKLY_RETENTION_DAYS_MYSQL_FULL = String(full.weekly?.retentionDays ?? 0);
  environment.MONTHLY_DAY_MYSQL_FULL = String(full.monthly?.dayOfMonth ?? -1);
  environment.MONTHLY_RETENTION_DAYS_MYSQL_FULL = String(full.monthly?.retentionDays ?? 0);
  return environment;
}

/**
 * LOCK_MAX_AGE_SECONDS_<KIND>: the longest gap between a kind's scheduled runs (the restore
 * test's too). A run finding its kind's lock held longer than that reports the holder stuck.
 */
export function lockAgeEnvironment(tiers: Tiers = BACKUP_TIERS): Record<string, string> {
  validate(tiers);
  const schedules: [string, string][] = [
    ...BACKUP_KINDS.map((kind): [string, string] => [envName(kind), tiers[kind].schedule]),
    ["RESTORE_TEST", BACKUP_VERIFICATION.restoreTestSchedule],
  ];
  return Object.fromEntries(
    schedules.map(([name, schedule]) => [
      `LOCK_MAX_AGE_SECONDS_${name}`,
      String(cronIntervalSeconds(schedule)),
    ]),
  );
}

function defaultsBlock(tiers: Tiers): string {
  const lines = [
    "# Retention and lock ages from components/catalog/backups.ts, time limits from",
    "# components/backups/backup-script.ts; the environment may override.",
  ];
  const defaults = {
    ...retentionEnvironment(tiers),
    ...lockAgeEnvironment(tiers),
    ...Object.fromEntries(Object.entries(BACKUP_TIMEOUTS).map(([k, v]) => [k, String(v)])),
  };
  for (const [name, value] of Object.entries(defaults)) {
    lines.push(`: "\${${name}:=${value}}"`);
  }
  return `${lines.join("\n")}\n`;
}

function validate(tiers: Tiers): void {
  for (const kind of BACKUP_KINDS) validateBackupTier(tiers[kind], `backups.${kind}`);
}

/** backup.sh with the tiers' retention as its defaults. */
export function renderBackupScript(tiers: Tiers = BACKUP_TIERS): string {
  validate(tiers);
  const withDefaults = inline(template("backup.sh"), "DEFAULTS", defaultsBlock(tiers));
  return inline(withDefaults, "COMMON", template("common.sh"));
}

export function renderRestoreScript(): string {
  return inline(template("restore.sh"), "COMMON", template("common.sh"));
}

export interface CrontabOptions {
  /** Where the image has backup.sh. @default "/usr/local/bin/backup.sh" */
  readonly scriptPath?: string;
  /** @default BACKUP_VERIFICATION.restoreTestSchedule */
  readonly restoreTestSchedule?: string;
  /** Tiers the job runs; a stack without Redis leaves `redis` out. @default every tier */
  readonly kinds?: readonly BackupKind[];
}

/**
 * A five-field crontab (UTC) for the backup container's cron daemon: one line per tier and the
 * weekly restore test. Cron daemons do not pass the container's environment to jobs by default;
 * run it with one that does (supercronic) or export the environment into the job.
 */
export function renderCrontab(tiers: Tiers = BACKUP_TIERS, options: CrontabOptions = {}): string {
  validate(tiers);
  const script = options.scriptPath ?? "/usr/local/bin/backup.sh";
  if (!/^\/[A-Za-z0-9._/-]+$/.test(script)) {
    throw new Error(`backups.scriptPath must be an absolute path (got ${JSON.stringify(script)})`);
  }
  const restoreTest = options.restoreTestSchedule ?? BACKUP_VERIFICATION.restoreTestSchedule;
  cronIntervalSeconds(restoreTest, "backups.restoreTestSchedule");
  const lines = [
    "# webstack backup job, rendered from components/catalog/backups.ts. Times are UTC.",
    "# minute hour day-of-month month day-of-week command",
  ];
  for (const kind of options.kinds ?? BACKUP_KINDS) {
    lines.push(`${tiers[kind].schedule} ${script} ${kind}`);
  }
  lines.push(`${restoreTest} ${script} restore-test`);
  return `${lines.join("\n")}\n`;
}
