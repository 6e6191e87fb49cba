// webstack-backups-restore-test: backups are test-restored at least weekly — on AWS (where the
// tier requires it) by a restore testing plan that includes this stack's vault and targets its RDS
// primaries, on Docker by the backup job's restore-test crontab line.
import type { PolicyResource } from "@pulumi/policy";
import { BACKUP_TAG_KEY, BACKUP_VERIFICATION } from "../components/catalog/backups";
import { awsScheduleIntervalSeconds, cronIntervalSeconds } from "../components/catalog/cron";
import { backupJobs, jobSchedule } from "./backup-resources";
import { StackCheck, stackPolicy, switchFloor, tierSchema } from "./define";
import * as read from "./stack-reading";

const DAY = 86_400;
const FLOOR_DAYS = cronIntervalSeconds(BACKUP_VERIFICATION.restoreTestSchedule) / DAY;
const RESOURCE_TAG = "aws:ResourceTag/";
/** An RDS DB instance ARN; the capture is the instance identifier. */
const RDS_INSTANCE_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]*:\d*:db:(.+)$/;

/**
 * A list input read for its strings. When `linked` (its value came from the stack's own
 * resources), a value unknown in preview is one of theirs, so only known values are read and an
 * unknown one is undefined; otherwise the whole list must be known. Undefined when unreadable.
 */
function readList(linked: boolean, get: () => unknown, gaps: read.PreviewGaps) {
  if (!linked) {
    const known = gaps.read(() => {
      const value = get();
      return read.isStringArray(value) ? value : [];
    });
    return known === read.UNKNOWN ? undefined : known;
  }
  const value = read.peek(() => read.list(get()));
  if (value === undefined) return undefined;
  return Array.from({ length: value.length }, (_, i) => read.peek(() => String(value[i])));
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
  vaults: PolicyResource[],
  gaps: read.PreviewGaps,
) {
  const what = `Restore testing plan ${plan.name}`;
  const selection = () => (plan.props.recoveryPointSelection ?? {}) as read.Props;
  // Every exclusion is read: one unknown during preview may be this stack's vault.
  const exclude = gaps.read(() => {
    const value = selection().excludeVaults;
    return read.isStringArray(value) ? value : [];
  });
  const names = gaps.read(() =>
    vaults.map((v) => v.props.name).filter((n) => typeof n === "string"),
  );
  if (exclude === read.UNKNOWN || names === read.UNKNOWN) return undefined;
  const isOwnVault = (arn: string) => names.some((n) => arn.endsWith(`:backup-vault:${n}`));
  // The recorded dependency says the vault's ARN went into includeVaults only when nothing else in
  // recoveryPointSelection could have carried it (both lists share the one dependency record).
  const linked =
    read.dependencies(plan, "recoveryPointSelection", read.VAULT).length > 0 &&
    exclude.length === 0;
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
    return `${what} excludes ${read.listing(excluded)} (recoveryPointSelection.excludeVaults), which takes out this stack's vault, so it tests none of its recovery points.`;
  }
  const listed = include.filter((v): v is string => v !== undefined);
  if (linked || listed.some(isOwnVault)) return undefined;
  return `${what} includes ${read.listing(listed)}, which is no backup vault of this stack.`;
}

/**
 * Why a restore testing selection does not provably test-restore an RDS primary of this stack.
 * Listed ARNs must be primaries of the stack (taken from them, or naming their identifier). `*`
 * means every RDS database of the account: only a stringEquals tag condition that a primary of the
 * stack meets narrows it to ours; stringNotEquals alone leaves every other stack's databases in.
 */
function restoreTargetProblem(
  selection: PolicyResource,
  primaries: PolicyResource[],
  gaps: read.PreviewGaps,
) {
  const what = `Restore testing selection ${selection.name}`;
  const fromPrimaries = read.dependencies(selection, "protectedResourceArns");
  const linked =
    fromPrimaries.length > 0 && fromPrimaries.every((d) => primaries.some((p) => p.urn === d.urn));
  const arns = readList(linked, () => selection.props.protectedResourceArns, gaps);
  const conditions = gaps.read(() => {
    const all = (selection.props.protectedResourceConditions ?? {}) as read.Props;
    const pairs = (value: unknown) =>
      read.maps(value).map((c) => ({ key: String(c.key), value: String(c.value) }));
    return { equals: pairs(all.stringEquals), notEquals: pairs(all.stringNotEquals) };
  });
  const ids = gaps.read(() => primaries.map((p) => p.props.identifier));
  if (arns === undefined || conditions === read.UNKNOWN || ids === read.UNKNOWN) return undefined;
  const { equals, notEquals } = conditions;
  if (arns.length === 0) {
    return equals.length === 0 && notEquals.length === 0
      ? `${what} targets nothing: protectedResourceArns and protectedResourceConditions are empty.`
      : `${what} targets nothing: protectedResourceArns is empty, and its conditions only narrow "*".`;
  }
  if (!arns.includes("*")) {
    const foreign = arns.filter((arn): arn is string => {
      const id = arn === undefined ? undefined : RDS_INSTANCE_ARN.exec(arn)?.[1];
      return arn !== undefined && (id === undefined ? !linked : !ids.includes(id));
    });
    return foreign.length === 0
      ? undefined
      : `${what} targets ${read.listing(foreign)}, which is no RDS primary of this stack.`;
  }
  const tagEquals = equals.filter((c) => c.key.startsWith(RESOURCE_TAG));
  const tagNotEquals = notEquals.filter((c) => c.key.startsWith(RESOURCE_TAG));
  if (tagEquals.length === 0) {
    return tagNotEquals.length === 0
      ? `${what} targets every RDS database of the account ("*") with no stringEquals tag condition, so a passing test does not show this stack's database restores; match its primaries with aws:ResourceTag/${BACKUP_TAG_KEY}.`
      : `${what} narrows "*" only by stringNotEquals, which still leaves every other RDS database of the account in; match this stack's primaries with a stringEquals condition on aws:ResourceTag/${BACKUP_TAG_KEY}.`;
  }
  const meets = primaries.map((p) =>
    gaps.read(() => {
      const tagOf = (c: { key: string }) => read.tag(p.props, c.key.slice(RESOURCE_TAG.length));
      return (
        tagEquals.every((c) => tagOf(c) === c.value) &&
        tagNotEquals.every((c) => tagOf(c) !== c.value)
      );
    }),
  );
  // A primary whose tags are unknown in preview may be the match: the gap is noted, not judged.
  if (meets.some((m) => m === true || m === read.UNKNOWN)) return undefined;
  const shown = [
    ...tagEquals.map((c) => `${c.key}=${c.value}`),
    ...tagNotEquals.map((c) => `${c.key}!=${c.value}`),
  ];
  return `${what} matches no RDS primary of this stack (${shown.join(", ")}).`;
}

interface RestoreConfig {
  readonly required?: Parameters<typeof switchFloor>[2];
  readonly maximumIntervalDays?: number;
}

/** Longest time allowed between two restore tests: the catalog's, or pack config's shorter one. */
const maxSeconds = ({ args }: StackCheck) =>
  Math.min(FLOOR_DAYS, args.getConfig<RestoreConfig>().maximumIntervalDays ?? Infinity) * DAY;

function restoreTestOnAws(stack: StackCheck): void {
  const { resources, tier, gaps, report, args } = stack;
  const { required } = args.getConfig<RestoreConfig>();
  const instances = read.ofType(resources, read.RDS_INSTANCE);
  if (instances.length === 0 || !switchFloor(tier, (f) => f.restoreTest, required)) return;
  const primaries = instances.filter((r) => gaps.read(() => !r.props.replicateSourceDb) === true);
  const max = maxSeconds(stack);
  const plans = read.ofType(resources, read.RESTORE_PLAN);
  if (plans.length === 0) {
    report(
      `${tier} requires a restore test at least every ${read.describeInterval(max)}, but no restore testing plan exists.`,
    );
  }
  for (const plan of plans) {
    const vaultProblem = includedVaultProblem(plan, read.ofType(resources, read.VAULT), gaps);
    if (vaultProblem) report(vaultProblem, plan.urn);
    const interval = gaps.read(() =>
      read.orProblem(() => awsScheduleIntervalSeconds(String(plan.props.scheduleExpression))),
    );
    if (typeof interval === "string") {
      report(`Restore testing plan ${plan.name}: ${interval}.`, plan.urn);
    } else if (typeof interval === "number" && interval > max) {
      report(
        `Restore testing plan ${plan.name} runs every ${read.describeInterval(interval)} but the floor is every ${read.describeInterval(max)}.`,
        plan.urn,
      );
    }
    const selections = read
      .ofType(resources, read.RESTORE_SELECTION)
      .filter(
        (s) =>
          read.comesFrom(s, "restoreTestingPlanName", plan) &&
          gaps.read(() => s.props.protectedResourceType) === "RDS",
      );
    for (const selection of selections) {
      const problem = restoreTargetProblem(selection, primaries, gaps);
      if (problem) report(problem, selection.urn);
    }
    if (selections.length === 0 && !gaps.any) {
      report(
        `Restore testing plan ${plan.name} tests no RDS database: no restore testing selection of type RDS belongs to it.`,
        plan.urn,
      );
    }
  }
}

function restoreTestOnDocker(stack: StackCheck): void {
  const { resources, gaps, report } = stack;
  if (resources.filter(read.isMysqlServer).length === 0) return;
  const jobs = backupJobs(resources, gaps);
  if (jobs.length === 0 && !gaps.any) {
    report("No backup job container ships a crontab, so no restore test runs.");
  }
  const max = maxSeconds(stack);
  for (const job of jobs) {
    const { shortest } = jobSchedule(job, "restore-test");
    if (shortest === undefined) {
      report(
        "The backup job's crontab has no restore-test line, so backups are never test-restored.",
        job.container.urn,
      );
    } else if (shortest > max) {
      report(
        `The backup job runs restore-test every ${read.describeInterval(shortest)} but the floor is every ${read.describeInterval(max)}.`,
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
        required: tierSchema(
          "Tiers whose AWS stacks must run a restore testing plan.",
          (f) => f.restoreTest,
        ),
        maximumIntervalDays: {
          type: "number",
          description: "Longest time between two restore tests, in days; may only be lowered.",
          default: FLOOR_DAYS,
        },
      },
    },
  },
  { aws: restoreTestOnAws, docker: restoreTestOnDocker },
);
