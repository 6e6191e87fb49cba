// Backup tiers a stack runs more often or keeps longer than the catalog (docs/requirements.md §5). The
// shape is checked here; whether a schedule is valid cron, whether retention outlasts the gap
// between runs and whether the stack stays at or above the catalog floor is checked by the
// catalog's mergeBackupTiers in rules.ts.
import { z } from "zod";
import { BACKUP_KINDS, BACKUP_TIERS, BackupKind } from "../../catalog/backups";
import { integer } from "../fields";

function tier(kind: BackupKind) {
  const base = BACKUP_TIERS[kind];
  return z
    .strictObject({
      schedule: z
        .string({ error: "must be a five-field cron expression (UTC) in quotes" })
        .optional()
        .describe(`When it runs (cron, UTC); catalog "${base.schedule}".`),
      retentionDays: integer(1, 36_500)
        .optional()
        .describe(
          `Days each backup is kept; catalog ${base.retentionDays}, at least the gap between runs.`,
        ),
    })
    .optional()
    .describe(`${base.what}: run more often or keep longer, never less.`);
}

export const backupsSchema = z
  .strictObject(
    Object.fromEntries(BACKUP_KINDS.map((kind) => [kind, tier(kind)])) as Record<
      BackupKind,
      ReturnType<typeof tier>
    >,
  )
  .prefault({})
  .describe("Backup tiers tightened per stack (components/catalog/backups.ts).");

export type BackupsConfig = z.output<typeof backupsSchema>;
