// Whether a stack's BackupFailed EventBridge rules, taken together, fire on every failed AWS
// Backup job and tell the floor's severity topic. Each rule alone proves little: the alarm holds
// only if some enabled rule matches failed backup jobs, some (maybe another) matches failed
// restore jobs, and each such rule targets an SNS topic of the alarm's severity.
import type { PolicyResource } from "@pulumi/policy";
import { SEVERITIES, Severity } from "../components/catalog/alarms";
import { dependencies, listing, ofType, PreviewGaps, tag, UNKNOWN } from "./stack-reading";
import { Props } from "./tier";

const TOPIC = "aws:sns/topic:Topic";
const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";

/** An AWS Backup event a BackupFailed rule must match: the job kind, and its failed value. */
interface FailureEvent {
  readonly what: string;
  readonly detailType: string;
  /** Backup and copy job events carry `detail.state`; restore job events `detail.status`. */
  readonly field: "state" | "status";
}

/** The failures REQUIREMENTS §6's BackupFailed covers on AWS (components/alarms eventRuleSpecs). */
export const FAILURE_EVENTS: readonly FailureEvent[] = [
  { what: "failed backup jobs", detailType: "Backup Job State Change", field: "state" },
  { what: "failed restore jobs", detailType: "Restore Job State Change", field: "status" },
];
const FAILED = "FAILED";

/** States in which a rule delivers events (the provider's `state` values other than DISABLED). */
export const ENABLED_STATES: readonly unknown[] = [
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
 * so it is not proof; `account` is the stack's own account (components/alarms/aws.ts), kept so
 * cross-account copies stay out.
 */
export function matchesEvery(pattern: Props, event: FailureEvent): boolean {
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
export function parsedPattern(text: string): Props | undefined {
  try {
    const pattern: unknown = JSON.parse(text);
    return isMap(pattern) ? pattern : undefined;
  } catch {
    return undefined;
  }
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
  const targets = ofType(resources, EVENT_TARGET);
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
    const delivers = targets
      .filter((t) => dependencies(t, "rule").some((r) => r.urn === rule.urn))
      .flatMap((t) => dependencies(t, "arn", TOPIC))
      .some(strongEnough);
    if (!read.enabled || !delivers || read.pattern === undefined) continue;
    const pattern = read.pattern;
    FAILURE_EVENTS.filter((e) => matchesEvery(pattern, e)).forEach((e) => covered.add(e));
  }
  const missing = FAILURE_EVENTS.filter((e) => !covered.has(e));
  if (missing.length === 0 || !complete) return undefined;
  const described = missing.map(
    (e) => `${e.what} ("${e.detailType}" with detail.${e.field} ${FAILED})`,
  );
  return `${name} misses ${listing(described)}: no enabled EventBridge rule tagged alarm=${name} matches them and targets a ${severity} SNS topic.`;
}
