// What a stack's alarms actually are, read from the resources that ship them — CloudWatch metric
// alarms and EventBridge rules on AWS, alerting rules in the Prometheus rule files a Docker stack
// uploads — in one target-neutral shape, and how one such alarm is judged against its catalog
// floor (threshold no looser, duration no longer, severity no lower).
import type { PolicyResource } from "@pulumi/policy";
import {
  CatalogAlarm,
  Comparison,
  describeDuration,
  MetricKind,
  SEVERITIES,
  UNIT_SYMBOLS,
} from "../components/catalog/alarms";
import { METRIC_SERIES } from "../components/alarms/prometheus-rules";
import type { Tier } from "../components/catalog/tiers";
import { ENABLED_STATES, parsedPattern } from "./backup-failed-events";
import { asNumber } from "./define";
import {
  alertingRules,
  comparedValue,
  parseYamlDocument,
  PrometheusRule,
  readsSeries,
  trailingComparison,
} from "./prometheus-text";
import { listing, ofType, PreviewGaps, shippedFiles, tag, UNKNOWN } from "./stack-reading";
import { Props } from "./tier";

export const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
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
  /** A problem found while reading, reported instead of the floor comparison. */
  readonly unreadable?: string;
  /** An EventBridge rule matching failure events: it has no threshold or duration to judge. */
  readonly onEvents?: boolean;
  /** Problems reported besides the floor comparison (missing-data handling, what a rule matches). */
  readonly problems?: readonly string[];
}

/**
 * Metric kinds whose CloudWatch alarm must treat missing data as breaching: no health-check,
 * availability or completed-backup data point means nothing answered or nothing ran, and with
 * `missing`/`notBreaching` the alarm would stay OK (or go to INSUFFICIENT_DATA, which notifies
 * no one) exactly when it matters.
 */
export const MISSING_DATA_BREACHES: readonly MetricKind[] = [
  "serviceHealthyPercent",
  "availabilityPercent",
  "backupAgeHours",
];

const HOUR = 3600;

/** The period of a metric alarm: its own, or the longest of its metric math queries. */
function periodOf(props: Props): number | undefined {
  const own = asNumber(props.period);
  if (own !== undefined) return own;
  const queries = Array.isArray(props.metricQueries) ? (props.metricQueries as Props[]) : [];
  const periods = queries
    .map((q) => asNumber((q.metric as Props | undefined)?.period) ?? asNumber(q.period))
    .filter((p): p is number => p !== undefined);
  return periods.length > 0 ? Math.max(...periods) : undefined;
}

function direction(operator: unknown): Comparison | undefined {
  if (operator === "GreaterThanThreshold" || operator === "GreaterThanOrEqualToThreshold") {
    return "above";
  }
  if (operator === "LessThanThreshold" || operator === "LessThanOrEqualToThreshold") return "below";
  return undefined;
}

/**
 * One CloudWatch alarm. BackupStale is written the way CloudWatch can express "no backup for N
 * hours": fewer than one completed backup job in each of N hourly periods, so its threshold in
 * hours is period × evaluation periods.
 */
function cloudWatchAlarm(
  resource: PolicyResource,
  name: string,
  floorOf: (name: string) => CatalogAlarm | undefined,
): ObservedAlarm {
  const props = resource.props;
  const watches = tag(props, "watches");
  const who = watches ? `${name} (watching ${watches})` : name;
  const operator = props.comparisonOperator;
  const threshold = asNumber(props.threshold);
  const period = periodOf(props);
  const periods = asNumber(props.evaluationPeriods);
  const duration = period !== undefined && periods !== undefined ? period * periods : undefined;
  const metric = floorOf(name)?.metric;
  const problems: string[] = [];
  if (metric !== undefined && MISSING_DATA_BREACHES.includes(metric)) {
    const missing = props.treatMissingData;
    if (missing !== "breaching") {
      problems.push(
        `${who} treats missing data as ${typeof missing === "string" ? missing : "missing (the default)"}, so it stays quiet when no data arrives; set treatMissingData to breaching.`,
      );
    }
  }
  const common = { name, who, resource, severity: tag(props, "severity"), problems };
  if (metric === "backupAgeHours") {
    const countsMissingJobs =
      (operator === "LessThanThreshold" && threshold !== undefined && threshold >= 1) ||
      (operator === "LessThanOrEqualToThreshold" && threshold !== undefined && threshold >= 0);
    if (!countsMissingJobs || duration === undefined) {
      return {
        ...common,
        durationSeconds: 0,
        firstEvaluation: true,
        unreadable: `${who} must fire when fewer than 1 backup job completed (LessThanThreshold 1) over its periods; it compares ${String(operator)} ${String(threshold)}.`,
      };
    }
    return {
      ...common,
      comparison: "above",
      threshold: duration / HOUR,
      durationSeconds: 0,
      firstEvaluation: true,
    };
  }
  return {
    ...common,
    comparison: direction(operator),
    threshold,
    durationSeconds: duration,
    firstEvaluation: periods === 1,
  };
}

/**
 * Every catalog-tagged CloudWatch alarm and EventBridge alarm rule of the stack. `unjudged` names
 * alarms that exist but hold values unknown during preview; `complete` is false when an alarm's
 * name itself is unknown (so no alarm can be claimed missing).
 */
export function cloudWatchAlarms(
  resources: readonly PolicyResource[],
  floorOf: (name: string) => CatalogAlarm | undefined,
  gaps: PreviewGaps,
): { alarms: ObservedAlarm[]; eventRules: ObservedAlarm[]; unjudged: string[]; complete: boolean } {
  const alarms: ObservedAlarm[] = [];
  const unjudged: string[] = [];
  let complete = true;
  for (const resource of ofType(resources, METRIC_ALARM)) {
    const name = gaps.read(() => tag(resource.props, "alarm"));
    if (name === UNKNOWN) complete = false;
    if (name === UNKNOWN || name === undefined) continue;
    const observed = gaps.read(() => cloudWatchAlarm(resource, name, floorOf));
    if (observed === UNKNOWN) unjudged.push(name);
    else alarms.push(observed);
  }
  const eventRules: ObservedAlarm[] = [];
  for (const resource of ofType(resources, EVENT_RULE)) {
    const read = gaps.read(() => ({
      name: tag(resource.props, "alarm"),
      severity: tag(resource.props, "severity"),
    }));
    if (read === UNKNOWN) complete = false;
    if (read === UNKNOWN || read.name === undefined) continue;
    const problems = gaps.read(() => eventRuleProblems(resource, read.name as string));
    eventRules.push({
      name: read.name,
      who: read.name,
      resource,
      severity: read.severity,
      firstEvaluation: true,
      durationSeconds: 0,
      onEvents: true,
      problems: problems === UNKNOWN ? [] : problems,
    });
  }
  return { alarms, eventRules, unjudged, complete };
}

/**
 * Why one EventBridge alarm rule cannot fire on AWS Backup jobs at all: it is disabled, has no
 * readable pattern, or listens to another source. Whether the rules together match every failed
 * backup and restore job is judged over all of them (policies/backup-failed-events.ts).
 */
function eventRuleProblems(resource: PolicyResource, name: string): string[] {
  const props = resource.props;
  const rule = `${name}'s EventBridge rule ${resource.name}`;
  const problems: string[] = [];
  const state = props.state;
  if (props.isEnabled === false) {
    problems.push(`${rule} has isEnabled false, so it never fires; leave it unset.`);
  } else if (!ENABLED_STATES.includes(state)) {
    problems.push(`${rule} is ${String(state)}, so it never fires; leave state unset or ENABLED.`);
  }
  // Read outside parsedPattern: an unknown pattern must reach PreviewGaps, not read as unparseable.
  const pattern = parsedPattern(String(props.eventPattern ?? ""));
  if (pattern === undefined) {
    problems.push(`${rule} has no readable eventPattern, so it matches no failed backup job.`);
    return problems;
  }
  const source = pattern.source;
  if (!Array.isArray(source) || !source.includes("aws.backup")) {
    problems.push(
      `${rule} does not match source aws.backup, so it never sees a failed backup job.`,
    );
  }
  return problems;
}

function prometheusAlarm(
  rule: PrometheusRule,
  resource: PolicyResource,
  floorOf: (name: string) => CatalogAlarm | undefined,
): ObservedAlarm {
  const compared = trailingComparison(rule.expr);
  const metric = floorOf(rule.alert)?.metric;
  const value = comparedValue(rule.expr);
  const unread =
    metric === undefined ? [] : METRIC_SERIES[metric].filter((s) => !readsSeries(value, s));
  return {
    name: rule.alert,
    who: rule.alert,
    resource,
    comparison: compared?.comparison,
    threshold: compared?.threshold,
    durationSeconds: rule.forSeconds,
    firstEvaluation: rule.forSeconds === 0,
    severity: rule.severity,
    problems:
      unread.length === 0
        ? []
        : [
            `${rule.alert} compares ${value}, which does not read ${listing(unread)}; ${metric} is computed from ${listing(METRIC_SERIES[metric as MetricKind])}.`,
          ],
  };
}

/**
 * Every alerting rule in the Prometheus rule files the stack ships. `problems` are files that do
 * not parse; `complete` is false when some file's text is unknown during preview.
 */
export function prometheusAlarms(
  resources: readonly PolicyResource[],
  floorOf: (name: string) => CatalogAlarm | undefined,
  gaps: PreviewGaps,
): { alarms: ObservedAlarm[]; files: number; complete: boolean; problems: string[] } {
  const alarms: ObservedAlarm[] = [];
  const problems: string[] = [];
  const files = shippedFiles(resources, RULE_FILE_SUFFIX, gaps);
  for (const { container, file, text } of files) {
    if (text === UNKNOWN) continue;
    try {
      const rules = alertingRules(parseYamlDocument(text));
      alarms.push(...rules.map((rule) => prometheusAlarm(rule, container, floorOf)));
    } catch (error) {
      problems.push(`The shipped rule file ${file} does not parse: ${(error as Error).message}`);
    }
  }
  return {
    alarms,
    files: files.length,
    complete: files.every((f) => f.text !== UNKNOWN),
    problems,
  };
}

function amount(alarm: CatalogAlarm, value: number): string {
  return `${value}${UNIT_SYMBOLS[alarm.unit]}`;
}

const RANK = (severity: unknown) => SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]);

/** Where a shipped alarm is weaker than its floor, as full sentences. */
export function judgeAlarm(observed: ObservedAlarm, floor: CatalogAlarm, tier: Tier): string[] {
  const { who } = observed;
  const problems: string[] = [...(observed.problems ?? [])];
  const wanted = `${floor.comparison} ${amount(floor, floor.threshold)}`;
  if (observed.onEvents) {
    // Fires on each failure event: nothing to compare but the severity.
  } else if (observed.unreadable) {
    problems.push(observed.unreadable);
  } else if (observed.comparison === undefined || observed.threshold === undefined) {
    problems.push(
      `${who} does not compare its value with a fixed threshold; the ${tier} floor fires ${wanted}.`,
    );
  } else if (observed.comparison !== floor.comparison) {
    problems.push(
      `${who} fires ${observed.comparison} ${amount(floor, observed.threshold)} but the ${tier} floor fires ${wanted}.`,
    );
  } else if (
    floor.comparison === "above"
      ? observed.threshold > floor.threshold
      : observed.threshold < floor.threshold
  ) {
    problems.push(
      `${who} fires ${observed.comparison} ${amount(floor, observed.threshold)} but the ${tier} floor is ${amount(floor, floor.threshold)}.`,
    );
  }
  const duration = observed.durationSeconds;
  if (duration === undefined) {
    const wanted =
      floor.forSeconds === 0
        ? "fires at the first evaluation"
        : `is ${describeDuration(floor.forSeconds)}`;
    problems.push(`${who} has no readable duration; the ${tier} floor ${wanted}.`);
  } else if (floor.forSeconds === 0 && !observed.firstEvaluation) {
    problems.push(
      `${who} waits ${describeDuration(duration)} but the ${tier} floor fires at the first evaluation.`,
    );
  } else if (floor.forSeconds > 0 && duration > floor.forSeconds) {
    problems.push(
      `${who} fires after ${describeDuration(duration)} but the ${tier} floor is ${describeDuration(floor.forSeconds)}.`,
    );
  }
  if (RANK(observed.severity) < 0) {
    problems.push(
      `${who} has no severity (warning or critical); the ${tier} floor makes it ${floor.severity}.`,
    );
  } else if (RANK(observed.severity) < RANK(floor.severity)) {
    problems.push(
      `${who} is ${String(observed.severity)} but the ${tier} floor makes it ${floor.severity}.`,
    );
  }
  return problems;
}
