// What a stack's alarms actually are, read from the resources that ship them — CloudWatch metric
// alarms on AWS, alerting rules in the Prometheus rule files a Docker stack uploads — in one
// target-neutral shape, and how one such alarm is judged against its catalog floor (threshold no
// looser, duration no longer, severity no lower).
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import * as catalog from "../components/catalog/alarms";
import type { CatalogAlarm, Comparison, MetricKind } from "../components/catalog/alarms";
import type { Tier } from "../components/catalog/tiers";
import * as prom from "./prometheus-text";
import * as read from "./stack-reading";
import { asNumber, listing, METRIC_ALARM, PreviewGaps, Props, tag, UNKNOWN } from "./stack-reading";

export const RULE_FILE_SUFFIX = ".rules.yml";

/** One alarm as it ships, on either target. */
export interface ObservedAlarm {
  /** Catalog alarm name (`alarm` tag or `alert:`). */
  readonly name: string;
  /** The alarm's name in messages, with what it watches: `HostCpuHigh (watching db-1)`. */
  readonly who: string;
  readonly resource: PolicyResource;
  /** Undefined when the alarm compares with no fixed threshold the policy can read. */
  readonly comparison?: Comparison;
  readonly threshold?: number;
  /** How long the condition must hold; undefined when unreadable. */
  readonly durationSeconds?: number;
  /** True when the alarm fires at its first breaching evaluation. */
  readonly firstEvaluation: boolean;
  readonly severity: unknown;
  /** Problems reported besides the floor comparison (missing-data handling, what it reads). */
  readonly problems: readonly string[];
  /** No threshold to compare: an EventBridge rule fires on each failure event, and a BackupStale
   * whose threshold cannot be read says so in `problems`. */
  readonly noThreshold?: boolean;
}

/** How messages name an alarm: with the database or cache it watches, when it watches one. */
export const alarmWho = (name: string, watches: string | undefined) =>
  watches ? `${name} (watching ${watches})` : name;

/** The SNS topics an EventBridge rule's targets deliver to. */
export const ruleTopics = (resources: readonly PolicyResource[], rule: PolicyResource) =>
  read
    .ofType(resources, read.EVENT_TARGET)
    .filter((t) => read.comesFrom(t, "rule", rule))
    .flatMap((t) => read.dependencies(t, "arn", read.TOPIC));

/**
 * Metric kinds whose CloudWatch alarm must treat missing data as breaching: no health-check,
 * availability, completed-backup, replica-lag or engine data point means nothing answered or
 * nothing ran (components/alarms/cloudwatch-specs.ts), and with
 * `missing`/`notBreaching` the alarm would stay OK (or go to INSUFFICIENT_DATA, which notifies
 * no one) exactly when it matters.
 */
const MISSING_DATA_BREACHES: readonly MetricKind[] = [
  "serviceHealthyPercent",
  "availabilityPercent",
  "backupAgeHours",
  "replicationRunning",
  "mysqlUp",
  "redisUp",
];

/**
 * One CloudWatch alarm. Its period is its own, or the longest of its metric math queries.
 * BackupStale is written the way CloudWatch can express "no backup for N hours": fewer than one
 * completed backup job in each of N hourly periods, so its threshold in hours is period ×
 * evaluation periods.
 */
function cloudWatchAlarm(resource: PolicyResource, name: string, metric?: MetricKind) {
  const props = resource.props;
  const who = alarmWho(name, tag(props, "watches"));
  const operator = String(props.comparisonOperator);
  const threshold = asNumber(props.threshold);
  const queryPeriods = read
    .maps(props.metricQueries)
    .flatMap((q) => asNumber((q.metric as Props | undefined)?.period) ?? asNumber(q.period) ?? []);
  const period =
    asNumber(props.period) ?? (queryPeriods.length > 0 ? Math.max(...queryPeriods) : undefined);
  const periods = asNumber(props.evaluationPeriods);
  const duration = period !== undefined && periods !== undefined ? period * periods : undefined;
  const problems: string[] = [];
  if (metric && MISSING_DATA_BREACHES.includes(metric) && props.treatMissingData !== "breaching") {
    const missing = props.treatMissingData;
    problems.push(
      `${who} treats missing data as ${typeof missing === "string" ? missing : "missing (the default)"}, so it stays quiet when no data arrives; set treatMissingData to breaching.`,
    );
  }
  const common = { name, who, resource, severity: tag(props, "severity"), problems };
  if (metric !== "backupAgeHours") {
    const direction = /^(Greater|Less)Than(OrEqualTo)?Threshold$/.exec(operator)?.[1];
    return {
      ...common,
      comparison: direction
        ? ((direction === "Greater" ? "above" : "below") as Comparison)
        : undefined,
      threshold,
      durationSeconds: duration,
      firstEvaluation: periods === 1,
    };
  }
  const countsMissingJobs =
    threshold !== undefined &&
    ((operator === "LessThanThreshold" && threshold >= 1) ||
      (operator === "LessThanOrEqualToThreshold" && threshold >= 0));
  const hours = countsMissingJobs && duration !== undefined ? duration / 3600 : undefined;
  if (hours === undefined) {
    problems.push(
      `${who} must fire when fewer than 1 backup job completed (LessThanThreshold 1) over its periods; it compares ${operator} ${String(threshold)}.`,
    );
  }
  const stale = {
    comparison: "above" as const,
    threshold: hours,
    noThreshold: hours === undefined,
  };
  return { ...common, ...stale, durationSeconds: 0, firstEvaluation: true };
}

/**
 * Every catalog-tagged CloudWatch alarm of the stack. `unjudged` names alarms that exist but hold
 * values unknown during preview; `complete` is false when an alarm's name itself is unknown (so
 * no alarm can be claimed missing).
 */
export function cloudWatchAlarms(
  resources: readonly PolicyResource[],
  floorOf: (name: string) => CatalogAlarm | undefined,
  gaps: PreviewGaps,
) {
  const alarms: ObservedAlarm[] = [];
  const unjudged: string[] = [];
  let complete = true;
  for (const resource of read.ofType(resources, METRIC_ALARM)) {
    const name = gaps.read(() => tag(resource.props, "alarm"));
    if (name === UNKNOWN) complete = false;
    if (name === UNKNOWN || name === undefined) continue;
    const observed = gaps.read(() => cloudWatchAlarm(resource, name, floorOf(name)?.metric));
    if (observed === UNKNOWN) unjudged.push(name);
    else alarms.push(observed);
  }
  return { alarms, unjudged, complete };
}

/**
 * The YAML files the stack's containers ship under `suffix`, parsed; each one that does not parse
 * is reported (as "The shipped <what><file>"). `all` holds those unknown during preview too.
 */
export function shippedYaml(
  resources: readonly PolicyResource[],
  suffix: string,
  gaps: PreviewGaps,
  report: ReportViolation,
  what = "",
) {
  const all = read.shippedFiles(resources, suffix, gaps);
  const parsed = all.flatMap(({ container, file, text }) => {
    if (text === UNKNOWN) return [];
    try {
      return [{ container, file, document: prom.parseYamlDocument(text) }];
    } catch (error) {
      report(`The shipped ${what}${file} does not parse: ${(error as Error).message}`);
      return [];
    }
  });
  return { all, parsed };
}
export type ShippedYaml = ReturnType<typeof shippedYaml>["parsed"][number];

/** Every alerting rule of the shipped rule files, each checked to read its metric's series. */
export function prometheusAlarms(
  files: readonly ShippedYaml[],
  floorOf: (name: string) => CatalogAlarm | undefined,
): ObservedAlarm[] {
  return files.flatMap(({ container, document }) =>
    prom.alertingRules(document).map((rule) => {
      const metric = floorOf(rule.alert)?.metric;
      const value = prom.comparedValue(rule.expr);
      const series = metric === undefined ? [] : catalog.METRIC_SERIES[metric];
      const unread = series.filter((s) => !prom.readsSeries(value, s));
      return {
        name: rule.alert,
        who: rule.alert,
        resource: container,
        ...prom.trailingComparison(rule.expr),
        durationSeconds: rule.forSeconds,
        firstEvaluation: rule.forSeconds === 0,
        severity: rule.severity,
        problems:
          unread.length === 0
            ? []
            : [
                `${rule.alert} compares ${value}, which does not read ${listing(unread)}; ${metric} is computed from ${listing(series)}.`,
              ],
      };
    }),
  );
}

const RANK = (severity: unknown) => catalog.SEVERITIES.indexOf(severity as catalog.Severity);

/** Where a shipped alarm is weaker than its floor, as full sentences. */
export function judgeAlarm(observed: ObservedAlarm, floor: CatalogAlarm, tier: Tier): string[] {
  const { who, comparison, threshold, durationSeconds: duration } = observed;
  const amount = (value: number) => `${value}${catalog.UNIT_SYMBOLS[floor.unit]}`;
  const wanted = `${floor.comparison} ${amount(floor.threshold)}`;
  const atFloor = `the ${tier} floor`;
  const problems = [...observed.problems];
  if (observed.noThreshold) {
    // Nothing to compare: see ObservedAlarm.noThreshold.
  } else if (comparison === undefined || threshold === undefined) {
    problems.push(
      `${who} does not compare its value with a fixed threshold; ${atFloor} fires ${wanted}.`,
    );
  } else if (comparison !== floor.comparison) {
    problems.push(
      `${who} fires ${comparison} ${amount(threshold)} but ${atFloor} fires ${wanted}.`,
    );
  } else if (comparison === "above" ? threshold > floor.threshold : threshold < floor.threshold) {
    problems.push(
      `${who} fires ${comparison} ${amount(threshold)} but ${atFloor} is ${amount(floor.threshold)}.`,
    );
  }
  const floorDuration = catalog.describeDuration(floor.forSeconds);
  if (duration === undefined) {
    const wanted = floor.forSeconds === 0 ? "fires at the first evaluation" : `is ${floorDuration}`;
    problems.push(`${who} has no readable duration; ${atFloor} ${wanted}.`);
  } else if (floor.forSeconds === 0 && !observed.firstEvaluation) {
    problems.push(
      `${who} waits ${catalog.describeDuration(duration)} but ${atFloor} fires at the first evaluation.`,
    );
  } else if (floor.forSeconds > 0 && duration > floor.forSeconds) {
    problems.push(
      `${who} fires after ${catalog.describeDuration(duration)} but ${atFloor} is ${floorDuration}.`,
    );
  }
  if (RANK(observed.severity) < 0) {
    problems.push(
      `${who} has no severity (warning or critical); ${atFloor} makes it ${floor.severity}.`,
    );
  } else if (RANK(observed.severity) < RANK(floor.severity)) {
    problems.push(
      `${who} is ${String(observed.severity)} but ${atFloor} makes it ${floor.severity}.`,
    );
  }
  return problems;
}
