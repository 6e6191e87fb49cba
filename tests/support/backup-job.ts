// The backup job as server tests run it: the rendered backup.sh and restore.sh installed as
// executables, and the environment they run with, free of whatever the host happens to export.
import * as fs from "node:fs";
import * as path from "node:path";
import { renderBackupScript, renderRestoreScript } from "../../components/backups/backup-script";
import { BACKUP_TIERS } from "../../components/catalog/backups";

/**
 * Writes the rendered backup.sh and restore.sh into `binDir` (created if missing), mode 0755.
 * @param tiers the retention tiers backup.sh is rendered with @default BACKUP_TIERS
 */
export function installBackupScripts(
  binDir: string,
  tiers = BACKUP_TIERS,
): { backup: string; restore: string } {
  fs.mkdirSync(binDir, { recursive: true });
  const backup = path.join(binDir, "backup.sh");
  const restore = path.join(binDir, "restore.sh");
  fs.writeFileSync(backup, renderBackupScript(tiers), { mode: 0o755 });
  fs.writeFileSync(restore, renderRestoreScript(), { mode: 0o755 });
  return { backup, restore };
}

/**
 * This process's environment without any variable the scripts read (MYSQL_*, REDIS_*, BACKUP_*,
 * RETENTION_*, METRICS_*), so a developer's shell cannot change what a test proves, plus `vars`.
 */
export function backupJobEnv(vars: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(MYSQL_|REDIS_|BACKUP_|RETENTION_|METRICS_)/.test(key)) env[key] = value;
  }
  return { ...env, ...vars };
}
