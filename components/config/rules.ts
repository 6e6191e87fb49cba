// Rules that span several keys: the tier's floors, engine end of support, window overlaps, sizes
// that must fit, channels that need their settings. They run after every key parsed.
import { ALARM_FLOORS, mergeAlarms, NOTIFY_FLOOR } from "../catalog/alarms";
import { awsBackupRules, BACKUP_TIERS, mergeBackupTiers } from "../catalog/backups";
import { EC2_INSTANCE_TYPES } from "../catalog/instance-sizes";
import {
  EngineLifecycle,
  engineLine,
  MYSQL_LINES,
  pastStandardSupport,
  REDIS_LINES,
} from "../catalog/engine-versions";
import { Tier, TIER_FLOORS } from "../catalog/tiers";
import { Channel, SecretKey } from "./parts/alerts";
import { ConfigProblem, problem } from "./problems";
import { StackValues } from "./schema";
import { dailyOverlapsWeekly, dailyWindowMinutes, weeklyWindowMinutes } from "./windows";

export interface RuleContext {
  readonly values: StackValues;
  /** Secret keys present in the stack. */
  readonly secrets: ReadonlySet<SecretKey>;
  /** ISO date used for end-of-support checks. */
  readonly today: string;
}

const path = (dotted: string) => dotted.split(".");

/** The value at a dotted key of the parsed values. */
function valueAt(values: StackValues, key: string): unknown {
  return path(key).reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], values);
}

/**
 * `check(ok, key, message)`: one problem at `key`, showing its value, unless `ok`. Every rule
 * below judges a value at a key of `values`, so the value shown is always the one found there.
 */
function checker(values: StackValues) {
  return (ok: boolean, key: string, message: string): ConfigProblem[] =>
    ok ? [] : [problem(path(key), message, valueAt(values, key))];
}

function floorRules({ values }: RuleContext): ConfigProblem[] {
  const check = checker(values);
  const tier: Tier = values.environment;
  const f = TIER_FLOORS[tier];
  const atLeast = (key: string, minimum: number, what: string) =>
    check(
      (valueAt(values, key) as number) >= minimum,
      key,
      `must be at least ${minimum} in ${tier} (${what})`,
    );
  const replicas = atLeast("mysql.replicas", f.mysqlMinReplicas, "read replica floor");
  if (values.target === "docker") {
    const only = "may be true only in dev (the database is reachable from the app tier only)";
    return [
      ...replicas,
      ...check(!values.mysql.publishPort || tier === "dev", "mysql.publishPort", only),
    ];
  }
  return [
    ...replicas,
    ...atLeast("mysql.backupRetentionDays", f.mysqlBackupRetentionDays, "backup retention floor"),
    ...atLeast("network.availabilityZones", f.minAvailabilityZones, "availability zone floor"),
    ...atLeast("redis.shards", f.redisMinShards, "shard floor"),
    ...check(!f.mysqlMultiAz || values.mysql.multiAz, "mysql.multiAz", `must be true in ${tier}`),
    ...atLeast(
      "redis.replicasPerShard",
      f.redisFailover ? 1 : 0,
      "automatic failover needs a replica",
    ),
    ...atLeast(
      "redis.snapshotRetentionDays",
      f.redisSnapshotRetentionDays,
      "snapshot retention floor",
    ),
  ];
}

function engineRules({ values, today }: RuleContext): ConfigProblem[] {
  const allowExtended = values.mysql.allowExtendedSupport;
  const check = (
    key: string,
    version: string,
    lines: readonly EngineLifecycle[],
    engine: string,
  ) => {
    const lifecycle = engineLine(lines, version);
    if (!lifecycle) {
      const supported = lines.map((l) => l.line).join(", ");
      return [problem(path(key), `must be a supported ${engine} line (${supported})`, version)];
    }
    const mysql = engine === "MySQL";
    if (!pastStandardSupport(lifecycle, today) || (mysql && allowExtended)) return [];
    const fix = mysql
      ? "upgrade, or set mysql.allowExtendedSupport to accept Extended Support"
      : "upgrade to a supported line";
    const ended = `${engine} ${lifecycle.line} ended ${lifecycle.endOfStandardSupport}`;
    return [problem(path(key), `is past end of standard support (${ended}); ${fix}`, version)];
  };
  const imageLine =
    values.target === "docker" && values.mysql.flavour === "mysql"
      ? /^(?:.*\/)?mysql:(\d+\.\d+)(?:\.\d+)?/.exec(values.mysql.image)?.[1]
      : undefined;
  return [
    ...check("mysql.engineVersion", values.mysql.engineVersion, MYSQL_LINES, "MySQL"),
    ...check("redis.engineVersion", values.redis.engineVersion, REDIS_LINES, "Redis"),
    ...(imageLine ? check("mysql.image", imageLine, MYSQL_LINES, "MySQL") : []),
  ];
}

function sizingRules({ values }: RuleContext): ConfigProblem[] {
  const check = checker(values);
  if (values.target === "docker") {
    const { maxmemoryMb, memoryMb } = values.redis;
    return check(
      maxmemoryMb === undefined || maxmemoryMb < memoryMb,
      "redis.maxmemoryMb",
      `must be below redis.memoryMb (${memoryMb}): Redis needs headroom to fork for snapshots`,
    );
  }
  const { mysql, redis, app } = values;
  const hour = (key: string, minutes: number) =>
    check(minutes >= 60, key, "must be at least 60 minutes long");
  const apart = (key: string, daily: string, weeklyKey: string, weekly: string) =>
    check(!dailyOverlapsWeekly(daily, weekly), key, `must not overlap ${weeklyKey} (${weekly})`);
  const host = EC2_INSTANCE_TYPES[app.instanceType];
  return [
    ...hour("mysql.backupWindow", dailyWindowMinutes(mysql.backupWindow)),
    ...hour("redis.snapshotWindow", dailyWindowMinutes(redis.snapshotWindow)),
    ...hour("mysql.maintenanceWindow", weeklyWindowMinutes(mysql.maintenanceWindow)),
    ...hour("redis.maintenanceWindow", weeklyWindowMinutes(redis.maintenanceWindow)),
    ...apart(
      "mysql.backupWindow",
      mysql.backupWindow,
      "mysql.maintenanceWindow",
      mysql.maintenanceWindow,
    ),
    ...apart(
      "redis.snapshotWindow",
      redis.snapshotWindow,
      "redis.maintenanceWindow",
      redis.maintenanceWindow,
    ),
    ...check(
      mysql.maxStorageGb === undefined || mysql.maxStorageGb > mysql.storageGb,
      "mysql.maxStorageGb",
      `must be above mysql.storageGb (${mysql.storageGb})`,
    ),
    ...check(
      redis.shards <= 1 || redis.clusterMode,
      "redis.clusterMode",
      "must be true when redis.shards is above 1",
    ),
    ...check(
      host.vcpu >= app.vcpu && host.memoryGiB >= app.memoryGb,
      "app.instanceType",
      `must offer at least app.vcpu ${app.vcpu} vCPU and app.memoryGb ${app.memoryGb} GiB ` +
        `(it has ${host.vcpu} vCPU, ${host.memoryGiB} GiB)`,
    ),
  ];
}

/** What each channel needs configured before a route may use it, per target. */
function channelRequirement(
  channel: Channel,
  { values, secrets }: RuleContext,
): string | undefined {
  const { alerts, target } = values;
  switch (channel) {
    case "log":
      return undefined;
    case "webhook":
      return secrets.has("alertWebhookUrl") ? undefined : "needs the alertWebhookUrl secret";
    case "email":
      return alerts.email ? undefined : "needs alerts.email.to";
    case "sms":
      if (!alerts.sms) return "needs alerts.sms.numbers";
      return target === "docker" && !secrets.has("smsWebhookUrl")
        ? "needs the smsWebhookUrl secret on docker"
        : undefined;
    case "slack":
      if (!alerts.slack) return "needs alerts.slack.channel";
      return target === "docker" && !secrets.has("slackWebhookUrl")
        ? "needs the slackWebhookUrl secret"
        : undefined;
  }
}

function alertRules(context: RuleContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { routes } = context.values.alerts;
  const tier = context.values.environment;
  for (const severity of ["warning", "critical"] as const) {
    const floor = NOTIFY_FLOOR[tier][severity];
    const missing = floor.filter((channel) => !routes[severity].includes(channel));
    if (missing.length > 0) {
      problems.push(
        problem(
          ["alerts", "routes", severity],
          `must include ${missing.map((c) => `"${c}"`).join(", ")}: ${tier} ${severity} alarms reach at least ${floor.join(", ")} (docs/requirements.md §1)`,
          routes[severity],
        ),
      );
    }
    routes[severity].forEach((channel, index) => {
      const missing = channelRequirement(channel, context);
      if (missing) {
        problems.push(
          problem(
            ["alerts", "routes", severity, index],
            `names channel "${channel}", which ${missing}`,
            channel,
          ),
        );
      }
    });
  }
  return problems;
}

function emailAuthRules({ values, secrets }: RuleContext): ConfigProblem[] {
  const username = values.target === "docker" ? values.alerts.email?.username : undefined;
  return checker(values)(
    username === undefined || secrets.has("smtpPassword"),
    "alerts.email.username",
    'needs the smtpPassword secret ("pulumi config set --secret smtpPassword <value>")',
  );
}

/**
 * The catalog's merge functions throw an Error whose message starts with the full key
 * (`webstack:alarms.overrides.HostCpuHigh.threshold must be …`); one such error is one problem.
 */
function caught(check: () => unknown): ConfigProblem[] {
  try {
    check();
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const match = /^(\S+) ([\s\S]+)$/.exec(message);
    if (!match) throw error;
    const key = match[1].startsWith("webstack:") ? match[1] : `webstack:${match[1]}`;
    return [{ path: [], message: match[2], hasValue: false, fullKey: key }];
  }
}

/**
 * Tightened and application alarms, through the catalog's own merge: each entry on its own, so
 * every bad entry is reported at once (on AWS, an application alarm needs its CloudWatch source).
 */
function alarmRules({ values }: RuleContext): ConfigProblem[] {
  const floor = ALARM_FLOORS[values.environment];
  const prefix = "webstack:alarms";
  const { overrides, extra } = values.alarms;
  return [
    ...Object.entries(overrides).flatMap(([name, override]) =>
      caught(() => mergeAlarms(floor, { [name]: override }, {}, prefix)),
    ),
    ...Object.entries(extra).flatMap(([name, alarm]) =>
      caught(() => mergeAlarms(floor, {}, { [name]: alarm }, prefix, values.target)),
    ),
  ];
}

/** Backup tiers, through the catalog's merge, one tier at a time; AWS needs AWS cron syntax. */
function backupRules({ values }: RuleContext): ConfigProblem[] {
  const prefix = "webstack:backups";
  const entries = Object.entries(values.backups).filter(([, tier]) => tier !== undefined);
  const problems = entries.flatMap(([kind, tier]) =>
    caught(() => mergeBackupTiers(BACKUP_TIERS, { [kind]: tier }, prefix)),
  );
  if (problems.length > 0) return problems;
  const tiers = mergeBackupTiers(BACKUP_TIERS, Object.fromEntries(entries), prefix);
  if (values.target !== "aws") return [];
  const redisDays = tiers.redis.retentionDays;
  const days = values.redis.snapshotRetentionDays;
  return [
    ...caught(() => awsBackupRules(tiers)),
    // ElastiCache keeps the Redis snapshots on AWS: its retention is the Redis tier's (unless the
    // tier floor already refused the value).
    ...checker(values)(
      days >= redisDays || days < TIER_FLOORS[values.environment].redisSnapshotRetentionDays,
      "redis.snapshotRetentionDays",
      `must be at least ${redisDays}, the retention of backups.redis`,
    ),
  ];
}

/** Every cross-key problem of a stack whose keys each parsed. */
export function crossKeyProblems(context: RuleContext): ConfigProblem[] {
  return [
    floorRules,
    engineRules,
    sizingRules,
    alertRules,
    emailAuthRules,
    alarmRules,
    backupRules,
  ].flatMap((rule) => rule(context));
}
