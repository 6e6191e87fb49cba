// What the backup policies read beyond the databases themselves: the AWS Backup resource types,
// and each Docker backup job container with its crontab (`<cron> <script> <kind>` lines), the
// scripts it ships and its environment (servers, retention), read once so the coverage and
// restore-test policies judge the same job.
import type { PolicyResource } from "@pulumi/policy";
import { cronIntervalSeconds } from "../components/catalog/cron";
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

export interface CrontabJob {
  /** Five-field schedule. */
  readonly schedule: string;
  /** The command's first word (the script it runs) and its argument (the tier or restore-test). */
  readonly script: string;
  readonly job: string;
  /** Longest gap between two runs, seconds; undefined when the schedule does not parse. */
  readonly intervalSeconds: number | undefined;
}

/** The jobs of a crontab; comments, blank lines and `NAME=value` settings are skipped. */
export function crontabJobs(text: string): CrontabJob[] {
  return text.split("\n").flatMap((raw) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0].startsWith("#") || fields[0].includes("=") || fields.length < 7) return [];
    const schedule = fields.slice(0, 5).join(" ");
    return [
      { schedule, script: fields[5], job: fields[6], intervalSeconds: readableInterval(schedule) },
    ];
  });
}

/** A five-field schedule's longest gap between runs, seconds; undefined when it does not parse. */
export function readableInterval(schedule: string): number | undefined {
  try {
    return cronIntervalSeconds(schedule);
  } catch {
    return undefined;
  }
}

export interface BackupJob {
  readonly container: PolicyResource;
  readonly jobs: CrontabJob[];
  /** Paths of the shell scripts the container ships. */
  readonly scripts: string[];
  readonly env: Map<string, string>;
}

/** Each backup job container with its crontab, scripts and environment. */
export function backupJobs(resources: readonly PolicyResource[], gaps: PreviewGaps): BackupJob[] {
  return ofType(resources, CONTAINER)
    .filter(isBackupJob)
    .flatMap((container) => {
      const crontabs = shippedFiles([container], "/crontab", gaps).flatMap((f) =>
        f.text === UNKNOWN ? [] : [f.text],
      );
      const env = gaps.read(() => containerEnv(container.props));
      if (env === UNKNOWN || crontabs.length === 0) return [];
      const scripts = shippedFiles([container], ".sh", gaps).map((f) => f.file);
      return [{ container, jobs: crontabs.flatMap(crontabJobs), scripts, env }];
    });
}

/** The crontab lines running `job` (a tier or restore-test) and the shortest gap among them. */
export function jobSchedule(job: BackupJob, name: string) {
  const lines = job.jobs.filter((j) => j.job === name);
  const readable = lines.flatMap((j) =>
    j.intervalSeconds === undefined ? [] : [j.intervalSeconds],
  );
  return { lines, shortest: readable.length > 0 ? Math.min(...readable) : undefined };
}
