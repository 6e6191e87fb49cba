// Each Docker backup job container with its crontab (`<cron> <script> <kind>` lines), the scripts
// it ships and its environment (servers, retention), read once so the coverage and restore-test
// policies judge the same job.
import type { PolicyResource } from "@pulumi/policy";
import { cronIntervalSeconds } from "../components/catalog/cron";
import * as read from "./stack-reading";

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
    const [script, job] = fields.slice(5);
    return [{ schedule, script, job, intervalSeconds: readableInterval(schedule) }];
  });
}

/** A five-field schedule's longest gap between runs, seconds; undefined when it does not parse. */
export function readableInterval(schedule: string): number | undefined {
  const seconds = read.orProblem(() => cronIntervalSeconds(schedule));
  return typeof seconds === "number" ? seconds : undefined;
}

export interface BackupJob {
  readonly container: PolicyResource;
  readonly jobs: CrontabJob[];
  /** Paths of the shell scripts the container ships. */
  readonly scripts: string[];
  readonly env: Map<string, string>;
}

/** Each backup job container with its crontab, scripts and environment. */
export function backupJobs(
  resources: readonly PolicyResource[],
  gaps: read.PreviewGaps,
): BackupJob[] {
  return resources.filter(read.isBackupJob).flatMap((container) => {
    const crontabs = read.shippedFiles([container], "/crontab", gaps).map((f) => f.text);
    const env = gaps.read(() => read.containerEnv(container.props));
    const known = crontabs.filter((t): t is string => t !== read.UNKNOWN);
    if (env === read.UNKNOWN || known.length === 0) return [];
    const scripts = read.shippedFiles([container], ".sh", gaps).map((f) => f.file);
    return [{ container, jobs: known.flatMap(crontabJobs), scripts, env }];
  });
}

/** The crontab lines running `job` (a tier or restore-test) and the shortest gap among them. */
export function jobSchedule(job: BackupJob, name: string) {
  const lines = job.jobs.filter((j) => j.job === name);
  const readable = lines.flatMap((j) => j.intervalSeconds ?? []);
  return { lines, shortest: readable.length > 0 ? Math.min(...readable) : undefined };
}
