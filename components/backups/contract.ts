// The backups part's contract (`webstack:ops:Backups`): the tiers of REQUIREMENTS §5 applied to
// every database and the uploads store; AWS Backup on AWS, a scheduled job container on Docker.
import * as pulumi from "@pulumi/pulumi";
import type { Tier } from "../catalog/tiers";

export interface BackupsArgs {
  readonly tier: Tier;
  /** What must be covered: every MySQL instance (ARNs on AWS, hosts on Docker). */
  readonly databaseTargets: pulumi.Input<string>[];
}

export interface BackupsOutputs {
  /** AWS Backup vault name, or the Docker backup volume name. */
  readonly destination: pulumi.Output<string>;
}
