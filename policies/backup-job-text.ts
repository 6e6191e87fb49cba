// Reads back what the Docker backup job ships: the crontab's schedule per job (`<cron> <script>
// <kind>`, as components/backups/backup-script.ts renders it) and the retention defaults backup.sh
// sets (`: "${RETENTION_DAYS_MYSQL_FULL:=30}"`), so the backup policies judge the shipped text.
import { cronIntervalSeconds } from "../components/catalog/cron";

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
  const jobs: CrontabJob[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || /^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(line)) continue;
    const fields = line.split(/\s+/);
    if (fields.length < 7) continue;
    const schedule = fields.slice(0, 5).join(" ");
    let intervalSeconds: number | undefined;
    try {
      intervalSeconds = cronIntervalSeconds(schedule);
    } catch {
      intervalSeconds = undefined;
    }
    jobs.push({ schedule, script: fields[5], job: fields[6], intervalSeconds });
  }
  return jobs;
}

/** The numeric defaults a script assigns with `: "${NAME:=value}"`. */
export function scriptDefaults(text: string): Map<string, number> {
  const defaults = new Map<string, number>();
  for (const [, name, value] of text.matchAll(/^\s*:\s*"?\$\{([A-Z_][A-Z0-9_]*):=(-?\d+)\}"?/gm)) {
    defaults.set(name, Number(value));
  }
  return defaults;
}

/** backup.sh's variable for a tier's retention: `mysql-full` → `RETENTION_DAYS_MYSQL_FULL`. */
export function retentionVariable(kind: string, prefix = "RETENTION_DAYS"): string {
  return `${prefix}_${kind.replaceAll("-", "_").toUpperCase()}`;
}
