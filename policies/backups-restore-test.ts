// webstack-backups-restore-test: backups are test-restored at least weekly — on AWS (where the
// tier requires it) by a restore testing plan that includes this stack's vault and targets its RDS
// primaries, on Docker by the backup job's restore-test crontab line.
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { BACKUP_TAG_KEY, BACKUP_VERIFICATION } from "../components/catalog/backups";
import { awsScheduleIntervalSeconds, cronIntervalSeconds } from "../components/catalog/cron";
import type { Tier } from "../components/catalog/tiers";
import {
  backupJobs,
  jobSchedule,
  RESTORE_PLAN,
  RESTORE_SELECTION,
  VAULT,
} from "./backup-resources";
import { stackPolicy } from "./define";
import { RDS_INSTANCE } from "./rds";
import {
  dependencies,
  describeInterval,
  isStringArray,
  isMysqlServer,
  listing,
  ofType,
  peek,
  PreviewGaps,
  stackTargets,
  stackTier,
  tag,
  UNKNOWN,
} from "./stack-reading";
import { Props, switchFloor, tierSwitchesSchema } from "./tier";

const DAY = 86_400;
const RESTORE_TEST_FLOOR_DAYS = cronIntervalSeconds(BACKUP_VERIFICATION.restoreTestSchedule) / DAY;

/**
 * A list input read for its strings. When `linked` (its value came from the stack's own
 * resources), a value unknown in preview is one of theirs, so only known values are read and an
 * unknown one is undefined; otherwise the whole list must be known. Undefined when unreadable.
 */
function readList(
  linked: boolean,
  get: () => unknown,
  gaps: PreviewGaps,
): (string | undefined)[] | undefined {
  if (linked) {
    const list = peek(() => get() ?? null);
    if (list === undefined) return undefined;
    return Array.isArray(list)
      ? Array.from({ length: list.length }, (_, i) => peek(() => String(list[i])))
      : [];
  }
  const read = gaps.read(() => {
    const list = get();
    return isStringArray(list) ? list : [];
  });
  return read === UNKNOWN ? undefined : read;
}

/**
 * Why a restore testing plan does not test this stack's vault. A wildcard `*` anywhere in
 * includeVaults is refused: it lets the test pick the newest recovery point of any vault in the
 * account (another stack's, a copy elsewhere), so a passing test would not show that this vault's
 * backups restore. The vault must be listed, by an ARN taken from the Vault resource (the input's
 * recorded dependency) or a literal ARN ending in the vault's name, and not taken out again by
 * excludeVaults.
 */
function includedVaultProblem(
  plan: PolicyResource,
  vaults: readonly PolicyResource[],
  gaps: PreviewGaps,
): string | undefined {
  const what = `Restore testing plan ${plan.name}`;
  const selection = () => (plan.props.recoveryPointSelection ?? {}) as Props;
  // Every exclusion is read: one unknown during preview may be this stack's vault.
  const exclude = gaps.read(() => {
    const list = selection().excludeVaults;
    return isStringArray(list) ? list : [];
  });
  const names = gaps.read(() =>
    vaults.flatMap((v) => (typeof v.props.name === "string" ? [v.props.name] : [])),
  );
  if (exclude === UNKNOWN || names === UNKNOWN) return undefined;
  const isOwnVault = (arn: string) => names.some((n) => arn.endsWith(`:backup-vault:${n}`));
  // The recorded dependency says the vault's ARN went into includeVaults only when nothing else in
  // recoveryPointSelection could have carried it (both lists share the one dependency record).
  const linked =
    dependencies(plan, "recoveryPointSelection", VAULT).length > 0 && exclude.length === 0;
  const include = readList(linked, () => selection().includeVaults, gaps);
  if (include === undefined) return undefined;
  if (include.length === 0) {
    return `${what} includes no vault (recoveryPointSelection.includeVaults), so it tests no recovery point.`;
  }
  if (include.includes("*")) {
    return `${what} picks recovery points from every vault ("*"), so a passing test does not show this stack's vault restores; list the vault's ARN in includeVaults.`;
  }
  const excluded = exclude.filter((arn) => arn === "*" || isOwnVault(arn));
  if (excluded.length > 0) {
    return `${what} excludes ${listing(excluded)} (recoveryPointSelection.excludeVaults), which takes out this stack's vault, so it tests none of its recovery points.`;
  }
  const listed = include.filter((v): v is string => v !== undefined);
  if (linked || listed.some(isOwnVault)) return undefined;
  return `${what} includes ${listing(listed)}, which is no backup vault of this stack.`;
}

const RESOURCE_TAG = "aws:ResourceTag/";
/** An RDS DB instance ARN; the capture is the instance identifier. */
const RDS_INSTANCE_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]*:\d*:db:(.+)$/;

interface TagCondition {
  readonly key: string;
  readonly value: string;
}

/** The primary's tags meet every stringEquals and every stringNotEquals condition. */
function meetsConditions(
  primary: PolicyResource,
  equals: readonly TagCondition[],
  notEquals: readonly TagCondition[],
): boolean {
  const tagOf = (c: TagCondition) => tag(primary.props, c.key.slice(RESOURCE_TAG.length));
  return equals.every((c) => tagOf(c) === c.value) && notEquals.every((c) => tagOf(c) !== c.value);
}

/**
 * Why a restore testing selection does not provably test-restore an RDS primary of this stack.
 * Listed ARNs must be primaries of the stack (taken from them, or naming their identifier). `*`
 * means every RDS database of the account: only a stringEquals tag condition that a primary of the
 * stack meets narrows it to ours; stringNotEquals alone leaves every other stack's databases in.
 */
function restoreTargetProblem(
  selection: PolicyResource,
  primaries: readonly PolicyResource[],
  gaps: PreviewGaps,
): string | undefined {
  const what = `Restore testing selection ${selection.name}`;
  const primaryUrns = new Set(primaries.map((p) => p.urn));
  const fromPrimaries = dependencies(selection, "protectedResourceArns");
  const linked = fromPrimaries.length > 0 && fromPrimaries.every((d) => primaryUrns.has(d.urn));
  const arns = readList(linked, () => selection.props.protectedResourceArns, gaps);
  if (arns === undefined) return undefined;
  const read = gaps.read(() => {
    const conditions = (selection.props.protectedResourceConditions ?? {}) as Props;
    const pairs = (value: unknown): TagCondition[] =>
      (Array.isArray(value) ? (value as Props[]) : []).map((c) => ({
        key: String(c.key),
        value: String(c.value),
      }));
    return { equals: pairs(conditions.stringEquals), notEquals: pairs(conditions.stringNotEquals) };
  });
  const ids = gaps.read(() =>
    primaries.flatMap((p) => (typeof p.props.identifier === "string" ? [p.props.identifier] : [])),
  );
  if (read === UNKNOWN || ids === UNKNOWN) return undefined;
  const { equals, notEquals } = read;
  if (arns.length === 0) {
    return equals.length === 0 && notEquals.length === 0
      ? `${what} targets nothing: protectedResourceArns and protectedResourceConditions are empty.`
      : `${what} targets nothing: protectedResourceArns is empty, and its conditions only narrow "*".`;
  }
  if (!arns.includes("*")) {
    const foreign = arns.filter((arn): arn is string => {
      if (arn === undefined) return false;
      const id = RDS_INSTANCE_ARN.exec(arn)?.[1];
      return id === undefined ? !linked : !ids.includes(id);
    });
    if (foreign.length === 0) return undefined;
    return `${what} targets ${listing(foreign)}, which is no RDS primary of this stack.`;
  }
  const tagEquals = equals.filter((c) => c.key.startsWith(RESOURCE_TAG));
  const tagNotEquals = notEquals.filter((c) => c.key.startsWith(RESOURCE_TAG));
  if (tagEquals.length === 0) {
    return tagNotEquals.length === 0
      ? `${what} targets every RDS database of the account ("*") with no stringEquals tag condition, so a passing test does not show this stack's database restores; match its primaries with aws:ResourceTag/${BACKUP_TAG_KEY}.`
      : `${what} narrows "*" only by stringNotEquals, which still leaves every other RDS database of the account in; match this stack's primaries with a stringEquals condition on aws:ResourceTag/${BACKUP_TAG_KEY}.`;
  }
  const meets = primaries.map((p) => gaps.read(() => meetsConditions(p, tagEquals, tagNotEquals)));
  // A primary whose tags are unknown in preview may be the match: the gap is noted, not judged.
  if (meets.some((m) => m === true || m === UNKNOWN)) return undefined;
  const shown = [
    ...tagEquals.map((c) => `${c.key}=${c.value}`),
    ...tagNotEquals.map((c) => `${c.key}!=${c.value}`),
  ];
  return `${what} matches no RDS primary of this stack (${shown.join(", ")}).`;
}

function restoreTestOnAws(
  resources: readonly PolicyResource[],
  tier: Tier,
  maxSeconds: number,
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const plans = ofType(resources, RESTORE_PLAN);
  if (plans.length === 0) {
    report(
      `${tier} requires a restore test at least every ${describeInterval(maxSeconds)}, but no restore testing plan exists.`,
    );
    return;
  }
  const selections = ofType(resources, RESTORE_SELECTION);
  const vaults = ofType(resources, VAULT);
  const primaries = ofType(resources, RDS_INSTANCE).filter(
    (r) => gaps.read(() => !r.props.replicateSourceDb) === true,
  );
  for (const plan of plans) {
    const vaultProblem = includedVaultProblem(plan, vaults, gaps);
    if (vaultProblem) report(vaultProblem, plan.urn);
    const interval = gaps.read(() => {
      try {
        return awsScheduleIntervalSeconds(String(plan.props.scheduleExpression));
      } catch (error) {
        return (error as Error).message;
      }
    });
    if (typeof interval === "string")
      report(`Restore testing plan ${plan.name}: ${interval}.`, plan.urn);
    else if (typeof interval === "number" && interval > maxSeconds) {
      report(
        `Restore testing plan ${plan.name} runs every ${describeInterval(interval)} but the floor is every ${describeInterval(maxSeconds)}.`,
        plan.urn,
      );
    }
    const rdsSelections = selections.filter(
      (s) =>
        dependencies(s, "restoreTestingPlanName").some((d) => d.urn === plan.urn) &&
        gaps.read(() => s.props.protectedResourceType) === "RDS",
    );
    const targetProblems = rdsSelections.map((s) => restoreTargetProblem(s, primaries, gaps));
    rdsSelections.forEach((s, i) => {
      if (targetProblems[i]) report(targetProblems[i], s.urn);
    });
    if (rdsSelections.length === 0 && !gaps.any) {
      report(
        `Restore testing plan ${plan.name} tests no RDS database: no restore testing selection of type RDS belongs to it.`,
        plan.urn,
      );
    }
  }
}

function restoreTestOnDocker(
  resources: readonly PolicyResource[],
  maxSeconds: number,
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  if (resources.filter(isMysqlServer).length === 0) return;
  const jobs = backupJobs(resources, gaps);
  if (jobs.length === 0 && !gaps.any) {
    report("No backup job container ships a crontab, so no restore test runs.");
  }
  for (const job of jobs) {
    const { shortest } = jobSchedule(job, "restore-test");
    if (shortest === undefined) {
      report(
        "The backup job's crontab has no restore-test line, so backups are never test-restored.",
        job.container.urn,
      );
    } else if (shortest > maxSeconds) {
      report(
        `The backup job runs restore-test every ${describeInterval(shortest)} but the floor is every ${describeInterval(maxSeconds)}.`,
        job.container.urn,
      );
    }
  }
}

export const backupsRestoreTestPolicy = stackPolicy(
  {
    name: "webstack-backups-restore-test",
    description:
      "Backups are test-restored at least weekly: on AWS, in tiers whose floor requires it (staging, prod), by a restore testing plan that includes the stack's vault (not the wildcard) with an RDS selection that targets the stack's databases; on Docker, in every tier, by the backup job's restore-test crontab line (docs/requirements.md §5: the same verification as AWS, and it costs nothing there).",
    severity: "high",
    configSchema: {
      properties: {
        required: tierSwitchesSchema(
          "Tiers whose AWS stacks must run a restore testing plan.",
          (f) => f.restoreTest,
        ),
        maximumIntervalDays: {
          type: "number",
          description: "Longest time between two restore tests, in days; may only be lowered.",
          default: RESTORE_TEST_FLOOR_DAYS,
        },
      },
    },
  },
  (args, report) => {
    const gaps = new PreviewGaps();
    const tier = stackTier(args.resources, gaps);
    const { required, maximumIntervalDays } = args.getConfig<{
      required?: Partial<Record<Tier, boolean>>;
      maximumIntervalDays?: number;
    }>();
    const maxSeconds = Math.min(RESTORE_TEST_FLOOR_DAYS, maximumIntervalDays ?? Infinity) * DAY;
    const targets = stackTargets(args.resources);
    const hasRds = ofType(args.resources, RDS_INSTANCE).length > 0;
    if (targets.aws && hasRds && switchFloor(tier, (f) => f.restoreTest, required)) {
      restoreTestOnAws(args.resources, tier, maxSeconds, gaps, report);
    }
    if (targets.docker) restoreTestOnDocker(args.resources, maxSeconds, gaps, report);
    gaps.rethrow();
  },
);
