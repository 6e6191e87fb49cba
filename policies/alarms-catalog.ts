// webstack-alarms-catalog: every catalog alarm of the stack's tier (with the pack config's
// tightening) exists no weaker than its floor — a tagged CloudWatch alarm or EventBridge rule on
// AWS, an alerting rule in a shipped Prometheus rule file on Docker.
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { ALARM_FLOORS, CatalogAlarm } from "../components/catalog/alarms";
import type { Tier } from "../components/catalog/tiers";
import {
  cloudWatchAlarms,
  judgeAlarm,
  prometheusAlarms,
  RULE_FILE_SUFFIX,
} from "./alarm-observations";
import { uncoveredFailures } from "./backup-failed-events";
import { reportAll, stackPolicy } from "./define";
import { PreviewGaps, stackTargets, stackTier } from "./stack-reading";

/** A pack config's tightening of one catalog alarm: a lower (or higher) bar, a shorter wait. */
interface AlarmTightening {
  readonly threshold?: number;
  readonly forSeconds?: number;
}

/** The tier's floor alarms with the pack config's tightening; loosening values are ignored. */
export function floorAlarms(
  tier: Tier,
  tighten: Readonly<Record<string, AlarmTightening>> = {},
): CatalogAlarm[] {
  return ALARM_FLOORS[tier].map((alarm) => {
    const t = tighten[alarm.name];
    if (!t) return alarm;
    const threshold =
      t.threshold === undefined
        ? alarm.threshold
        : alarm.comparison === "above"
          ? Math.min(alarm.threshold, t.threshold)
          : Math.max(alarm.threshold, t.threshold);
    const forSeconds =
      t.forSeconds === undefined ? alarm.forSeconds : Math.min(alarm.forSeconds, t.forSeconds);
    return { ...alarm, threshold, forSeconds };
  });
}

function catalogOnAws(
  resources: readonly PolicyResource[],
  floor: readonly CatalogAlarm[],
  tier: Tier,
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const byName = new Map(floor.map((a) => [a.name, a]));
  const { alarms, eventRules, unjudged, complete } = cloudWatchAlarms(
    resources,
    (n) => byName.get(n),
    gaps,
  );
  // BackupFailed has no metric on AWS: EventBridge matches failed AWS Backup jobs instead.
  const shipped = (alarm: CatalogAlarm) =>
    (alarm.metric === "backupLastStatus" ? eventRules : alarms).filter(
      (a) => a.name === alarm.name,
    );
  const catalogued = [...alarms, ...eventRules].filter((a) => byName.has(a.name));
  if (catalogued.length === 0 && unjudged.length === 0 && complete) {
    report(
      `No CloudWatch alarm or EventBridge rule is tagged with a catalog alarm name, so none of the ${floor.length} ${tier} catalog alarms exists.`,
    );
    return;
  }
  for (const alarm of floor) {
    const found = shipped(alarm);
    if (found.length === 0 && complete && !unjudged.includes(alarm.name)) {
      const where = alarm.metric === "backupLastStatus" ? "EventBridge rule" : "CloudWatch alarm";
      report(`${tier} requires ${alarm.name}, but no ${where} is tagged alarm=${alarm.name}.`);
    }
    for (const observed of found) {
      reportAll(report, judgeAlarm(observed, alarm, tier), observed.resource.urn);
    }
    if (alarm.metric === "backupLastStatus" && found.length > 0) {
      // One rule per job kind: present is not enough, together they must cover every failure.
      const rules = found.map((f) => f.resource);
      const gap = uncoveredFailures(resources, rules, alarm.name, alarm.severity, gaps);
      if (gap && complete) report(gap);
    }
  }
}

function catalogOnDocker(
  resources: readonly PolicyResource[],
  floor: readonly CatalogAlarm[],
  tier: Tier,
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const byName = new Map(floor.map((a) => [a.name, a]));
  const { alarms, files, complete, problems } = prometheusAlarms(
    resources,
    (n) => byName.get(n),
    gaps,
  );
  reportAll(report, problems);
  if (files === 0) {
    report(
      `No Prometheus rule file (*${RULE_FILE_SUFFIX}) ships, so none of the ${floor.length} ${tier} catalog alarms exists.`,
    );
    return;
  }
  for (const alarm of floor) {
    const found = alarms.filter((a) => a.name === alarm.name);
    if (found.length === 0 && complete && problems.length === 0) {
      report(
        `${tier} requires ${alarm.name}, but no shipped Prometheus rule has alert: ${alarm.name}.`,
      );
    }
    for (const observed of found) {
      reportAll(report, judgeAlarm(observed, alarm, tier), observed.resource.urn);
    }
  }
}

export const alarmsCatalogPolicy = stackPolicy(
  {
    name: "webstack-alarms-catalog",
    description:
      "Every catalog alarm the stack's tier requires exists (a tagged CloudWatch alarm or EventBridge rule on AWS, a shipped Prometheus rule on Docker) with a threshold no looser, a duration no longer and a severity no lower than its floor.",
    severity: "high",
    configSchema: {
      properties: {
        tighten: {
          type: "object",
          description:
            "Per catalog alarm name, a stricter threshold and/or shorter forSeconds than the catalog floor; looser values are ignored.",
          default: {},
        },
      },
    },
  },
  (args, report) => {
    const gaps = new PreviewGaps();
    const tier = stackTier(args.resources, gaps);
    const { tighten } = args.getConfig<{ tighten?: Record<string, AlarmTightening> }>();
    const floor = floorAlarms(tier, tighten);
    const targets = stackTargets(args.resources);
    if (targets.aws) catalogOnAws(args.resources, floor, tier, gaps, report);
    if (targets.docker) catalogOnDocker(args.resources, floor, tier, gaps, report);
    gaps.rethrow();
  },
);
