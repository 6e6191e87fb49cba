// webstack-backups-vault: AWS backups land in a vault encrypted with a customer managed KMS key,
// locked where the tier requires it, and every backup plan stores into a vault of this stack.
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import type { Tier } from "../components/catalog/tiers";
import { PLAN, VAULT, VAULT_LOCK } from "./backup-resources";
import { stackPolicy } from "./define";
import { RDS_INSTANCE } from "./rds";
import { dependencies, ofType, PreviewGaps, stackTargets, UNKNOWN } from "./stack-reading";
import { switchFloor, tierOrStrictest, tierSwitchesSchema } from "./tier";

const KMS_KEY = "aws:kms/key:Key";
const CUSTOMER_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

function vaultProblems(
  resources: readonly PolicyResource[],
  lockRequired: (tier: Tier) => boolean,
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const vaults = ofType(resources, VAULT);
  const primaries = ofType(resources, RDS_INSTANCE).filter(
    (r) => gaps.read(() => !r.props.replicateSourceDb) === true,
  );
  if (vaults.length === 0 && primaries.length > 0) {
    report("No AWS Backup vault exists to hold this stack's database backups.");
  }
  const locks = ofType(resources, VAULT_LOCK);
  for (const vault of vaults) {
    if (dependencies(vault, "kmsKeyArn", KMS_KEY).length === 0) {
      const arn = gaps.read(() => vault.props.kmsKeyArn);
      if (arn === undefined || arn === "") {
        report(
          `Backup vault ${vault.name} is encrypted with the AWS managed key; set kmsKeyArn to a customer managed KMS key.`,
          vault.urn,
        );
      } else if (arn !== UNKNOWN && !CUSTOMER_KEY_ARN.test(String(arn))) {
        report(
          `Backup vault ${vault.name} uses kmsKeyArn ${String(arn)}, which is not a customer managed KMS key ARN.`,
          vault.urn,
        );
      }
    }
    const tier = gaps.read(() => tierOrStrictest(vault.props));
    if (tier === UNKNOWN || !lockRequired(tier)) continue;
    const vaultName = gaps.read(() => vault.props.name);
    const locked = locks.some((lock) => {
      const lockName = gaps.read(() => lock.props.backupVaultName);
      return (
        dependencies(lock, "backupVaultName").some((d) => d.urn === vault.urn) ||
        (typeof lockName === "string" && lockName === vaultName)
      );
    });
    if (!locked)
      report(`Backup vault ${vault.name} has no vault lock, which ${tier} requires.`, vault.urn);
  }
  for (const plan of ofType(resources, PLAN)) {
    if (dependencies(plan, "rules", VAULT).length === 0) {
      report(
        `Backup plan ${plan.name} stores its backups in no backup vault of this stack.`,
        plan.urn,
      );
    }
  }
}

export const backupsVaultPolicy = stackPolicy(
  {
    name: "webstack-backups-vault",
    description:
      "AWS backups land in a vault encrypted with a customer managed KMS key, locked against deletion where the tier requires it (prod), and every backup plan stores into such a vault.",
    severity: "critical",
    configSchema: {
      properties: {
        vaultLock: tierSwitchesSchema(
          "Tiers whose backup vaults must be locked.",
          (f) => f.backupVaultLock,
        ),
      },
    },
  },
  (args, report) => {
    const gaps = new PreviewGaps();
    const { vaultLock } = args.getConfig<{ vaultLock?: Partial<Record<Tier, boolean>> }>();
    if (stackTargets(args.resources).aws) {
      vaultProblems(
        args.resources,
        (tier) => switchFloor(tier, (f) => f.backupVaultLock, vaultLock),
        gaps,
        report,
      );
    }
    gaps.rethrow();
  },
);
