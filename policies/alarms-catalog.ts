// webstack-alarms-catalog: every catalog alarm of the stack's tier (with the pack config's
// tightening) exists no weaker than its floor — a tagged CloudWatch alarm or EventBridge rule on
// AWS, an alerting rule in a shipped Prometheus rule file on Docker. The policies read the
// operations resources in the shape docs/operations-catalog.md fixes, so they judge what ships.
import { ALARM_FLOORS, CatalogAlarm } from "../components/catalog/alarms";
import * as observe from "./alarm-observations";
import { eventRuleAlarms, uncoveredFailures } from "./backup-failed-events";
import { reportAll, StackCheck, stackPolicy } from "./define";

/** A pack config's tightening of one catalog alarm: a lower (or higher) bar, a shorter wait. */
interface AlarmTightening {
  readonly threshold?: number;
  readonly forSeconds?: number;
}

/** The tier's floor alarms with the pack config's tightening; loosening values are ignored. */
function floorAlarms({ args, tier }: StackCheck) {
  const { tighten = {} } = args.getConfig<{ tighten?: Record<string, AlarmTightening> }>();
  return ALARM_FLOORS[tier].map((alarm): CatalogAlarm => {
    const { threshold = alarm.threshold, forSeconds = alarm.forSeconds } =
      tighten[alarm.name] ?? {};
    return {
      ...alarm,
      threshold: (alarm.comparison === "above" ? Math.min : Math.max)(alarm.threshold, threshold),
      forSeconds: Math.min(alarm.forSeconds, forSeconds),
    };
  });
}

/** Reports a floor alarm that does not ship (`missing`, when it can be claimed), else judges it. */
function judgeShipped(
  { tier, report }: StackCheck,
  alarm: CatalogAlarm,
  found: readonly observe.ObservedAlarm[],
  missing: string | false,
): void {
  if (found.length === 0 && missing) report(missing);
  for (const observed of found) {
    reportAll(report, observe.judgeAlarm(observed, alarm, tier), observed.resource.urn);
  }
}

function catalogOnAws(stack: StackCheck): void {
  const { resources, tier, gaps, report } = stack;
  const floor = floorAlarms(stack);
  const byName = new Map(floor.map((a) => [a.name, a]));
  const metric = observe.cloudWatchAlarms(resources, (n) => byName.get(n), gaps);
  const events = eventRuleAlarms(resources, gaps);
  const complete = metric.complete && events.complete;
  const catalogued = [...metric.alarms, ...events.alarms].filter((a) => byName.has(a.name));
  if (catalogued.length === 0 && metric.unjudged.length === 0 && complete) {
    report(
      `No CloudWatch alarm or EventBridge rule is tagged with a catalog alarm name, so none of the ${floor.length} ${tier} catalog alarms exists.`,
    );
    return;
  }
  for (const alarm of floor) {
    // BackupFailed has no metric on AWS: EventBridge matches failed AWS Backup jobs instead.
    const onEvents = alarm.metric === "backupLastStatus";
    const found = (onEvents ? events : metric).alarms.filter((a) => a.name === alarm.name);
    const where = onEvents ? "EventBridge rule" : "CloudWatch alarm";
    const missing =
      complete &&
      !metric.unjudged.includes(alarm.name) &&
      `${tier} requires ${alarm.name}, but no ${where} is tagged alarm=${alarm.name}.`;
    judgeShipped(stack, alarm, found, missing);
    if (!onEvents || found.length === 0) continue;
    // One rule per job kind: present is not enough, together they must cover every failure.
    const rules = found.map((f) => f.resource);
    const gap = uncoveredFailures(resources, rules, alarm.name, alarm.severity, gaps);
    if (gap && complete) report(gap);
  }
}

function catalogOnDocker(stack: StackCheck): void {
  const { resources, tier, gaps, report } = stack;
  const floor = floorAlarms(stack);
  const files = observe.shippedYaml(
    resources,
    observe.RULE_FILE_SUFFIX,
    gaps,
    report,
    "rule file ",
  );
  if (files.all.length === 0) {
    report(
      `No Prometheus rule file (*${observe.RULE_FILE_SUFFIX}) ships, so none of the ${floor.length} ${tier} catalog alarms exists.`,
    );
    return;
  }
  const alarms = observe.prometheusAlarms(files.parsed, (n) => floor.find((a) => a.name === n));
  const complete = files.parsed.length === files.all.length;
  for (const alarm of floor) {
    const found = alarms.filter((a) => a.name === alarm.name);
    const missing =
      complete &&
      `${tier} requires ${alarm.name}, but no shipped Prometheus rule has alert: ${alarm.name}.`;
    judgeShipped(stack, alarm, found, missing);
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
  { aws: catalogOnAws, docker: catalogOnDocker },
);
