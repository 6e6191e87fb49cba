// The backup catalog (docs/requirements.md §5): what is backed up, when (cron, UTC), how long each
// backup is kept and how backups are verified, as data both targets read: the Docker backup job's
// crontab and environment, and the AWS Backup plan rules. A stack may back up more often or keep
// backups longer, never less; `mergeBackupTiers` enforces that with errors naming the key.
import { cronIntervalSeconds, toAwsCron } from "./cron";

/**
 * Tag key that puts a resource under the AWS Backup plan of its stack: a selection by this tag
 * covers every RDS primary, so a new database is never forgotten.
 */
export const BACKUP_TAG_KEY = "webstack-backup";

export const BACKUP_KINDS = ["mysql-full", "mysql-binlog", "files", "config", "redis"] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

export interface BackupTier {
  /** What the tier protects, for people. */
  readonly what: string;
  /** Five-field cron expression, UTC. */
  readonly schedule: string;
  /** Every good backup younger than this is kept. */
  readonly retentionDays: number;
  /**
   * Grandfather-father-son extras: backups taken on `dayOfWeek` (0 = Sunday) are kept for
   * `weekly.retentionDays`, those taken on `dayOfMonth` for `monthly.retentionDays`.
   */
  readonly weekly?: { readonly dayOfWeek: number; readonly retentionDays: number };
  readonly monthly?: { readonly dayOfMonth: number; readonly retentionDays: number };
}

export type BackupTiers = Readonly<Record<BackupKind, BackupTier>>;

/** docs/requirements.md §5, one entry per tier. */
export const BACKUP_TIERS: BackupTiers = {
  "mysql-full": {
    what: "MySQL full dump (--single-transaction --routines --triggers --events), gzip",
    schedule: "0 2 * * *",
    retentionDays: 30,
    weekly: { dayOfWeek: 0, retentionDays: 28 },
    monthly: { dayOfMonth: 1, retentionDays: 365 },
  },
  "mysql-binlog": {
    what: "MySQL binary logs for point-in-time recovery",
    // A quarter past so the hourly copy never contends with the 02:00 dump's start.
    schedule: "15 * * * *",
    retentionDays: 7,
  },
  files: { what: "uploaded files, tar + gzip", schedule: "0 3 * * *", retentionDays: 90 },
  config: { what: "configuration files, tar + gzip", schedule: "0 4 * * 0", retentionDays: 365 },
  redis: { what: "Redis RDB snapshot", schedule: "30 2 * * *", retentionDays: 7 },
};

/**
 * How backups are proven restorable (docs/requirements.md §5 "Verification"), beyond the checks
 * right after each backup is written (gzip -t, the dump's completion line, SHA-256).
 */
export const BACKUP_VERIFICATION = {
  /** Weekly: the newest full dump restored into a scratch database, then dropped. */
  restoreTestSchedule: "0 5 * * 0",
  /** Monthly full restore drill, run by people from the runbook. */
  restoreDrill: { every: "month", runbook: "docs/operations.md#restore-drill" },
} as const;

const DAY = 86_400;

function describeSeconds(seconds: number): string {
  if (seconds % DAY === 0) return `${seconds / DAY} day${seconds === DAY ? "" : "s"}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  return `${seconds / 60} minutes`;
}

/** A stack's changes to one tier: run at least as often, keep at least as long. */
export interface BackupTierOverride {
  readonly schedule?: string;
  readonly retentionDays?: number;
}

/**
 * The tiers a stack runs: the catalog with overrides applied. A tier's retention must outlast
 * the longest gap between its runs (else there would be moments with no backup kept at all); an
 * override may shorten that gap and lengthen retention, never the reverse. Anything else is an
 * Error naming the key.
 */
export function mergeBackupTiers(
  catalog: BackupTiers,
  overrides: Readonly<Partial<Record<string, BackupTierOverride>>> = {},
  keyPrefix = "backups",
): BackupTiers {
  const merged = { ...catalog };
  for (const [kind, override] of Object.entries(overrides)) {
    const key = `${keyPrefix}.${kind}`;
    const base = catalog[kind as BackupKind];
    const schedule = override?.schedule ?? base.schedule;
    const retentionDays = override?.retentionDays ?? base.retentionDays;
    const interval = cronIntervalSeconds(schedule, `${key}.schedule`);
    const gapDays = Math.max(1, Math.ceil(interval / DAY));
    if (retentionDays < gapDays) {
      throw new Error(
        `${key}.retentionDays must be at least ${describeSeconds(gapDays * DAY)}, the longest interval of its schedule "${schedule}" (${describeSeconds(interval)}) (got ${retentionDays})`,
      );
    }
    const floorInterval = cronIntervalSeconds(base.schedule);
    if (interval > floorInterval) {
      throw new Error(
        `${key}.schedule must run at least every ${describeSeconds(floorInterval)} like the catalog's "${base.schedule}": a stack may back up more often, never less (got "${schedule}")`,
      );
    }
    if (retentionDays < base.retentionDays) {
      throw new Error(
        `${key}.retentionDays must be at least ${base.retentionDays}, the catalog floor: a stack may keep backups longer, never shorter (got ${retentionDays})`,
      );
    }
    merged[kind as BackupKind] = { ...base, schedule, retentionDays };
  }
  return merged;
}

/** One AWS Backup plan rule, in the shape of `aws.backup.Plan` rules. */
export interface AwsBackupRule {
  readonly ruleName: string;
  readonly schedule: string;
  readonly deleteAfterDays: number;
  readonly enableContinuousBackup: boolean;
}

/** A plan rule at a tier's schedule; the "continuous" one is AWS Backup's point-in-time recovery. */
function rule(name: string, kind: BackupKind, schedule: string, days: number): AwsBackupRule {
  return {
    ruleName: name,
    schedule: toAwsCron(schedule, `backups.${kind}.schedule`),
    deleteAfterDays: days,
    enableContinuousBackup: name === "continuous",
  };
}

/**
 * The AWS Backup plan rules for the database tiers: daily, weekly and monthly snapshots at the
 * full dump's time, and continuous backup (point-in-time recovery) over the binlog window.
 */
export function awsBackupRules(tiers: BackupTiers): AwsBackupRule[] {
  const full = tiers["mysql-full"];
  const [minute, hour] = full.schedule.trim().split(/\s+/);
  const { weekly, monthly } = full;
  return [
    rule("daily", "mysql-full", full.schedule, full.retentionDays),
    ...(weekly
      ? [
          rule(
            "weekly",
            "mysql-full",
            `${minute} ${hour} * * ${weekly.dayOfWeek}`,
            weekly.retentionDays,
          ),
        ]
      : []),
    ...(monthly
      ? [
          rule(
            "monthly",
            "mysql-full",
            `${minute} ${hour} ${monthly.dayOfMonth} * *`,
            monthly.retentionDays,
          ),
        ]
      : []),
    // Every AWS Backup rule needs a schedule; the daily one serves the continuous rule too.
    rule("continuous", "mysql-full", full.schedule, tiers["mysql-binlog"].retentionDays),
  ];
}

/** The uploads store's one rule: the files tier. */
export function uploadsBackupRule(tiers: BackupTiers): AwsBackupRule {
  return rule("files", "files", tiers.files.schedule, tiers.files.retentionDays);
}
