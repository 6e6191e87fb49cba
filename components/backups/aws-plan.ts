// The AWS Backup side of the backup catalog as plain data: plan and tag names, the uploads
// store's rule (the files tier), the vault lock's retention bounds and the restore testing
// schedule. components/backups/aws.ts turns these into resources; tests read them directly.
import { AwsBackupRule, BackupKind, BackupTier, BACKUP_VERIFICATION } from "../catalog/backups";
import { toAwsCron } from "../catalog/cron";

export type BackupTiers = Readonly<Record<BackupKind, BackupTier>>;

/** AWS Backup plan and vault names: letters, digits, '-', '_' and '.', at most 50. */
const BACKUP_NAME = /^[A-Za-z0-9_.-]{1,50}$/;
/** Restore testing plan and selection names: letters, digits and '_' only, at most 50. */
const RESTORE_TESTING_NAME = /^[A-Za-z0-9_]{1,50}$/;

/** AWS refuses a compliance-mode lock whose grace period is shorter than this. */
export const VAULT_LOCK_MIN_CHANGEABLE_DAYS = 3;
/** How far back the restore test may pick a recovery point: one week, its own interval. */
export const RESTORE_TEST_SELECTION_WINDOW_DAYS = 7;

export interface BackupNames {
  readonly vault: string;
  /** The databases' plan; also the value of the `webstack-backup` tag its selection matches. */
  readonly databasePlan: string;
  readonly uploadsPlan: string;
  readonly restoreTestingPlan: string;
  readonly restoreTestingSelection: string;
}

/** Physical names for one stack, from its prefix (`webstack-prod`). */
export function backupNames(namePrefix: string): BackupNames {
  const names = {
    vault: `${namePrefix}-backups`,
    databasePlan: `${namePrefix}-databases`,
    uploadsPlan: `${namePrefix}-uploads`,
  };
  const underscored = namePrefix.replaceAll(/[^A-Za-z0-9]/g, "_");
  const testing = {
    restoreTestingPlan: `${underscored}_restore_test`,
    restoreTestingSelection: `${underscored}_rds`,
  };
  for (const name of Object.values(names)) {
    if (!BACKUP_NAME.test(name)) {
      throw new Error(
        `namePrefix ${JSON.stringify(namePrefix)} is not allowed: "${name}" must be 1 to 50 letters, digits, '-', '_' or '.'`,
      );
    }
  }
  for (const name of Object.values(testing)) {
    if (!RESTORE_TESTING_NAME.test(name)) {
      throw new Error(
        `namePrefix ${JSON.stringify(namePrefix)} is not allowed: "${name}" must be 1 to 50 letters, digits or '_'`,
      );
    }
  }
  return { ...names, ...testing };
}

/** The uploads store's one rule: the files tier (REQUIREMENTS §5: daily 03:00, kept 90 days). */
export function uploadsBackupRule(tiers: BackupTiers): AwsBackupRule {
  const files = tiers.files;
  return {
    ruleName: "files",
    schedule: toAwsCron(files.schedule, "backups.files.schedule"),
    deleteAfterDays: files.retentionDays,
    enableContinuousBackup: false,
  };
}

/**
 * Bounds for the vault lock: no recovery point may be kept shorter than the shortest rule or
 * longer than the longest, so every rule still fits and nothing can be deleted early.
 */
export function vaultLockRetention(rules: readonly AwsBackupRule[]): {
  minRetentionDays: number;
  maxRetentionDays: number;
} {
  if (rules.length === 0) throw new Error("vault lock retention needs at least one rule");
  const days = rules.map((rule) => rule.deleteAfterDays);
  return { minRetentionDays: Math.min(...days), maxRetentionDays: Math.max(...days) };
}

/** The weekly restore test's schedule (the catalog's BACKUP_VERIFICATION), in AWS cron. */
export function restoreTestingSchedule(): string {
  return toAwsCron(BACKUP_VERIFICATION.restoreTestSchedule, "restoreTestSchedule");
}
