// `webstack:ops:Backups` on AWS: the backup tiers of docs/requirements.md §5 as AWS Backup — a vault
// encrypted with its own customer-managed key (locked in tiers whose floor says so), the
// databases' plan (daily, weekly, monthly snapshots and continuous backup for point-in-time
// recovery) selecting every RDS primary by tag, the uploads bucket (components/storage/aws.ts)
// by ARN under its own plan at the files tier, and a weekly restore test of the newest RDS
// snapshot. Redis snapshots are ElastiCache's own (snapshotRetentionLimit on the replication
// group), so nothing here duplicates them.
import * as pulumi from "@pulumi/pulumi";
import { Plan } from "@pulumi/aws/backup/plan";
import { RestoreTestingPlan } from "@pulumi/aws/backup/restoreTestingPlan";
import { RestoreTestingSelection } from "@pulumi/aws/backup/restoreTestingSelection";
import { Selection } from "@pulumi/aws/backup/selection";
import { Vault } from "@pulumi/aws/backup/vault";
import { VaultLockConfiguration } from "@pulumi/aws/backup/vaultLockConfiguration";
import { Key } from "@pulumi/aws/kms/key";
import {
  awsBackupRules,
  AwsBackupRule,
  BACKUP_TAG_KEY,
  BACKUP_VERIFICATION,
  uploadsBackupRule,
} from "../catalog/backups";
import { toAwsCron } from "../catalog/cron";
import { TIER_FLOORS } from "../catalog/tiers";
import { serviceRole } from "../aws-service-role";
import type { BackupsArgs, BackupsOutputs } from "./contract";

export interface AwsBackupsArgs extends BackupsArgs {
  /**
   * The value of the `webstack-backup` tag the databases carry (the same name is given to them):
   * the databases' plan selects every RDS primary tagged with it.
   */
  readonly databaseBackupTag: string;
  /**
   * Days before the vault lock becomes a compliance-mode lock that nobody, AWS included, can
   * remove or loosen; AWS requires at least 3. Used where the tier's floor locks the vault.
   * Without it, governance mode (no grace period; see the comment at the lock).
   */
  readonly vaultLockChangeableForDays?: number;
  /** The uploads bucket (components/storage/aws.ts); its ARN resolves once versioning is on. */
  readonly uploadsBucketArn: pulumi.Input<string>;
  /**
   * Where the weekly restore test brings up its scratch RDS instance: the databases' own private
   * subnet group and security group. Without it AWS Backup restores into the account's default
   * VPC, which may not exist (the test then fails every week) or may have public subnets.
   */
  readonly restoreTestPlacement: {
    readonly subnetGroupName: pulumi.Input<string>;
    readonly securityGroupIds: pulumi.Input<string>[];
  };
}

/** Managed policies the AWS Backup role needs: RDS backup and restore, S3 backup and restore. */
const BACKUP_ROLE_POLICIES = [
  "service-role/AWSBackupServiceRolePolicyForBackup",
  "service-role/AWSBackupServiceRolePolicyForRestores",
  "AWSBackupServiceRolePolicyForS3Backup",
  "AWSBackupServiceRolePolicyForS3Restore",
] as const;

function planRules(rules: readonly AwsBackupRule[], vaultName: pulumi.Input<string>) {
  return rules.map((rule) => ({
    ruleName: rule.ruleName,
    schedule: rule.schedule,
    targetVaultName: vaultName,
    enableContinuousBackup: rule.enableContinuousBackup,
    lifecycle: { deleteAfter: rule.deleteAfterDays },
    // Schedules are UTC (AWS Backup's default). Start within an hour of the schedule; give up
    // after a day (the next run takes over).
    startWindow: 60,
    completionWindow: 1440,
  }));
}

export class AwsBackups extends pulumi.ComponentResource implements BackupsOutputs {
  /** The vault's name. */
  readonly destination: pulumi.Output<string>;
  readonly vaultArn: pulumi.Output<string>;
  /** The role AWS Backup backs up and restores with: a restore job started by hand needs it. */
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: AwsBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:ops:Backups", name, {}, opts);
    const floor = TIER_FLOORS[args.tier];
    const prefix = args.namePrefix;
    // Restore testing plan and selection names allow letters, digits and '_' only.
    const underscored = prefix.replaceAll(/[^A-Za-z0-9]/g, "_");
    const vaultName = `${prefix}-backups`;
    const databaseRules = awsBackupRules(args.tiers);
    const uploadsRule = uploadsBackupRule(args.tiers);
    const parent = { parent: this };
    // Backups must survive `pulumi destroy`: the key, the vault and its lock stay in AWS when
    // removed from the stack, and where the tier protects data a destroy refuses to start.
    const keep = pulumi.mergeOptions(parent, { retainOnDelete: true, protect: floor.protectData });

    const key = new Key(
      `${name}-key`,
      {
        description: `Encrypts the AWS Backup vault ${vaultName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      keep,
    );
    const vault = new Vault(
      `${name}-vault`,
      { name: vaultName, kmsKeyArn: key.arn, forceDestroy: false },
      keep,
    );

    if (floor.backupVaultLock) {
      const days = [...databaseRules, uploadsRule].map((rule) => rule.deleteAfterDays);
      // Governance mode by default: it stops everyone without the explicit
      // backup:DeleteBackupVaultLockConfiguration permission from deleting recovery points early
      // or shortening retention, yet a wrong retention bound can still be corrected. Compliance
      // mode (vaultLockChangeableForDays set) becomes irreversible once its grace period ends —
      // not even the root user or AWS can lift it — so it is an explicit decision per stack.
      new VaultLockConfiguration(
        `${name}-vault-lock`,
        {
          backupVaultName: vault.name,
          // No recovery point kept shorter than the shortest rule or longer than the longest.
          minRetentionDays: Math.min(...days),
          maxRetentionDays: Math.max(...days),
          changeableForDays: args.vaultLockChangeableForDays,
        },
        keep,
      );
    }

    const backupRole = serviceRole(
      `${name}-role`,
      "backup.amazonaws.com",
      `AWS Backup backs up and restores ${prefix} with this role`,
      Object.fromEntries(
        BACKUP_ROLE_POLICIES.map((p) => [`${name}-role-${p.split("/").pop()}`, p]),
      ),
      this,
    );
    // Selections must not start a job before the role may run it.
    const roleArn = backupRole.arnWhenAttached;

    const databasePlan = new Plan(
      `${name}-databases`,
      { name: `${prefix}-databases`, rules: planRules(databaseRules, vault.name) },
      parent,
    );
    new Selection(
      `${name}-databases`,
      {
        name: `${prefix}-databases`,
        planId: databasePlan.id,
        iamRoleArn: roleArn,
        // By tag, so every database the stack tags is covered without listing ARNs here.
        selectionTags: [
          { type: "STRINGEQUALS", key: BACKUP_TAG_KEY, value: args.databaseBackupTag },
        ],
      },
      parent,
    );

    // A selection covers every rule of its plan: uploads get their own plan so they are kept
    // at the files tier and never under the databases' rules.
    const uploadsPlan = new Plan(
      `${name}-uploads`,
      { name: `${prefix}-uploads`, rules: planRules([uploadsRule], vault.name) },
      parent,
    );
    new Selection(
      `${name}-uploads`,
      {
        name: `${prefix}-uploads`,
        planId: uploadsPlan.id,
        iamRoleArn: roleArn,
        resources: [args.uploadsBucketArn],
      },
      parent,
    );

    if (floor.restoreTest) {
      const testingPlan = new RestoreTestingPlan(
        `${name}-restore-test`,
        {
          name: `${underscored}_restore_test`,
          scheduleExpression: toAwsCron(BACKUP_VERIFICATION.restoreTestSchedule),
          recoveryPointSelection: {
            algorithm: "LATEST_WITHIN_WINDOW",
            includeVaults: [vault.arn],
            recoveryPointTypes: ["SNAPSHOT"],
            // The newest recovery point of the past week, the test's own interval.
            selectionWindowDays: 7,
          },
        },
        parent,
      );
      new RestoreTestingSelection(
        `${name}-restore-test-rds`,
        {
          name: `${underscored}_rds`,
          restoreTestingPlanName: testingPlan.name,
          protectedResourceType: "RDS",
          iamRoleArn: roleArn,
          // Every RDS primary under the databases' plan, matched by the same tag.
          protectedResourceArns: ["*"],
          protectedResourceConditions: {
            stringEquals: [
              { key: `aws:ResourceTag/${BACKUP_TAG_KEY}`, value: args.databaseBackupTag },
            ],
          },
          // Keys are AWS Backup's restore metadata for RDS instances (case-insensitive); the
          // security groups as the JSON list the restore metadata uses.
          restoreMetadataOverrides: pulumi
            .all([
              args.restoreTestPlacement.subnetGroupName,
              pulumi.all(args.restoreTestPlacement.securityGroupIds),
            ])
            .apply(([subnetGroupName, securityGroupIds]) => ({
              dbsubnetgroupname: subnetGroupName,
              vpcsecuritygroupids: JSON.stringify(securityGroupIds),
            })),
          // A restore that comes up is the test; keep the scratch instance one hour, then AWS
          // Backup deletes it.
          validationWindowHours: 1,
        },
        parent,
      );
    }

    this.destination = vault.name;
    this.vaultArn = vault.arn;
    this.roleArn = backupRole.role.arn;
    this.registerOutputs({
      destination: this.destination,
      vaultArn: this.vaultArn,
      roleArn: this.roleArn,
    });
  }
}
