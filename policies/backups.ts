// Backup stack policies: every database is backed up as often and kept as long as the backup
// catalog says, restores are tested, and the AWS vault is encrypted (and locked where the tier
// requires). They read the operations resources in the shape docs/operations-catalog.md fixes: the
// tagged RDS primaries, backup selections, plans, vault and restore testing plan on AWS; the backup
// job container's crontab, backup.sh and environment on Docker.
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import {
  awsBackupRules,
  AwsBackupRule,
  BACKUP_KINDS,
  BACKUP_TAG_KEY,
  BACKUP_TIERS,
  BACKUP_VERIFICATION,
  BackupKind,
  BackupTier,
} from "../components/catalog/backups";
import { awsScheduleIntervalSeconds, cronIntervalSeconds } from "../components/catalog/cron";
import { uploadsBackupRule } from "../components/backups/aws-plan";
import type { Tier } from "../components/catalog/tiers";
import { crontabJobs, CrontabJob, retentionVariable, scriptDefaults } from "./backup-job-text";
import { stackPolicy } from "./define";
import { RDS_INSTANCE } from "./rds";
import {
  containerAliases,
  containerEnv,
  CONTAINER,
  dependencies,
  describeInterval,
  isBackupJob,
  isStringArray,
  isMysqlServer,
  isRedisNode,
  listing,
  ofType,
  peek,
  PreviewGaps,
  shippedFiles,
  stackTargets,
  stackTier,
  tag,
  UNKNOWN,
} from "./stack-reading";
import { Props, switchFloor, tierOrStrictest, tierSwitchesSchema } from "./tier";

const SELECTION = "aws:backup/selection:Selection";
const PLAN = "aws:backup/plan:Plan";
const VAULT = "aws:backup/vault:Vault";
const VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
const KMS_KEY = "aws:kms/key:Key";
const RESTORE_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan";
const RESTORE_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection";
const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
/** The component that owns the application's uploads bucket (components/storage/aws.ts). */
const UPLOADS_STORE = "webstack:storage:UploadsBucket";
const CUSTOMER_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const DAY = 86_400;

/** A pack config's tightening of one backup tier: a more frequent schedule, longer retention. */
interface TierTightening {
  readonly schedule?: string;
  readonly retentionDays?: number;
}

/** The catalog's backup tiers with the pack config's tightening; looser values are ignored. */
export function floorTiers(
  tighten: Readonly<Record<string, TierTightening>> = {},
): Record<BackupKind, BackupTier> {
  const tiers = { ...BACKUP_TIERS };
  for (const kind of BACKUP_KINDS) {
    const base = BACKUP_TIERS[kind];
    const t = tighten[kind] ?? {};
    let schedule = base.schedule;
    if (t.schedule !== undefined) {
      try {
        if (cronIntervalSeconds(t.schedule) < cronIntervalSeconds(base.schedule)) {
          schedule = t.schedule;
        }
      } catch {
        // An unreadable schedule in pack config cannot tighten anything.
      }
    }
    tiers[kind] = {
      ...base,
      schedule,
      retentionDays: Math.max(base.retentionDays, t.retentionDays ?? 0),
    };
  }
  return tiers;
}

const days = (n: number) => (n === Infinity ? "forever" : `${n} day${n === 1 ? "" : "s"}`);
const DATABASE_KINDS: readonly BackupKind[] = ["mysql-full", "mysql-binlog"];
/** Tiers every Docker backup job runs whatever databases the stack has (REQUIREMENTS §5). */
const FILE_KINDS: readonly BackupKind[] = ["files", "config"];

// ---- webstack-backups-coverage on AWS

interface PlanRule {
  readonly ruleName: string;
  readonly continuous: boolean;
  readonly retentionDays: number;
  readonly intervalSeconds?: number;
  readonly scheduleProblem?: string;
}

function planRules(plan: PolicyResource): PlanRule[] {
  const rules = Array.isArray(plan.props.rules) ? (plan.props.rules as Props[]) : [];
  return rules.map((rule) => {
    const ruleName = String(rule.ruleName ?? "");
    const lifecycle = (rule.lifecycle ?? {}) as Props;
    const deleteAfter =
      typeof lifecycle.deleteAfter === "number" ? lifecycle.deleteAfter : Infinity;
    const base = {
      ruleName,
      continuous: rule.enableContinuousBackup === true,
      retentionDays: deleteAfter,
    };
    try {
      return { ...base, intervalSeconds: awsScheduleIntervalSeconds(String(rule.schedule)) };
    } catch (error) {
      return { ...base, scheduleProblem: (error as Error).message };
    }
  });
}

/** Where a plan's rules fall short of the floor rules, as full sentences. */
function planProblems(plan: PolicyResource, floor: readonly AwsBackupRule[]): string[] {
  const rules = planRules(plan);
  const problems = rules
    .filter((r) => r.scheduleProblem)
    .map((r) => `Backup plan ${plan.name} rule "${r.ruleName}": ${r.scheduleProblem}.`);
  for (const wanted of floor) {
    if (wanted.enableContinuousBackup) {
      const continuous = rules.filter((r) => r.continuous);
      const kept = Math.max(...continuous.map((r) => r.retentionDays));
      if (continuous.length === 0) {
        problems.push(
          `Backup plan ${plan.name} has no continuous backup rule; the floor keeps ${days(wanted.deleteAfterDays)} of point-in-time recovery.`,
        );
      } else if (kept < wanted.deleteAfterDays) {
        problems.push(
          `Backup plan ${plan.name} keeps point-in-time recovery ${days(kept)} but the floor is ${days(wanted.deleteAfterDays)}.`,
        );
      }
      continue;
    }
    const every = awsScheduleIntervalSeconds(wanted.schedule);
    const snapshots = rules.filter((r) => !r.continuous && r.intervalSeconds !== undefined);
    const meets = (r: PlanRule) =>
      r.intervalSeconds! <= every && r.retentionDays >= wanted.deleteAfterDays;
    if (snapshots.some(meets)) continue;
    const named = snapshots.find((r) => r.ruleName === wanted.ruleName);
    if (!named) {
      problems.push(
        `Backup plan ${plan.name} has no rule backing up every ${describeInterval(every)} and keeping backups ${days(wanted.deleteAfterDays)} (the floor's "${wanted.ruleName}").`,
      );
      continue;
    }
    if (named.intervalSeconds! > every) {
      problems.push(
        `Backup plan ${plan.name} rule "${named.ruleName}" runs every ${describeInterval(named.intervalSeconds!)} but the floor is every ${describeInterval(every)}.`,
      );
    }
    if (named.retentionDays < wanted.deleteAfterDays) {
      problems.push(
        `Backup plan ${plan.name} rule "${named.ruleName}" keeps backups ${days(named.retentionDays)} but the floor is ${days(wanted.deleteAfterDays)}.`,
      );
    }
  }
  return problems;
}

function selectionPicks(
  selection: PolicyResource,
  primary: PolicyResource,
  tagValue: string,
): boolean {
  const tags = Array.isArray(selection.props.selectionTags)
    ? (selection.props.selectionTags as Props[])
    : [];
  return (
    tags.some(
      (t) => t.type === "STRINGEQUALS" && t.key === BACKUP_TAG_KEY && t.value === tagValue,
    ) || dependencies(selection, "resources").some((d) => d.urn === primary.urn)
  );
}

/**
 * The application's uploads bucket: a bucket whose URN says an UploadsBucket component owns it
 * (the engine writes the parent types into every child's URN).
 */
function isUploadsBucket(resource: PolicyResource): boolean {
  return BUCKETS.includes(resource.type) && resource.urn.includes(`${UPLOADS_STORE}$`);
}

/**
 * Buckets are backed up as the files tier: an AWS stack with databases serves the application,
 * which keeps uploaded files in exactly one uploads bucket; that bucket must be picked by a backup
 * selection, and every bucket a selection picks (by its `resources`) must be under a plan that
 * meets the files tier (components/backups/aws-plan.ts uploadsBackupRule).
 */
function bucketCoverage(
  resources: readonly PolicyResource[],
  filesRule: AwsBackupRule,
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const uploads = resources.filter(isUploadsBucket);
  if (uploads.length === 0 && ofType(resources, RDS_INSTANCE).length > 0) {
    report(
      `No bucket belongs to a ${UPLOADS_STORE} component, so uploaded files are not stored anywhere backed up.`,
    );
  } else if (uploads.length > 1) {
    report(
      `Buckets ${listing(uploads.map((b) => b.name))} all belong to ${UPLOADS_STORE} components; the stack keeps uploaded files in exactly one, the one its backups must select.`,
    );
  }
  const selections = ofType(resources, SELECTION);
  const plans = new Map<string, PolicyResource>();
  for (const bucket of resources.filter((r) => BUCKETS.includes(r.type))) {
    const picking = selections.filter((s) =>
      dependencies(s, "resources").some((d) => d.urn === bucket.urn),
    );
    if (picking.length === 0) {
      if (isUploadsBucket(bucket)) {
        report(
          `No backup selection picks the uploads bucket ${bucket.name}, so uploaded files are never backed up.`,
          bucket.urn,
        );
      }
      continue;
    }
    for (const selection of picking) {
      const own = dependencies(selection, "planId", PLAN);
      if (own.length === 0) {
        report(
          `Backup selection ${selection.name} picks bucket ${bucket.name} but its plan is not a backup plan of this stack, so its rules cannot be checked.`,
          selection.urn,
        );
      }
      own.forEach((plan) => plans.set(plan.urn, plan));
    }
  }
  for (const plan of plans.values()) {
    const problems = gaps.read(() => planProblems(plan, [filesRule]));
    if (problems !== UNKNOWN) problems.forEach((p) => report(p, plan.urn));
  }
}

function coverageOnAws(
  resources: readonly PolicyResource[],
  floor: readonly AwsBackupRule[],
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const selections = ofType(resources, SELECTION);
  const plans = new Map<string, PolicyResource>();
  for (const primary of ofType(resources, RDS_INSTANCE)) {
    const read = gaps.read(() => ({
      replica: Boolean(primary.props.replicateSourceDb),
      id: String(primary.props.identifier ?? primary.name),
      tagValue: tag(primary.props, BACKUP_TAG_KEY),
    }));
    if (read === UNKNOWN || read.replica) continue;
    if (read.tagValue === undefined) {
      report(
        `RDS primary ${read.id} carries no ${BACKUP_TAG_KEY} tag, so no backup selection picks it up.`,
        primary.urn,
      );
      continue;
    }
    const tagValue = read.tagValue;
    const picking = selections.filter(
      (s) => gaps.read(() => selectionPicks(s, primary, tagValue)) === true,
    );
    if (picking.length === 0) {
      report(
        `No backup selection picks RDS primary ${read.id} (tag ${BACKUP_TAG_KEY}=${tagValue}).`,
        primary.urn,
      );
      continue;
    }
    for (const selection of picking) {
      const own = dependencies(selection, "planId", PLAN);
      if (own.length === 0) {
        report(
          `Backup selection ${selection.name} picks RDS primary ${read.id} but its plan is not a backup plan of this stack, so its rules cannot be checked.`,
          selection.urn,
        );
      }
      own.forEach((plan) => plans.set(plan.urn, plan));
    }
  }
  for (const plan of plans.values()) {
    const problems = gaps.read(() => planProblems(plan, floor));
    if (problems !== UNKNOWN) problems.forEach((p) => report(p, plan.urn));
  }
}

// ---- webstack-backups-coverage on Docker

interface BackupJob {
  readonly container: PolicyResource;
  readonly jobs: CrontabJob[];
  readonly script: { file: string; text: string } | undefined;
  readonly env: Map<string, string>;
}

/** Each backup job container with its crontab, backup.sh and environment (UNKNOWN entries dropped). */
function backupJobs(resources: readonly PolicyResource[], gaps: PreviewGaps): BackupJob[] {
  return ofType(resources, CONTAINER)
    .filter(isBackupJob)
    .flatMap((container) => {
      const mine = (suffix: string) =>
        shippedFiles([container], suffix, gaps).flatMap((f) =>
          f.text === UNKNOWN ? [] : [{ file: f.file, text: f.text }],
        );
      const crontabs = mine("/crontab");
      const env = gaps.read(() => containerEnv(container.props));
      if (env === UNKNOWN || crontabs.length === 0) return [];
      return [
        {
          container,
          jobs: crontabs.flatMap((c) => crontabJobs(c.text)),
          script: mine("/backup.sh")[0],
          env,
        },
      ];
    });
}

function retentionProblems(job: BackupJob, kind: BackupKind, floor: BackupTier): string[] {
  const checks: [string, number][] = [[retentionVariable(kind), floor.retentionDays]];
  if (floor.weekly)
    checks.push([retentionVariable(kind, "WEEKLY_RETENTION_DAYS"), floor.weekly.retentionDays]);
  if (floor.monthly)
    checks.push([retentionVariable(kind, "MONTHLY_RETENTION_DAYS"), floor.monthly.retentionDays]);
  const defaults = job.script ? scriptDefaults(job.script.text) : new Map<string, number>();
  const problems: string[] = [];
  for (const [variable, minimum] of checks) {
    const override = job.env.get(variable);
    if (override !== undefined) {
      const value = /^\d+$/.test(override.trim()) ? Number(override) : undefined;
      if (value === undefined) {
        problems.push(`The backup job's ${variable}=${override} is not a whole number of days.`);
      } else if (value < minimum) {
        problems.push(
          `The backup job keeps ${kind} backups ${days(value)} (${variable}=${override} in its environment) but the floor is ${days(minimum)}.`,
        );
      }
      continue;
    }
    const fallback = defaults.get(variable);
    if (!job.script) continue;
    if (fallback === undefined) {
      problems.push(
        `${job.script.file} sets no default for ${variable}; the floor is ${days(minimum)}.`,
      );
    } else if (fallback < minimum) {
      problems.push(
        `${job.script.file} keeps ${kind} backups ${days(fallback)} by default (${variable}) but the floor is ${days(minimum)}.`,
      );
    }
  }
  return problems;
}

function jobProblems(
  job: BackupJob,
  required: readonly BackupKind[],
  tiers: Readonly<Record<BackupKind, BackupTier>>,
  mysqlAliases: readonly string[],
): string[] {
  const problems: string[] = [];
  if (!job.script)
    problems.push("The backup job ships no backup.sh, so its retention cannot be checked.");
  const kinds = [
    ...new Set([
      ...required,
      ...job.jobs
        .map((j) => j.job)
        .filter((j): j is BackupKind => (BACKUP_KINDS as readonly string[]).includes(j)),
    ]),
  ];
  for (const kind of kinds) {
    const every = cronIntervalSeconds(tiers[kind].schedule);
    const lines = job.jobs.filter((j) => j.job === kind);
    const readable = lines.flatMap((j) =>
      j.intervalSeconds === undefined ? [] : [j.intervalSeconds],
    );
    if (lines.length === 0) {
      problems.push(
        `The backup job's crontab has no ${kind} line; the floor backs it up every ${describeInterval(every)}.`,
      );
    } else if (readable.length === 0) {
      problems.push(
        `The backup job's crontab schedules ${kind} with "${lines[0].schedule}", which is not a valid cron schedule.`,
      );
    } else if (Math.min(...readable) > every) {
      problems.push(
        `The backup job runs ${kind} every ${describeInterval(Math.min(...readable))} but the floor is every ${describeInterval(every)}.`,
      );
    }
    problems.push(...retentionProblems(job, kind, tiers[kind]));
  }
  const scriptPath = job.script?.file;
  for (const script of new Set(job.jobs.map((j) => j.script))) {
    if (scriptPath && script !== scriptPath) {
      problems.push(
        `The backup job's crontab runs ${script}, but backup.sh ships at ${scriptPath}.`,
      );
    }
  }
  if (mysqlAliases.length > 0) {
    const host = job.env.get("MYSQL_HOST");
    if (host === undefined) {
      problems.push(
        `The backup job sets no MYSQL_HOST; it must name a MySQL container's network alias (${listing(mysqlAliases)}).`,
      );
    } else if (!mysqlAliases.includes(host)) {
      problems.push(
        `The backup job's MYSQL_HOST is ${host}, which is no MySQL container's network alias (${listing(mysqlAliases)}).`,
      );
    }
  }
  return problems;
}

function dockerDatabases(resources: readonly PolicyResource[], gaps: PreviewGaps) {
  const mysql = resources.filter(isMysqlServer);
  const aliases = mysql.flatMap((c) => {
    const read = gaps.read(() => containerAliases(c.props));
    return read === UNKNOWN ? [] : read;
  });
  return { mysql, aliases, redis: resources.filter(isRedisNode) };
}

function coverageOnDocker(
  resources: readonly PolicyResource[],
  tiers: Readonly<Record<BackupKind, BackupTier>>,
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const { mysql, aliases, redis } = dockerDatabases(resources, gaps);
  if (mysql.length === 0 && redis.length === 0) return;
  const required: BackupKind[] = [
    ...(mysql.length > 0 ? DATABASE_KINDS : []),
    ...FILE_KINDS,
    ...(redis.length > 0 ? (["redis"] as const) : []),
  ];
  const jobs = backupJobs(resources, gaps);
  if (jobs.length === 0 && !gaps.any) {
    report(`No backup job container ships a crontab, so ${listing(required)} are never backed up.`);
  }
  for (const job of jobs) {
    jobProblems(job, required, tiers, aliases).forEach((p) => report(p, job.container.urn));
  }
}

// ---- webstack-backups-restore-test

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
  let include: (string | undefined)[];
  if (linked) {
    // A value unknown in preview is that vault's ARN, so only known values are read (undefined
    // marks an unknown one).
    const list = peek(() => selection().includeVaults ?? null);
    if (list === undefined) return undefined;
    include = Array.isArray(list)
      ? Array.from({ length: list.length }, (_, i) => peek(() => String(list[i])))
      : [];
  } else {
    const read = gaps.read(() => {
      const list = selection().includeVaults;
      return isStringArray(list) ? list : [];
    });
    if (read === UNKNOWN) return undefined;
    include = read;
  }
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
  let arns: (string | undefined)[];
  if (linked) {
    // Values unknown in preview came from the stack's primaries: their ARNs.
    const list = peek(() => selection.props.protectedResourceArns ?? null);
    if (list === undefined) return undefined;
    arns = Array.isArray(list)
      ? Array.from({ length: list.length }, (_, i) => peek(() => String(list[i])))
      : [];
  } else {
    const read = gaps.read(() => {
      const list = selection.props.protectedResourceArns;
      return isStringArray(list) ? list : [];
    });
    if (read === UNKNOWN) return undefined;
    arns = read;
  }
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
    const tests = job.jobs.filter((j) => j.job === "restore-test");
    const readable = tests.flatMap((j) =>
      j.intervalSeconds === undefined ? [] : [j.intervalSeconds],
    );
    if (readable.length === 0) {
      report(
        "The backup job's crontab has no restore-test line, so backups are never test-restored.",
        job.container.urn,
      );
    } else if (Math.min(...readable) > maxSeconds) {
      report(
        `The backup job runs restore-test every ${describeInterval(Math.min(...readable))} but the floor is every ${describeInterval(maxSeconds)}.`,
        job.container.urn,
      );
    }
  }
}

// ---- webstack-backups-vault

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

// ---- the policies

const RESTORE_TEST_FLOOR_DAYS = cronIntervalSeconds(BACKUP_VERIFICATION.restoreTestSchedule) / DAY;

export const backupPolicies = [
  stackPolicy(
    {
      name: "webstack-backups-coverage",
      description:
        "Every database is backed up at least as often and kept at least as long as the backup catalog says: on AWS each RDS primary is tagged for and picked by a backup selection whose plan meets the catalog's rules (continuous backup included), and the uploads bucket is picked by a plan meeting the files tier; on Docker the backup job's crontab schedules each database tier, the files and config tiers, its retention is not lowered, and it dumps a MySQL server of the stack.",
      severity: "critical",
      configSchema: {
        properties: {
          tighten: {
            type: "object",
            description:
              "Per backup tier (mysql-full, mysql-binlog, files, config, redis), a more frequent schedule and/or longer retentionDays than the catalog; looser values are ignored.",
            default: {},
          },
        },
      },
    },
    (args, report) => {
      const gaps = new PreviewGaps();
      const { tighten } = args.getConfig<{ tighten?: Record<string, TierTightening> }>();
      const tiers = floorTiers(tighten);
      const targets = stackTargets(args.resources);
      if (targets.aws) {
        coverageOnAws(args.resources, awsBackupRules(tiers), gaps, report);
        bucketCoverage(args.resources, uploadsBackupRule(tiers), gaps, report);
      }
      if (targets.docker) coverageOnDocker(args.resources, tiers, gaps, report);
      gaps.rethrow();
    },
  ),
  stackPolicy(
    {
      name: "webstack-backups-restore-test",
      description:
        "Backups are test-restored at least weekly: on AWS, in tiers whose floor requires it (staging, prod), by a restore testing plan that includes the stack's vault (not the wildcard) with an RDS selection that targets the stack's databases; on Docker, in every tier, by the backup job's restore-test crontab line (REQUIREMENTS §5: the same verification as AWS, and it costs nothing there).",
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
  ),
  stackPolicy(
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
  ),
];
