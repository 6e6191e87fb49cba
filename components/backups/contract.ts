// The backups part's contract (`webstack:ops:Backups`): the tiers of docs/requirements.md §5
// applied to every database and the uploads; AWS Backup on AWS, a scheduled job container on
// Docker.
import type * as pulumi from "@pulumi/pulumi";
import type { BackupKind, BackupTier } from "../catalog/backups";
import type { Tier } from "../catalog/tiers";

export interface BackupsArgs {
  readonly tier: Tier;
  /** Prefix of every physical name: project and stack, e.g. "webstack-prod". */
  readonly namePrefix: string;
  /** The stack's backup tiers (`stackBackupTiers(config)`): the catalog, possibly tightened. */
  readonly tiers: Readonly<Record<BackupKind, BackupTier>>;
}

export interface BackupsOutputs {
  /** AWS Backup vault name, or the Docker backup volume name. */
  readonly destination: pulumi.Output<string>;
}
