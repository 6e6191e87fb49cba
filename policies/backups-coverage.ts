// webstack-backups-coverage: every database, the uploads bucket and the files and config tiers are
// backed up at least as often and kept at least as long as the backup catalog says (with the pack
// config's tightening): AWS Backup selections and plans on AWS, the backup job's crontab and
// environment on Docker.
import type { PolicyResource } from "@pulumi/policy";
import * as catalog from "../components/catalog/backups";
import { awsScheduleIntervalSeconds, cronIntervalSeconds } from "../components/catalog/cron";
import { BackupJob, backupJobs, jobSchedule, readableInterval } from "./backup-resources";
import { StackCheck, stackPolicy } from "./define";
import * as read from "./stack-reading";

const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
/** The component that owns the application's uploads bucket (components/storage/aws.ts). */
const UPLOADS_STORE = "webstack:storage:UploadsBucket";

/** A pack config's tightening of one backup tier: a more frequent schedule, longer retention. */
interface TierTightening {
  readonly schedule?: string;
  readonly retentionDays?: number;
}

/** The catalog's backup tiers with the pack config's tightening; looser or unreadable is ignored. */
function floorTiers({ args }: StackCheck): catalog.BackupTiers {
  const { tighten = {} } = args.getConfig<{ tighten?: Record<string, TierTightening> }>();
  const tiers = { ...catalog.BACKUP_TIERS };
  for (const kind of catalog.BACKUP_KINDS) {
    const base = tiers[kind];
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

// ---- on AWS

/** Where a plan's rules fall short of the floor rules, as full sentences. */
function planProblems(plan: PolicyResource, floor: readonly catalog.AwsBackupRule[]): string[] {
  const rules = read.maps(plan.props.rules).map((rule) => ({
    ruleName: String(rule.ruleName ?? ""),
    continuous: rule.enableContinuousBackup === true,
    retentionDays: read.asNumber((rule.lifecycle as read.Props)?.deleteAfter) ?? Infinity,
    interval: read.orProblem(() => awsScheduleIntervalSeconds(String(rule.schedule))),
  }));
  type Rule = (typeof rules)[number];
  const inPlan = `Backup plan ${plan.name}`;
  const problems = rules
    .filter((r) => typeof r.interval === "string")
    .map((r) => `${inPlan} rule "${r.ruleName}": ${r.interval}.`);
  for (const wanted of floor) {
    const keep = read.days(wanted.deleteAfterDays);
    if (wanted.enableContinuousBackup) {
      const continuous = rules.filter((r) => r.continuous);
      const kept = Math.max(...continuous.map((r) => r.retentionDays));
      if (continuous.length === 0) {
        problems.push(
          `${inPlan} has no continuous backup rule; the floor keeps ${keep} of point-in-time recovery.`,
        );
      } else if (kept < wanted.deleteAfterDays) {
        problems.push(
          `${inPlan} keeps point-in-time recovery ${read.days(kept)} but the floor is ${keep}.`,
        );
      }
      continue;
    }
    const every = awsScheduleIntervalSeconds(wanted.schedule);
    const snapshots = rules.filter((r) => !r.continuous && typeof r.interval === "number");
    const often = (r: Rule) => (r.interval as number) <= every;
    if (snapshots.some((r) => often(r) && r.retentionDays >= wanted.deleteAfterDays)) continue;
    const named = snapshots.find((r) => r.ruleName === wanted.ruleName);
    if (!named) {
      problems.push(
        `${inPlan} has no rule backing up every ${read.describeInterval(every)} and keeping backups ${keep} (the floor's "${wanted.ruleName}").`,
      );
      continue;
    }
    const rule = `${inPlan} rule "${named.ruleName}"`;
    if (!often(named)) {
      problems.push(
        `${rule} runs every ${read.describeInterval(named.interval as number)} but the floor is every ${read.describeInterval(every)}.`,
      );
    }
    if (named.retentionDays < wanted.deleteAfterDays) {
      problems.push(
        `${rule} keeps backups ${read.days(named.retentionDays)} but the floor is ${keep}.`,
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
  { gaps, report }: StackCheck,
  picks: readonly (readonly [PolicyResource, string])[],
  floor: readonly catalog.AwsBackupRule[],
): void {
  const plans = new Map<string, PolicyResource>();
  for (const [selection, what] of picks) {
    const own = read.dependencies(selection, "planId", read.PLAN);
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
    if (problems !== read.UNKNOWN) problems.forEach((p) => report(p, plan.urn));
  }
}

/**
 * Buckets are backed up as the files tier: an AWS stack with databases serves the application,
 * which keeps uploaded files in exactly one uploads bucket (a bucket whose URN says an
 * UploadsBucket component owns it: the engine writes the parent types into every child's URN);
 * that bucket must be picked by a backup selection, and every bucket a selection picks (by its
 * `resources`) must be under a plan that meets the files tier (uploadsBackupRule).
 */
function bucketCoverage(stack: StackCheck, filesRule: catalog.AwsBackupRule): void {
  const { resources, report } = stack;
  const buckets = resources.filter((r) => BUCKETS.includes(r.type));
  const isUploads = (bucket: PolicyResource) => bucket.urn.includes(`${UPLOADS_STORE}$`);
  const uploads = buckets.filter(isUploads);
  if (uploads.length === 0 && read.ofType(resources, read.RDS_INSTANCE).length > 0) {
    report(
      `No bucket belongs to a ${UPLOADS_STORE} component, so uploaded files are not stored anywhere backed up.`,
    );
  } else if (uploads.length > 1) {
    report(
      `Buckets ${read.listing(uploads.map((b) => b.name))} all belong to ${UPLOADS_STORE} components; the stack keeps uploaded files in exactly one, the one its backups must select.`,
    );
  }
  const picks: [PolicyResource, string][] = [];
  for (const bucket of buckets) {
    const picking = read
      .ofType(resources, read.SELECTION)
      .filter((s) => read.comesFrom(s, "resources", bucket));
    if (picking.length === 0 && isUploads(bucket)) {
      report(
        `No backup selection picks the uploads bucket ${bucket.name}, so uploaded files are never backed up.`,
        bucket.urn,
      );
    }
    picks.push(...picking.map((s): [PolicyResource, string] => [s, `bucket ${bucket.name}`]));
  }
  judgePlans(stack, picks, [filesRule]);
}

function coverageOnAws(stack: StackCheck): void {
  const { resources, gaps, report } = stack;
  const tiers = floorTiers(stack);
  const picks: [PolicyResource, string][] = [];
  for (const primary of read.ofType(resources, read.RDS_INSTANCE)) {
    const primaryRead = gaps.read(() => ({
      replica: Boolean(primary.props.replicateSourceDb),
      id: String(primary.props.identifier ?? primary.name),
      tagValue: read.tag(primary.props, catalog.BACKUP_TAG_KEY),
    }));
    if (primaryRead === read.UNKNOWN || primaryRead.replica) continue;
    const { id, tagValue } = primaryRead;
    if (tagValue === undefined) {
      report(
        `RDS primary ${id} carries no ${catalog.BACKUP_TAG_KEY} tag, so no backup selection picks it up.`,
        primary.urn,
      );
      continue;
    }
    const selects = (selection: PolicyResource) =>
      read
        .maps(selection.props.selectionTags)
        .some(
          (t) =>
            t.type === "STRINGEQUALS" && t.key === catalog.BACKUP_TAG_KEY && t.value === tagValue,
        ) || read.comesFrom(selection, "resources", primary);
    const picking = read
      .ofType(resources, read.SELECTION)
      .filter((s) => gaps.read(() => selects(s)) === true);
    if (picking.length === 0) {
      report(
        `No backup selection picks RDS primary ${id} (tag ${catalog.BACKUP_TAG_KEY}=${tagValue}).`,
        primary.urn,
      );
    }
    picks.push(...picking.map((s): [PolicyResource, string] => [s, `RDS primary ${id}`]));
  }
  judgePlans(stack, picks, catalog.awsBackupRules(tiers));
  bucketCoverage(stack, catalog.uploadsBackupRule(tiers));
}

// ---- on Docker

/** The job's retention variables for a tier (RETENTION_DAYS_<KIND>, GFS), each against its floor. */
function retentionProblems(job: BackupJob, kind: catalog.BackupKind, floor: catalog.BackupTier) {
  const name = kind.replaceAll("-", "_").toUpperCase();
  const checks: [string, number][] = [[`RETENTION_DAYS_${name}`, floor.retentionDays]];
  if (floor.weekly) checks.push([`WEEKLY_RETENTION_DAYS_${name}`, floor.weekly.retentionDays]);
  if (floor.monthly) checks.push([`MONTHLY_RETENTION_DAYS_${name}`, floor.monthly.retentionDays]);
  return checks.flatMap(([variable, minimum]) => {
    const value = job.env.get(variable);
    if (value === undefined) {
      return [`The backup job sets no ${variable}; the floor is ${read.days(minimum)}.`];
    }
    if (!/^\d+$/.test(value.trim())) {
      return [`The backup job's ${variable}=${value} is not a whole number of days.`];
    }
    if (Number(value) >= minimum) return [];
    return [
      `The backup job keeps ${kind} backups ${read.days(Number(value))} (${variable}=${value} in its environment) but the floor is ${read.days(minimum)}.`,
    ];
  });
}

function jobProblems(
  job: BackupJob,
  required: readonly catalog.BackupKind[],
  tiers: catalog.BackupTiers,
  mysqlAliases: readonly string[],
): string[] {
  const problems: string[] = [];
  const kinds = catalog.BACKUP_KINDS as readonly string[];
  const scheduled = job.jobs
    .map((j) => j.job)
    .filter((j): j is catalog.BackupKind => kinds.includes(j));
  for (const kind of new Set([...required, ...scheduled])) {
    const every = read.describeInterval(cronIntervalSeconds(tiers[kind].schedule));
    const { lines, shortest } = jobSchedule(job, kind);
    if (lines.length === 0) {
      problems.push(
        `The backup job's crontab has no ${kind} line; the floor backs it up every ${every}.`,
      );
    } else if (shortest === undefined) {
      problems.push(
        `The backup job's crontab schedules ${kind} with "${lines[0].schedule}", which is not a valid cron schedule.`,
      );
    } else if (shortest > cronIntervalSeconds(tiers[kind].schedule)) {
      problems.push(
        `The backup job runs ${kind} every ${read.describeInterval(shortest)} but the floor is every ${every}.`,
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
    const aliases = `a MySQL container's network alias (${read.listing(mysqlAliases)})`;
    problems.push(
      host === undefined
        ? `The backup job sets no MYSQL_HOST; it must name ${aliases}.`
        : `The backup job's MYSQL_HOST is ${host}, which is no MySQL container's network alias (${read.listing(mysqlAliases)}).`,
    );
  }
  return problems;
}

function coverageOnDocker(stack: StackCheck): void {
  const { resources, gaps, report } = stack;
  const mysql = resources.filter(read.isMysqlServer);
  const redis = resources.filter(read.isRedisNode);
  if (mysql.length === 0 && redis.length === 0) return;
  const aliases = mysql.flatMap((c) => {
    const found = gaps.read(() => read.containerAliases(c.props));
    return found === read.UNKNOWN ? [] : found;
  });
  // The files and config tiers run whatever databases the stack has (docs/requirements.md §5).
  const required: catalog.BackupKind[] = [
    ...(mysql.length > 0 ? (["mysql-full", "mysql-binlog"] as const) : []),
    ...(["files", "config"] as const),
    ...(redis.length > 0 ? (["redis"] as const) : []),
  ];
  const jobs = backupJobs(resources, gaps);
  if (jobs.length === 0 && !gaps.any) {
    report(
      `No backup job container ships a crontab, so ${read.listing(required)} are never backed up.`,
    );
  }
  const tiers = floorTiers(stack);
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
  { aws: coverageOnAws, docker: coverageOnDocker },
);
