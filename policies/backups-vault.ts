// webstack-backups-vault: AWS backups land in a vault encrypted with a customer managed KMS key,
// locked where the tier requires it, and every backup plan stores into a vault of this stack.
import type { Tier } from "../components/catalog/tiers";
import * as read from "./stack-reading";
import * as define from "./define";

const KMS_KEY = "aws:kms/key:Key";
const CUSTOMER_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

function vaultOnAws({ args, resources, gaps, report }: define.StackCheck): void {
  const { vaultLock } = args.getConfig<{ vaultLock?: Partial<Record<Tier, boolean>> }>();
  const vaults = read.ofType(resources, read.VAULT);
  const primaries = read
    .ofType(resources, read.RDS_INSTANCE)
    .filter((r) => gaps.read(() => !r.props.replicateSourceDb) === true);
  if (vaults.length === 0 && primaries.length > 0) {
    report("No AWS Backup vault exists to hold this stack's database backups.");
  }
  for (const vault of vaults) {
    // A key of this stack: its ARN may be unknown in preview, its origin is not.
    const ownKey = read.dependencies(vault, "kmsKeyArn", KMS_KEY).length > 0;
    const arn = ownKey ? read.UNKNOWN : gaps.read(() => vault.props.kmsKeyArn);
    if (arn === undefined || arn === "") {
      report(
        `Backup vault ${vault.name} is encrypted with the AWS managed key; set kmsKeyArn to a customer managed KMS key.`,
        vault.urn,
      );
    } else if (arn !== read.UNKNOWN && !CUSTOMER_KEY_ARN.test(String(arn))) {
      report(
        `Backup vault ${vault.name} uses kmsKeyArn ${String(arn)}, which is not a customer managed KMS key ARN.`,
        vault.urn,
      );
    }
    const tier = gaps.read(() => define.resourceTier(args, vault.props));
    if (tier === read.UNKNOWN || !define.switchFloor(tier, (f) => f.backupVaultLock, vaultLock))
      continue;
    const vaultName = gaps.read(() => vault.props.name);
    const locked = read.ofType(resources, read.VAULT_LOCK).some((lock) => {
      const lockName = gaps.read(() => lock.props.backupVaultName);
      return (
        read.comesFrom(lock, "backupVaultName", vault) ||
        (typeof lockName === "string" && lockName === vaultName)
      );
    });
    if (!locked) {
      report(`Backup vault ${vault.name} has no vault lock, which ${tier} requires.`, vault.urn);
    }
  }
  for (const plan of read.ofType(resources, read.PLAN)) {
    if (read.dependencies(plan, "rules", read.VAULT).length === 0) {
      report(
        `Backup plan ${plan.name} stores its backups in no backup vault of this stack.`,
        plan.urn,
      );
    }
  }
}

export const backupsVaultPolicy = define.stackPolicy(
  {
    name: "webstack-backups-vault",
    description:
      "AWS backups land in a vault encrypted with a customer managed KMS key, locked against deletion where the tier requires it (prod), and every backup plan stores into such a vault.",
    severity: "critical",
    configSchema: {
      properties: {
        vaultLock: define.tierSchema(
          "Tiers whose backup vaults must be locked.",
          (f) => f.backupVaultLock,
        ),
      },
    },
  },
  { aws: vaultOnAws },
);
