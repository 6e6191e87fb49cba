// Rules that span several keys: the tier's floors, keys that belong to the other target,
// engine end of support, window overlaps, sizes that must fit. They run after every key parsed.
import { ALARM_FLOORS, mergeAlarms, NOTIFY_FLOOR } from "../catalog/alarms";
import { awsBackupRules, BACKUP_TIERS, mergeBackupTiers } from "../catalog/backups";
import { EC2_INSTANCE_TYPES } from "../catalog/instance-sizes";
import {
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

function floorRules({ values }: RuleContext): ConfigProblem[] {
  const tier: Tier = values.environment;
  const floor = TIER_FLOORS[tier];
  const problems: ConfigProblem[] = [];
  const atLeast = (key: string, actual: number, minimum: number, what: string) => {
    if (actual < minimum) {
      problems.push(problem(path(key), `must be at least ${minimum} in ${tier} (${what})`, actual));
    }
  };
  atLeast("mysql.replicas", values.mysql.replicas, floor.mysqlMinReplicas, "read replica floor");
  if (values.target === "aws") {
    atLeast(
      "mysql.backupRetentionDays",
      values.mysql.backupRetentionDays,
      floor.mysqlBackupRetentionDays,
      "backup retention floor",
    );
    atLeast(
      "network.availabilityZones",
      values.network.availabilityZones,
      floor.minAvailabilityZones,
      "availability zone floor",
    );
    atLeast("redis.shards", values.redis.shards, floor.redisMinShards, "shard floor");
    if (floor.mysqlMultiAz && !values.mysql.multiAz) {
      problems.push(problem(["mysql", "multiAz"], `must be true in ${tier}`, values.mysql.multiAz));
    }
    if (floor.redisFailover) {
      atLeast(
        "redis.replicasPerShard",
        values.redis.replicasPerShard,
        1,
        "automatic failover needs a replica",
      );
    }
    atLeast(
      "redis.snapshotRetentionDays",
      values.redis.snapshotRetentionDays,
      floor.redisSnapshotRetentionDays,
      "snapshot retention floor",
    );
  }
  if (values.target === "docker" && values.mysql.publishPort && tier !== "dev") {
    problems.push(
      problem(
        ["mysql", "publishPort"],
        "may be true only in dev (the database is reachable from the app tier only)",
        true,
      ),
    );
  }
  return problems;
}

function engineRules({ values, today }: RuleContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const check = (
    key: string,
    version: string,
    lines: typeof MYSQL_LINES,
    engine: string,
    extendedSupportKey?: string,
  ) => {
    const allowExtended = extendedSupportKey !== undefined && values.mysql.allowExtendedSupport;
    const lifecycle = engineLine(lines, version);
    if (!lifecycle) {
      problems.push(
        problem(
          path(key),
          `must be a supported ${engine} line (${lines.map((l) => l.line).join(", ")})`,
          version,
        ),
      );
    } else if (pastStandardSupport(lifecycle, today) && !allowExtended) {
      problems.push(
        problem(
          path(key),
          `is past end of standard support (${engine} ${lifecycle.line} ended ${lifecycle.endOfStandardSupport}); ` +
            (extendedSupportKey
              ? `upgrade, or set ${extendedSupportKey} to accept Extended Support`
              : "upgrade to a supported line"),
          version,
        ),
      );
    }
  };
  const extendedSupport = "mysql.allowExtendedSupport";
  check("mysql.engineVersion", values.mysql.engineVersion, MYSQL_LINES, "MySQL", extendedSupport);
  check("redis.engineVersion", values.redis.engineVersion, REDIS_LINES, "Redis");
  if (values.target === "docker" && values.mysql.flavour === "mysql") {
    const tag = /^(?:.*\/)?mysql:(\d+\.\d+)(?:\.\d+)?/.exec(values.mysql.image);
    if (tag) {
      check("mysql.image", tag[1], MYSQL_LINES, "MySQL", extendedSupport);
    }
  }
  return problems;
}

function awsSizingRules({ values }: RuleContext): ConfigProblem[] {
  if (values.target !== "aws") return [];
  const problems: ConfigProblem[] = [];
  const { mysql, redis, app } = values;
  for (const [key, window] of [
    ["mysql.backupWindow", mysql.backupWindow],
    ["redis.snapshotWindow", redis.snapshotWindow],
  ] as const) {
    if (dailyWindowMinutes(window) < 60) {
      problems.push(problem(path(key), "must be at least 60 minutes long", window));
    }
  }
  for (const [key, window] of [
    ["mysql.maintenanceWindow", mysql.maintenanceWindow],
    ["redis.maintenanceWindow", redis.maintenanceWindow],
  ] as const) {
    if (weeklyWindowMinutes(window) < 60) {
      problems.push(problem(path(key), "must be at least 60 minutes long", window));
    }
  }
  if (dailyOverlapsWeekly(mysql.backupWindow, mysql.maintenanceWindow)) {
    problems.push(
      problem(
        ["mysql", "backupWindow"],
        `must not overlap mysql.maintenanceWindow (${mysql.maintenanceWindow})`,
        mysql.backupWindow,
      ),
    );
  }
  if (dailyOverlapsWeekly(redis.snapshotWindow, redis.maintenanceWindow)) {
    problems.push(
      problem(
        ["redis", "snapshotWindow"],
        `must not overlap redis.maintenanceWindow (${redis.maintenanceWindow})`,
        redis.snapshotWindow,
      ),
    );
  }
  if (mysql.maxStorageGb !== undefined && mysql.maxStorageGb <= mysql.storageGb) {
    problems.push(
      problem(
        ["mysql", "maxStorageGb"],
        `must be above mysql.storageGb (${mysql.storageGb})`,
        mysql.maxStorageGb,
      ),
    );
  }
  if (redis.shards > 1 && !redis.clusterMode) {
    problems.push(
      problem(["redis", "clusterMode"], "must be true when redis.shards is above 1", false),
    );
  }
  const host = app.instanceType ? EC2_INSTANCE_TYPES[app.instanceType] : undefined;
  if (host && (host.vcpu < app.vcpu || host.memoryGiB < app.memoryGb)) {
    problems.push(
      problem(
        ["app", "instanceType"],
        `must offer at least app.vcpu ${app.vcpu} vCPU and app.memoryGb ${app.memoryGb} GiB ` +
          `(it has ${host.vcpu} vCPU, ${host.memoryGiB} GiB)`,
        app.instanceType,
      ),
    );
  }
  return problems;
}

function dockerSizingRules({ values }: RuleContext): ConfigProblem[] {
  if (values.target !== "docker") return [];
  const { redis } = values;
  if (redis.maxmemoryMb !== undefined && redis.maxmemoryMb >= redis.memoryMb) {
    return [
      problem(
        ["redis", "maxmemoryMb"],
        `must be below redis.memoryMb (${redis.memoryMb}): Redis needs headroom to fork for snapshots`,
        redis.maxmemoryMb,
      ),
    ];
  }
  return [];
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
  if (username !== undefined && !secrets.has("smtpPassword")) {
    return [
      problem(
        ["alerts", "email", "username"],
        'needs the smtpPassword secret ("pulumi config set --secret smtpPassword <value>")',
        username,
      ),
    ];
  }
  return [];
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
  return [
    ...caught(() => awsBackupRules(tiers)),
    // ElastiCache keeps the Redis snapshots on AWS: its retention is the Redis tier's (unless the
    // tier floor already refused the value).
    ...(values.redis.snapshotRetentionDays < redisDays &&
    values.redis.snapshotRetentionDays >= TIER_FLOORS[values.environment].redisSnapshotRetentionDays
      ? [
          problem(
            ["redis", "snapshotRetentionDays"],
            `must be at least ${redisDays}, the retention of backups.redis`,
            values.redis.snapshotRetentionDays,
          ),
        ]
      : []),
  ];
}

/** Every cross-key problem of a stack whose keys each parsed. */
export function crossKeyProblems(context: RuleContext): ConfigProblem[] {
  return [
    floorRules,
    engineRules,
    awsSizingRules,
    dockerSizingRules,
    alertRules,
    emailAuthRules,
    alarmRules,
    backupRules,
  ].flatMap((rule) => rule(context));
}
