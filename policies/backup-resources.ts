// Finds what the backup policies read beyond the databases themselves: the AWS Backup resource
// types, and each Docker backup job container with its crontab, backup.sh and environment, read
// once so the coverage and restore-test policies judge the same job.
import type { PolicyResource } from "@pulumi/policy";
import { crontabJobs, CrontabJob } from "./backup-job-text";
import {
  containerEnv,
  CONTAINER,
  isBackupJob,
  ofType,
  PreviewGaps,
  shippedFiles,
  UNKNOWN,
} from "./stack-reading";

export const SELECTION = "aws:backup/selection:Selection";
export const PLAN = "aws:backup/plan:Plan";
export const VAULT = "aws:backup/vault:Vault";
export const VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
export const RESTORE_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan";
export const RESTORE_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection";

export interface BackupJob {
  readonly container: PolicyResource;
  readonly jobs: CrontabJob[];
  readonly script: { file: string; text: string } | undefined;
  readonly env: Map<string, string>;
}

/** Each backup job container with its crontab, backup.sh and environment (UNKNOWN entries dropped). */
export function backupJobs(resources: readonly PolicyResource[], gaps: PreviewGaps): BackupJob[] {
  return ofType(resources, CONTAINER)
    .filter(isBackupJob)
    .flatMap((container) => {
      const mine = (suffix: string) =>
        shippedFiles([container], suffix, gaps).flatMap((f) =>
          f.text === UNKNOWN ? [] : [{ file: f.file, text: f.text }],
        );
      const crontabs = mine("/crontab");
      const env = gaps.read(() => containerEnv(container.props));
      if (env === UNKNOWN || crontabs.length === 0) return [];
      return [
        {
          container,
          jobs: crontabs.flatMap((c) => crontabJobs(c.text)),
          script: mine("/backup.sh")[0],
          env,
        },
      ];
    });
}
