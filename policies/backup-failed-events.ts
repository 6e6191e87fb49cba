// BackupFailed on AWS: EventBridge rules on failed AWS Backup jobs, tagged alarm=BackupFailed.
// Each rule alone proves little: the alarm holds only if some enabled rule matches failed backup
// jobs, some (maybe another) matches failed restore jobs, and each such rule targets an SNS topic
// of the alarm's severity.
import type { PolicyResource } from "@pulumi/policy";
import { SEVERITIES, Severity } from "../components/catalog/alarms";
import { EVENT_RULE, ObservedAlarm, ruleTopics } from "./alarm-observations";
import { listing, ofType, PreviewGaps, UNKNOWN } from "./stack-reading";
import { Props, tag } from "./tier";

/** An AWS Backup event a BackupFailed rule must match: the job kind, and its failed value. */
interface FailureEvent {
  readonly what: string;
  readonly detailType: string;
  /** Backup and copy job events carry `detail.state`; restore job events `detail.status`. */
  readonly field: "state" | "status";
}

/** The failures docs/requirements.md §5 and §6 make BackupFailed cover on AWS. */
const FAILURE_EVENTS: readonly FailureEvent[] = [
  { what: "failed backup jobs", detailType: "Backup Job State Change", field: "state" },
  { what: "failed restore jobs", detailType: "Restore Job State Change", field: "status" },
];
const FAILED = "FAILED";

/** States in which a rule delivers events (the provider's `state` values other than DISABLED). */
const ENABLED_STATES: readonly unknown[] = [
  undefined,
  "ENABLED",
  "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
];

const isMap = (value: unknown): value is Props =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Whether a pattern field lets `value` through: absent is a wildcard; otherwise an array holding
 * the value or a `{prefix}` / `{"equals-ignore-case"}` matcher of it. Other matchers (anything-but,
 * wildcard, numeric) are not read, so they prove nothing.
 */
function lets(field: unknown, value: string): boolean {
  if (field === undefined) return true;
  if (!Array.isArray(field)) return false;
  return field.some(
    (v) =>
      v === value ||
      (isMap(v) && typeof v.prefix === "string" && value.startsWith(v.prefix)) ||
      (isMap(v) &&
        typeof v["equals-ignore-case"] === "string" &&
        v["equals-ignore-case"].toLowerCase() === value.toLowerCase()),
  );
}

/**
 * Whether an EventBridge pattern matches every failure event of the kind. A field the policy does
 * not know how the event fills (resources, detail.backupVaultName, …) could filter the event out,
 * so it is not proof; `account` is the stack's own account, kept so cross-account copies stay out.
 */
function matchesEvery(pattern: Props, event: FailureEvent): boolean {
  const known = ["source", "detail-type", "detail", "account"];
  if (Object.keys(pattern).some((key) => !known.includes(key))) return false;
  if (!lets(pattern.source, "aws.backup") || !lets(pattern["detail-type"], event.detailType)) {
    return false;
  }
  if (pattern.detail === undefined) return true;
  if (!isMap(pattern.detail)) return false;
  const detail = pattern.detail;
  return Object.keys(detail).every((key) => key === event.field && lets(detail[key], FAILED));
}

/** The parsed eventPattern, or undefined when it is absent or not a JSON object. */
function parsedPattern(text: string): Props | undefined {
  try {
    const pattern: unknown = JSON.parse(text);
    return isMap(pattern) ? pattern : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why one EventBridge alarm rule cannot fire on AWS Backup jobs at all: it is disabled, has no
 * readable pattern, or listens to another source. Whether the rules together match every failed
 * backup and restore job is judged over all of them (`uncoveredFailures`).
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
  const pattern = parsedPattern(String(props.eventPattern ?? ""));
  if (pattern === undefined) {
    problems.push(`${rule} has no readable eventPattern, so it matches no failed backup job.`);
  } else if (!Array.isArray(pattern.source) || !pattern.source.includes("aws.backup")) {
    problems.push(
      `${rule} does not match source aws.backup, so it never sees a failed backup job.`,
    );
  }
  return problems;
}

/**
 * Every EventBridge rule tagged with an alarm name, as an alarm that fires on each event.
 * `complete` is false when a rule's tags are unknown during preview.
 */
export function eventRuleAlarms(resources: readonly PolicyResource[], gaps: PreviewGaps) {
  const alarms: ObservedAlarm[] = [];
  let complete = true;
  for (const resource of ofType(resources, EVENT_RULE)) {
    const read = gaps.read(() => ({
      name: tag(resource.props, "alarm"),
      severity: tag(resource.props, "severity"),
    }));
    if (read === UNKNOWN) complete = false;
    if (read === UNKNOWN || read.name === undefined) continue;
    const { name, severity } = read;
    const problems = gaps.read(() => eventRuleProblems(resource, name));
    alarms.push({
      name,
      who: name,
      resource,
      severity,
      firstEvaluation: true,
      durationSeconds: 0,
      noThreshold: true,
      problems: problems === UNKNOWN ? [] : problems,
    });
  }
  return { alarms, complete };
}

/**
 * Why the BackupFailed rules do not together deliver every failure event to a topic of
 * `severity` (or stricter): undefined when they do, or when a value unknown during preview keeps
 * the answer open (the gap is recorded, so the engine notes it instead of a silent pass).
 */
export function uncoveredFailures(
  resources: readonly PolicyResource[],
  rules: readonly PolicyResource[],
  name: string,
  severity: Severity,
  gaps: PreviewGaps,
): string | undefined {
  const covered = new Set<FailureEvent>();
  let complete = true;
  const strongEnough = (topic: PolicyResource) => {
    const topicSeverity = gaps.read(() => tag(topic.props, "severity"));
    if (topicSeverity === UNKNOWN) complete = false;
    return SEVERITIES.indexOf(topicSeverity as Severity) >= SEVERITIES.indexOf(severity);
  };
  for (const rule of rules) {
    const read = gaps.read(() => ({
      enabled: ENABLED_STATES.includes(rule.props.state) && rule.props.isEnabled !== false,
      pattern: parsedPattern(String(rule.props.eventPattern ?? "")),
    }));
    if (read === UNKNOWN) {
      complete = false;
      continue;
    }
    const { enabled, pattern } = read;
    const delivers = ruleTopics(resources, rule).some(strongEnough);
    if (!enabled || !delivers || !pattern) continue;
    FAILURE_EVENTS.filter((e) => matchesEvery(pattern, e)).forEach((e) => covered.add(e));
  }
  const missing = FAILURE_EVENTS.filter((e) => !covered.has(e));
  if (missing.length === 0 || !complete) return undefined;
  const described = missing.map(
    (e) => `${e.what} ("${e.detailType}" with detail.${e.field} ${FAILED})`,
  );
  return `${name} misses ${listing(described)}: no enabled EventBridge rule tagged alarm=${name} matches them and targets a ${severity} SNS topic.`;
}
