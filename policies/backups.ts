// Backup stack policies: every database is backed up as often and kept as long as the backup
// catalog says, restores are tested, and the AWS vault is encrypted (and locked where the tier
// requires). They read the operations resources in the shape docs/operations-catalog.md fixes: the
// tagged RDS primaries, backup selections, plans, vault and restore testing plan on AWS; the backup
// job container's crontab, backup.sh and environment on Docker.
// Each policy lives in its own file (policies/backups-*.ts); this one fixes their order in the pack.
import { backupsCoveragePolicy } from "./backups-coverage";
import { backupsRestoreTestPolicy } from "./backups-restore-test";
import { backupsVaultPolicy } from "./backups-vault";

export { floorTiers } from "./backups-coverage";

export const backupPolicies = [backupsCoveragePolicy, backupsRestoreTestPolicy, backupsVaultPolicy];
