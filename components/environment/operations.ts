// The alarms and backup tiers one stack runs: the catalog floor of its tier with the stack file's
// tightening applied. Both targets' operations parts read these, so Docker and AWS ship the same
// numbers. Config validation already ran the same merges, so these cannot throw on a loaded config.
import { ALARM_FLOORS, AlarmRule, mergeAlarms } from "../catalog/alarms";
import { BackupKind, BACKUP_TIERS, BackupTier, mergeBackupTiers } from "../catalog/backups";
import type { WebstackConfig } from "../config";

/** The stack's alarms: its tier's catalog, its overrides, and its application alarms. */
export function stackAlarms(config: WebstackConfig): readonly AlarmRule[] {
  const { overrides, extra } = config.alarms;
  return mergeAlarms(ALARM_FLOORS[config.environment], overrides, extra, "webstack:alarms");
}

/** The stack's backup tiers: the catalog with the stack's more frequent or longer tiers. */
export function stackBackupTiers(config: WebstackConfig): Readonly<Record<BackupKind, BackupTier>> {
  const overrides = Object.fromEntries(
    Object.entries(config.backups).filter(([, tier]) => tier !== undefined),
  );
  return mergeBackupTiers(BACKUP_TIERS, overrides, "webstack:backups");
}
