// webstack-backups-coverage: every database, the uploads bucket and the files and config tiers are
// backed up at least as often and kept at least as long as the backup catalog says (with the pack
// config's tightening): AWS Backup selections and plans on AWS, the backup job's crontab and
// environment on Docker.
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import {
  awsBackupRules,
  AwsBackupRule,
  BACKUP_KINDS,
  BACKUP_TAG_KEY,
  BACKUP_TIERS,
  BackupKind,
  BackupTier,
  BackupTiers,
  uploadsBackupRule,
} from "../components/catalog/backups";
import { awsScheduleIntervalSeconds, cronIntervalSeconds } from "../components/catalog/cron";
import {
  BackupJob,
  backupJobs,
  jobSchedule,
  PLAN,
  readableInterval,
  SELECTION,
} from "./backup-resources";
import { stackPolicy } from "./define";
import { RDS_INSTANCE } from "./rds";
import {
  containerAliases,
  dependencies,
  describeInterval,
  isMysqlServer,
  isRedisNode,
  listing,
  ofType,
  PreviewGaps,
  stackTargets,
  tag,
  UNKNOWN,
} from "./stack-reading";
import { Props } from "./tier";

const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
/** The component that owns the application's uploads bucket (components/storage/aws.ts). */
const UPLOADS_STORE = "webstack:storage:UploadsBucket";

/** A pack config's tightening of one backup tier: a more frequent schedule, longer retention. */
interface TierTightening {
  readonly schedule?: string;
  readonly retentionDays?: number;
}

/** The catalog's backup tiers with the pack config's tightening; looser or unreadable is ignored. */
export function floorTiers(tighten: Readonly<Record<string, TierTightening>> = {}): BackupTiers {
  const tiers = { ...BACKUP_TIERS };
  for (const kind of BACKUP_KINDS) {
    const base = BACKUP_TIERS[kind];
    const { schedule = base.schedule, retentionDays = 0 } = tighten[kind] ?? {};
    const tighter = (readableInterval(schedule) ?? Infinity) < cronIntervalSeconds(base.schedule);
    tiers[kind] = {
      ...base,
      schedule: tighter ? schedule : base.schedule,
      retentionDays: Math.max(base.retentionDays, retentionDays),
    };
  }
  return tiers;
}

const days = (n: number) => (n === Infinity ? "forever" : `${n} day${n === 1 ? "" : "s"}`);
const DATABASE_KINDS: readonly BackupKind[] = ["mysql-full", "mysql-binlog"];
/** Tiers every Docker backup job runs whatever databases the stack has (docs/requirements.md §5). */
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

/**
 * Judges once each backup plan the selections belong to against `floor`; a selection whose plan
 * is not a plan of this stack cannot be judged, and is reported.
 */
function judgePlans(
  picks: readonly (readonly [PolicyResource, string])[],
  floor: readonly AwsBackupRule[],
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const plans = new Map<string, PolicyResource>();
  for (const [selection, what] of picks) {
    const own = dependencies(selection, "planId", PLAN);
    if (own.length === 0) {
      report(
        `Backup selection ${selection.name} picks ${what} but its plan is not a backup plan of this stack, so its rules cannot be checked.`,
        selection.urn,
      );
    }
    own.forEach((plan) => plans.set(plan.urn, plan));
  }
  for (const plan of plans.values()) {
    const problems = gaps.read(() => planProblems(plan, floor));
    if (problems !== UNKNOWN) problems.forEach((p) => report(p, plan.urn));
  }
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
 * meets the files tier (uploadsBackupRule in components/catalog/backups.ts).
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
  const picks: [PolicyResource, string][] = [];
  for (const bucket of resources.filter((r) => BUCKETS.includes(r.type))) {
    const picking = selections.filter((s) =>
      dependencies(s, "resources").some((d) => d.urn === bucket.urn),
    );
    if (picking.length === 0 && isUploadsBucket(bucket)) {
      report(
        `No backup selection picks the uploads bucket ${bucket.name}, so uploaded files are never backed up.`,
        bucket.urn,
      );
    }
    picks.push(...picking.map((s): [PolicyResource, string] => [s, `bucket ${bucket.name}`]));
  }
  judgePlans(picks, [filesRule], gaps, report);
}

function coverageOnAws(
  resources: readonly PolicyResource[],
  floor: readonly AwsBackupRule[],
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const selections = ofType(resources, SELECTION);
  const picks: [PolicyResource, string][] = [];
  for (const primary of ofType(resources, RDS_INSTANCE)) {
    const read = gaps.read(() => ({
      replica: Boolean(primary.props.replicateSourceDb),
      id: String(primary.props.identifier ?? primary.name),
      tagValue: tag(primary.props, BACKUP_TAG_KEY),
    }));
    if (read === UNKNOWN || read.replica) continue;
    const { id, tagValue } = read;
    if (tagValue === undefined) {
      report(
        `RDS primary ${id} carries no ${BACKUP_TAG_KEY} tag, so no backup selection picks it up.`,
        primary.urn,
      );
      continue;
    }
    const picking = selections.filter(
      (s) => gaps.read(() => selectionPicks(s, primary, tagValue)) === true,
    );
    if (picking.length === 0) {
      report(
        `No backup selection picks RDS primary ${id} (tag ${BACKUP_TAG_KEY}=${tagValue}).`,
        primary.urn,
      );
    }
    picks.push(...picking.map((s): [PolicyResource, string] => [s, `RDS primary ${id}`]));
  }
  judgePlans(picks, floor, gaps, report);
}

// ---- webstack-backups-coverage on Docker

/** The job's retention variables for a tier (RETENTION_DAYS_<KIND>, GFS), each against its floor. */
function retentionProblems(job: BackupJob, kind: BackupKind, floor: BackupTier): string[] {
  const name = kind.replaceAll("-", "_").toUpperCase();
  const checks: [string, number][] = [[`RETENTION_DAYS_${name}`, floor.retentionDays]];
  if (floor.weekly) checks.push([`WEEKLY_RETENTION_DAYS_${name}`, floor.weekly.retentionDays]);
  if (floor.monthly) checks.push([`MONTHLY_RETENTION_DAYS_${name}`, floor.monthly.retentionDays]);
  return checks.flatMap(([variable, minimum]) => {
    const value = job.env.get(variable);
    if (value === undefined) {
      return [`The backup job sets no ${variable}; the floor is ${days(minimum)}.`];
    }
    if (!/^\d+$/.test(value.trim())) {
      return [`The backup job's ${variable}=${value} is not a whole number of days.`];
    }
    return Number(value) < minimum
      ? [
          `The backup job keeps ${kind} backups ${days(Number(value))} (${variable}=${value} in its environment) but the floor is ${days(minimum)}.`,
        ]
      : [];
  });
}

function jobProblems(
  job: BackupJob,
  required: readonly BackupKind[],
  tiers: BackupTiers,
  mysqlAliases: readonly string[],
): string[] {
  const problems: string[] = [];
  const scheduled = job.jobs
    .map((j) => j.job)
    .filter((j): j is BackupKind => (BACKUP_KINDS as readonly string[]).includes(j));
  for (const kind of new Set([...required, ...scheduled])) {
    const every = cronIntervalSeconds(tiers[kind].schedule);
    const { lines, shortest } = jobSchedule(job, kind);
    if (lines.length === 0) {
      problems.push(
        `The backup job's crontab has no ${kind} line; the floor backs it up every ${describeInterval(every)}.`,
      );
    } else if (shortest === undefined) {
      problems.push(
        `The backup job's crontab schedules ${kind} with "${lines[0].schedule}", which is not a valid cron schedule.`,
      );
    } else if (shortest > every) {
      problems.push(
        `The backup job runs ${kind} every ${describeInterval(shortest)} but the floor is every ${describeInterval(every)}.`,
      );
    }
    problems.push(...retentionProblems(job, kind, tiers[kind]));
  }
  for (const script of new Set(job.jobs.map((j) => j.script))) {
    if (!job.scripts.includes(script)) {
      problems.push(`The backup job's crontab runs ${script}, which the job does not ship.`);
    }
  }
  const host = job.env.get("MYSQL_HOST");
  if (mysqlAliases.length > 0 && !mysqlAliases.includes(host ?? "")) {
    problems.push(
      host === undefined
        ? `The backup job sets no MYSQL_HOST; it must name a MySQL container's network alias (${listing(mysqlAliases)}).`
        : `The backup job's MYSQL_HOST is ${host}, which is no MySQL container's network alias (${listing(mysqlAliases)}).`,
    );
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
  tiers: BackupTiers,
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

export const backupsCoveragePolicy = stackPolicy(
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
);
