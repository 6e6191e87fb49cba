// The backup job as server tests run it: backup.sh, restore.sh and common.sh installed side by
// side as the job container has them, and the environment they run with — the job's retention
// and lock ages, free of whatever the host happens to export.
import * as fs from "node:fs";
import * as path from "node:path";
import { JOB_SCRIPTS, jobSettings } from "../../components/backups/job";
import { BACKUP_TIERS } from "../../components/catalog/backups";

export const SCRIPTS_DIR = path.join(__dirname, "..", "..", "components", "backups");

/** Copies the job's scripts into `binDir` (created if missing), mode 0755. */
export function installBackupScripts(binDir: string): { backup: string; restore: string } {
  fs.mkdirSync(binDir, { recursive: true });
  for (const script of JOB_SCRIPTS) {
    fs.copyFileSync(path.join(SCRIPTS_DIR, script), path.join(binDir, script));
    fs.chmodSync(path.join(binDir, script), 0o755);
  }
  return { backup: path.join(binDir, "backup.sh"), restore: path.join(binDir, "restore.sh") };
}

/**
 * This process's environment without any variable the scripts read (MYSQL_*, REDIS_*, BACKUP_*,
 * RETENTION_*, METRICS_*, LOCK_*, WEEKLY_*, MONTHLY_*), then the job's retention and lock ages for
 * the catalog's tiers (as the job container gets them), then `vars`.
 */
export function backupJobEnv(vars: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(MYSQL_|REDIS_|BACKUP_|RETENTION_|METRICS_|LOCK_|WEEKLY_|MONTHLY_)/.test(key)) {
      env[key] = value;
    }
  }
  return { ...env, ...jobSettings(BACKUP_TIERS), ...vars };
}
