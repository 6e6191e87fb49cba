// The backup catalog (REQUIREMENTS §5): what is backed up, when (cron, UTC), how long each backup
// is kept and how backups are verified, as data both targets read: the Docker backup job's crontab
// and script defaults, and the AWS Backup plan rules. A stack may back up more often or keep
// backups longer, never less; `mergeBackupTiers` enforces that with errors naming the key.
import { cronIntervalSeconds, toAwsCron } from "./cron";

/**
 * Tag key that puts a resource under the AWS Backup plan of its stack: a selection by this tag
 * (value = the plan's name) covers every RDS primary, so a new database is never forgotten.
 */
export const BACKUP_TAG_KEY = "webstack-backup";

export const BACKUP_KINDS = ["mysql-full", "mysql-binlog", "files", "config", "redis"] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

export interface BackupTier {
  readonly kind: BackupKind;
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

/** REQUIREMENTS §5, one entry per tier. */
export const BACKUP_TIERS: Readonly<Record<BackupKind, BackupTier>> = {
  "mysql-full": {
    kind: "mysql-full",
    what: "MySQL full dump (--single-transaction --routines --triggers --events), gzip",
    schedule: "0 2 * * *",
    retentionDays: 30,
    weekly: { dayOfWeek: 0, retentionDays: 28 },
    monthly: { dayOfMonth: 1, retentionDays: 365 },
  },
  "mysql-binlog": {
    kind: "mysql-binlog",
    what: "MySQL binary logs for point-in-time recovery",
    // A quarter past so the hourly copy never contends with the 02:00 dump's start.
    schedule: "15 * * * *",
    retentionDays: 7,
  },
  files: {
    kind: "files",
    what: "uploaded files, tar + gzip",
    schedule: "0 3 * * *",
    retentionDays: 90,
  },
  config: {
    kind: "config",
    what: "configuration files, tar + gzip",
    schedule: "0 4 * * 0",
    retentionDays: 365,
  },
  redis: {
    kind: "redis",
    what: "Redis RDB snapshot",
    schedule: "30 2 * * *",
    retentionDays: 7,
  },
};

/** How backups are proven restorable (REQUIREMENTS §5 "Verification"). */
export const BACKUP_VERIFICATION = {
  /** Checked right after each backup is written: gzip -t, the dump's completion line, SHA-256. */
  integrityAfterEveryRun: true,
  /** Weekly: the newest full dump restored into a scratch database, then dropped. */
  restoreTestSchedule: "0 5 * * 0",
  /** Monthly full restore drill, run by people from the runbook. */
  restoreDrill: { every: "month", runbook: "docs/operations.md#restore-drill" },
} as const;

/** AWS Backup's continuous backup (point-in-time recovery) window, from the binlog tier. */
export function pointInTimeRecoveryDays(tiers: Readonly<Record<BackupKind, BackupTier>>): number {
  return tiers["mysql-binlog"].retentionDays;
}

const MAX_RETENTION_DAYS = 36_500;
const DAY = 86_400;

function describeSeconds(seconds: number): string {
  if (seconds % DAY === 0) return `${seconds / DAY} day${seconds === DAY ? "" : "s"}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  return `${seconds / 60} minutes`;
}

function checkDays(key: string, value: unknown, atLeastSeconds: number, why: string): number {
  const minDays = Math.max(1, Math.ceil(atLeastSeconds / DAY));
  if (typeof value !== "number" || !Number.isInteger(value) || value > MAX_RETENTION_DAYS) {
    throw new Error(
      `${key} must be a whole number of days from ${minDays} to ${MAX_RETENTION_DAYS} (got ${String(value)})`,
    );
  }
  if (value < minDays) {
    const days = `${minDays} day${minDays === 1 ? "" : "s"}`;
    throw new Error(`${key} must be at least ${days}, ${why} (got ${value})`);
  }
  return value;
}

/**
 * Checks one tier on its own: a valid cron schedule, and retention no shorter than the longest
 * gap between two runs (else there would be moments with no backup kept at all).
 */
export function validateBackupTier(tier: BackupTier, key: string): BackupTier {
  const interval = cronIntervalSeconds(tier.schedule, `${key}.schedule`);
  checkDays(
    `${key}.retentionDays`,
    tier.retentionDays,
    interval,
    `the longest interval of its schedule "${tier.schedule}" (${describeSeconds(interval)})`,
  );
  if (tier.weekly) {
    const { dayOfWeek, retentionDays } = tier.weekly;
    if (!Number.isInteger(dayOfWeek) || dayOfWeek < 0 || dayOfWeek > 6) {
      throw new Error(`${key}.weekly.dayOfWeek must be 0 (Sunday) to 6 (got ${String(dayOfWeek)})`);
    }
    checkDays(`${key}.weekly.retentionDays`, retentionDays, 7 * DAY, "one week between weeklies");
  }
  if (tier.monthly) {
    const { dayOfMonth, retentionDays } = tier.monthly;
    if (!Number.isInteger(dayOfMonth) || dayOfMonth < 1 || dayOfMonth > 28) {
      throw new Error(
        `${key}.monthly.dayOfMonth must be 1 to 28 so every month has one (got ${String(dayOfMonth)})`,
      );
    }
    checkDays(`${key}.monthly.retentionDays`, retentionDays, 31 * DAY, "31 days between monthlies");
  }
  return tier;
}

/** A stack's changes to one tier: run at least as often, keep at least as long. */
export interface BackupTierOverride {
  readonly schedule?: string;
  readonly retentionDays?: number;
}

/**
 * The tiers a stack runs: the catalog with overrides applied. An override may shorten the
 * interval between runs and lengthen retention; anything looser is an Error naming the key.
 */
export function mergeBackupTiers(
  catalog: Readonly<Record<BackupKind, BackupTier>>,
  overrides: Readonly<Record<string, unknown>> = {},
  keyPrefix = "backups",
): Readonly<Record<BackupKind, BackupTier>> {
  const merged = { ...catalog };
  for (const [kind, override] of Object.entries(overrides)) {
    const key = `${keyPrefix}.${kind}`;
    if (!(BACKUP_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`${key} is not a backup tier (known: ${BACKUP_KINDS.join(", ")})`);
    }
    if (typeof override !== "object" || override === null || Array.isArray(override)) {
      throw new Error(
        `${key} must be a map of schedule and retentionDays (got ${String(override)})`,
      );
    }
    for (const field of Object.keys(override)) {
      if (field !== "schedule" && field !== "retentionDays") {
        throw new Error(
          `${key}.${field} is not a known setting (allowed: schedule, retentionDays)`,
        );
      }
    }
    const base = catalog[kind as BackupKind];
    const o = override as BackupTierOverride;
    const tier: BackupTier = {
      ...base,
      schedule: o.schedule ?? base.schedule,
      retentionDays: o.retentionDays ?? base.retentionDays,
    };
    validateBackupTier(tier, key);
    const floorInterval = cronIntervalSeconds(base.schedule);
    if (cronIntervalSeconds(tier.schedule) > floorInterval) {
      throw new Error(
        `${key}.schedule must run at least every ${describeSeconds(floorInterval)} like the catalog's "${base.schedule}": a stack may back up more often, never less (got "${tier.schedule}")`,
      );
    }
    if (tier.retentionDays < base.retentionDays) {
      throw new Error(
        `${key}.retentionDays must be at least ${base.retentionDays}, the catalog floor: a stack may keep backups longer, never shorter (got ${tier.retentionDays})`,
      );
    }
    merged[kind as BackupKind] = tier;
  }
  for (const kind of BACKUP_KINDS) validateBackupTier(merged[kind], `${keyPrefix}.${kind}`);
  return merged;
}

/** One AWS Backup plan rule, in the shape of `aws.backup.Plan` rules. */
export interface AwsBackupRule {
  readonly ruleName: string;
  readonly schedule: string;
  readonly deleteAfterDays: number;
  readonly enableContinuousBackup: boolean;
}

/**
 * The AWS Backup plan rules for the database tiers: daily, weekly and monthly snapshots at the
 * full dump's time, and continuous backup for point-in-time recovery over the binlog window.
 */
export function awsBackupRules(tiers: Readonly<Record<BackupKind, BackupTier>>): AwsBackupRule[] {
  const full = tiers["mysql-full"];
  const [minute, hour] = full.schedule.trim().split(/\s+/);
  const rules: AwsBackupRule[] = [
    {
      ruleName: "daily",
      schedule: toAwsCron(full.schedule, "backups.mysql-full.schedule"),
      deleteAfterDays: full.retentionDays,
      enableContinuousBackup: false,
    },
  ];
  if (full.weekly) {
    rules.push({
      ruleName: "weekly",
      schedule: toAwsCron(`${minute} ${hour} * * ${full.weekly.dayOfWeek}`),
      deleteAfterDays: full.weekly.retentionDays,
      enableContinuousBackup: false,
    });
  }
  if (full.monthly) {
    rules.push({
      ruleName: "monthly",
      schedule: toAwsCron(`${minute} ${hour} ${full.monthly.dayOfMonth} * *`),
      deleteAfterDays: full.monthly.retentionDays,
      enableContinuousBackup: false,
    });
  }
  rules.push({
    ruleName: "continuous",
    // Every AWS Backup rule needs a schedule; the daily one serves the continuous rule too.
    schedule: toAwsCron(full.schedule, "backups.mysql-full.schedule"),
    deleteAfterDays: pointInTimeRecoveryDays(tiers),
    enableContinuousBackup: true,
  });
  return rules;
}

/** The uploads store's one rule: the files tier (docs/requirements.md §5). */
export function uploadsBackupRule(tiers: Readonly<Record<BackupKind, BackupTier>>): AwsBackupRule {
  return {
    ruleName: "files",
    schedule: toAwsCron(tiers.files.schedule, "backups.files.schedule"),
    deleteAfterDays: tiers.files.retentionDays,
    enableContinuousBackup: false,
  };
}
