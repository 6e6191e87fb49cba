// BackupFailed on AWS: EventBridge rules on failed AWS Backup jobs, tagged alarm=BackupFailed.
// Each rule alone proves little: the alarm holds only if some enabled rule matches failed backup
// jobs, some (maybe another) matches failed restore jobs, and each such rule targets an SNS topic
// of the alarm's severity.
import type { PolicyResource } from "@pulumi/policy";
import { SEVERITIES, Severity } from "../components/catalog/alarms";
import { ObservedAlarm, ruleTopics } from "./alarm-observations";
import * as read from "./stack-reading";

/** The failures docs/requirements.md §5 and §6 make BackupFailed cover on AWS: the job kind, its
 * event's detail-type, and the field holding FAILED (restore job events say `status`). */
const FAILURE_EVENTS = [
  { what: "failed backup jobs", detailType: "Backup Job State Change", field: "state" },
  { what: "failed restore jobs", detailType: "Restore Job State Change", field: "status" },
] as const;
type FailureEvent = (typeof FAILURE_EVENTS)[number];

/** States in which a rule delivers events (the provider's `state` values other than DISABLED). */
const ENABLED_STATES: readonly unknown[] = [
  undefined,
  "ENABLED",
  "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
];

/**
 * Whether a pattern field lets `value` through: absent is a wildcard; otherwise an array holding
 * the value or a `{prefix}` / `{"equals-ignore-case"}` matcher of it. Other matchers (anything-but,
 * wildcard, numeric) are not read, so they prove nothing.
 */
function lets(field: unknown, value: string): boolean {
  if (field === undefined) return true;
  return (Array.isArray(field) ? field : []).some(
    (v) =>
      v === value ||
      (read.isMap(v) && typeof v.prefix === "string" && value.startsWith(v.prefix)) ||
      (read.isMap(v) && String(v["equals-ignore-case"]).toLowerCase() === value.toLowerCase()),
  );
}

/**
 * Whether an EventBridge pattern matches every failure event of the kind. A field the policy does
 * not know how the event fills (resources, detail.backupVaultName, …) could filter the event out,
 * so it is not proof; `account` is the stack's own account, kept so cross-account copies stay out.
 */
function matchesEvery(pattern: read.Props, event: FailureEvent): boolean {
  const known = ["source", "detail-type", "detail", "account"];
  if (Object.keys(pattern).some((key) => !known.includes(key))) return false;
  if (!lets(pattern.source, "aws.backup") || !lets(pattern["detail-type"], event.detailType)) {
    return false;
  }
  const { detail } = pattern;
  if (detail === undefined) return true;
  return (
    read.isMap(detail) &&
    Object.keys(detail).every((k) => k === event.field && lets(detail[k], "FAILED"))
  );
}

/** The parsed eventPattern, or undefined when it is absent or not a JSON object. */
function parsedPattern(props: read.Props): read.Props | undefined {
  const text = String(props.eventPattern ?? "");
  try {
    const pattern: unknown = JSON.parse(text);
    return read.isMap(pattern) ? pattern : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why one EventBridge alarm rule cannot fire on AWS Backup jobs at all: it is disabled, has no
 * readable pattern, or listens to another source. Whether the rules together match every failed
 * backup and restore job is judged over all of them (`uncoveredFailures`).
 */
function eventRuleProblems({ props, name: resource }: PolicyResource, name: string): string[] {
  const rule = `${name}'s EventBridge rule ${resource}`;
  const problems: string[] = [];
  if (props.isEnabled === false) {
    problems.push(`${rule} has isEnabled false, so it never fires; leave it unset.`);
  } else if (!ENABLED_STATES.includes(props.state)) {
    problems.push(
      `${rule} is ${String(props.state)}, so it never fires; leave state unset or ENABLED.`,
    );
  }
  const pattern = parsedPattern(props);
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
export function eventRuleAlarms(resources: readonly PolicyResource[], gaps: read.PreviewGaps) {
  const alarms: ObservedAlarm[] = [];
  let complete = true;
  for (const resource of read.ofType(resources, read.EVENT_RULE)) {
    const tags = gaps.read(() => [
      read.tag(resource.props, "alarm"),
      read.tag(resource.props, "severity"),
    ]);
    if (tags === read.UNKNOWN) complete = false;
    if (tags === read.UNKNOWN || tags[0] === undefined) continue;
    const [name, severity] = tags;
    const problems = gaps.read(() => eventRuleProblems(resource, name));
    alarms.push({
      ...{ name, who: name, resource, severity, firstEvaluation: true, durationSeconds: 0 },
      noThreshold: true,
      problems: problems === read.UNKNOWN ? [] : problems,
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
  gaps: read.PreviewGaps,
): string | undefined {
  const covered = new Set<FailureEvent>();
  let complete = true;
  const strongEnough = (topic: PolicyResource) => {
    const topicSeverity = gaps.read(() => read.tag(topic.props, "severity"));
    if (topicSeverity === read.UNKNOWN) complete = false;
    return SEVERITIES.indexOf(topicSeverity as Severity) >= SEVERITIES.indexOf(severity);
  };
  for (const rule of rules) {
    const state = gaps.read(() => ({
      enabled: ENABLED_STATES.includes(rule.props.state) && rule.props.isEnabled !== false,
      pattern: parsedPattern(rule.props),
    }));
    if (state === read.UNKNOWN) complete = false;
    if (state === read.UNKNOWN) continue;
    const { enabled, pattern } = state;
    const delivers = ruleTopics(resources, rule).some(strongEnough);
    if (!enabled || !delivers || !pattern) continue;
    FAILURE_EVENTS.filter((e) => matchesEvery(pattern, e)).forEach((e) => covered.add(e));
  }
  const missing = FAILURE_EVENTS.filter((e) => !covered.has(e));
  if (missing.length === 0 || !complete) return undefined;
  const described = missing.map(
    (e) => `${e.what} ("${e.detailType}" with detail.${e.field} FAILED)`,
  );
  return `${name} misses ${read.listing(described)}: no enabled EventBridge rule tagged alarm=${name} matches them and targets a ${severity} SNS topic.`;
}
