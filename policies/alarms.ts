// Alarm stack policies: every catalog alarm of the stack's tier exists no weaker than its floor,
// every alarm reaches people of its severity, and every database and cache is watched. They read
// the operations resources in the shape docs/operations-catalog.md fixes — CloudWatch alarms, SNS
// topics and EventBridge rules on AWS; the Prometheus rule file, prometheus.yml and
// alertmanager.yml a Docker stack uploads — so they judge what ships, not what config asked for.
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import {
  ALARM_FLOORS,
  CatalogAlarm,
  Channel,
  NOTIFY_FLOOR,
  Severity,
  SEVERITIES,
} from "../components/catalog/alarms";
import type { Tier } from "../components/catalog/tiers";
import { cloudWatchAlarmSpecs, AlarmScope } from "../components/alarms/cloudwatch-specs";
import { SCRAPE_JOBS } from "../components/alarms/prometheus-config";
import {
  cloudWatchAlarms,
  EVENT_RULE,
  judgeAlarm,
  METRIC_ALARM,
  prometheusAlarms,
  RULE_FILE_SUFFIX,
} from "./alarm-observations";
import { uncoveredFailures } from "./backup-failed-events";
import { stackPolicy } from "./define";
import {
  alertmanagerHosts,
  parseYamlDocument,
  receiverChannels,
  receiversFor,
  scrapeInstances,
} from "./prometheus-text";
import { REPLICATION_GROUP } from "./elasticache";
import { RDS_INSTANCE } from "./rds";
import {
  containerAliases,
  dependencies,
  isMysqlServer,
  isRedisNode,
  listing,
  ofType,
  PreviewGaps,
  shippedFiles,
  stackTargets,
  stackTier,
  tag,
  UNKNOWN,
} from "./stack-reading";
import { Props } from "./tier";

const TOPIC = "aws:sns/topic:Topic";
const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const SLACK_CHANNEL = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration";

/** The channel an SNS subscription protocol delivers to (as components/alarms/aws-topics.ts
 * subscribes them); other protocols (sqs, lambda, http, …) reach no person on the floor's list. */
const PROTOCOL_CHANNELS: Readonly<Record<string, Channel>> = {
  email: "email",
  sms: "sms",
  https: "webhook",
};
const PROMETHEUS_YML = "/prometheus.yml";
const ALERTMANAGER_YML = "/alertmanager.yml";

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

function reportAll(report: ReportViolation, messages: readonly string[], urn?: string): void {
  for (const message of messages) report(message, urn);
}

// ---- webstack-alarms-catalog

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

// ---- webstack-alarms-delivery

/** Problems with where one AWS alarm's actions go (`key` is alarmActions or okActions). */
function actionProblems(
  alarm: PolicyResource,
  key: string,
  who: string,
  severity: string,
): string[] {
  const what = key === "alarmActions" ? "alarm actions" : "OK actions";
  const topics = dependencies(alarm, key, TOPIC);
  if (topics.length === 0) return [`${who} sends its ${what} to no SNS topic of this stack.`];
  return topics
    .filter((topic) => tag(topic.props, "severity") !== severity)
    .map(
      (topic) =>
        `${who} is ${severity} but sends its ${what} to topic ${topic.name} (${tag(topic.props, "severity") ?? "no severity tag"}).`,
    );
}

/**
 * The channels one SNS topic reaches: its e-mail, SMS and HTTPS subscriptions (linked through the
 * `topic` input) and the AWS Chatbot Slack channels whose `snsTopicArns` come from it. `complete`
 * is false when a subscription's protocol or endpoint is unknown during preview.
 */
function topicChannels(
  topic: PolicyResource,
  resources: readonly PolicyResource[],
  gaps: PreviewGaps,
): { channels: Set<Channel>; complete: boolean } {
  const fromTopic = (r: PolicyResource, key: string) =>
    dependencies(r, key, TOPIC).some((t) => t.urn === topic.urn);
  const channels = new Set<Channel>();
  let complete = true;
  for (const subscription of ofType(resources, SUBSCRIPTION).filter((s) => fromTopic(s, "topic"))) {
    const read = gaps.read(() => ({
      protocol: subscription.props.protocol,
      endpoint: subscription.props.endpoint,
    }));
    if (read === UNKNOWN) {
      complete = false;
      continue;
    }
    const channel = PROTOCOL_CHANNELS[String(read.protocol)];
    // A subscription without an endpoint delivers to no one.
    if (channel && typeof read.endpoint === "string" && read.endpoint.trim() !== "") {
      channels.add(channel);
    }
  }
  if (ofType(resources, SLACK_CHANNEL).some((c) => fromTopic(c, "snsTopicArns"))) {
    channels.add("slack");
  }
  return { channels, complete };
}

/** Each severity topic reaches the channels its severity's floor requires. */
function topicRouting(
  resources: readonly PolicyResource[],
  required: Readonly<Record<Severity, readonly Channel[]>>,
  tier: Tier,
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  for (const topic of ofType(resources, TOPIC)) {
    const severity = gaps.read(() => tag(topic.props, "severity"));
    if (severity === UNKNOWN || !(SEVERITIES as readonly unknown[]).includes(severity)) continue;
    const { channels, complete } = topicChannels(topic, resources, gaps);
    const missing = required[severity as Severity].filter((c) => !channels.has(c));
    if (missing.length === 0 || !complete) continue;
    report(
      channels.size === 0
        ? `${severity} topic ${topic.name} reaches no one but the ${tier} floor needs ${listing(missing)}.`
        : `${severity} topic ${topic.name} reaches ${listing([...channels])} but the ${tier} floor also needs ${listing(missing)}.`,
      topic.urn,
    );
  }
}

function deliveryOnAws(
  resources: readonly PolicyResource[],
  required: Readonly<Record<Severity, readonly Channel[]>>,
  tier: Tier,
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  topicRouting(resources, required, tier, gaps, report);
  for (const alarm of ofType(resources, METRIC_ALARM)) {
    const read = gaps.read(() => ({
      name: tag(alarm.props, "alarm") ?? alarm.name,
      watches: tag(alarm.props, "watches"),
      severity: tag(alarm.props, "severity"),
      actionsEnabled: alarm.props.actionsEnabled,
    }));
    if (read === UNKNOWN) continue;
    const who = read.watches ? `${read.name} (watching ${read.watches})` : read.name;
    if (read.actionsEnabled === false) {
      // CloudWatch still changes state but runs none of the actions: nobody hears of it.
      report(`${who} has actionsEnabled false, so its alarm reaches no one.`, alarm.urn);
      continue;
    }
    if (!(SEVERITIES as readonly unknown[]).includes(read.severity)) {
      report(
        `${who} has no severity tag (warning or critical), so its topic cannot be checked.`,
        alarm.urn,
      );
      continue;
    }
    for (const key of ["alarmActions", "okActions"]) {
      reportAll(report, actionProblems(alarm, key, who, read.severity as string), alarm.urn);
    }
  }
  const targets = ofType(resources, EVENT_TARGET);
  for (const rule of ofType(resources, EVENT_RULE)) {
    const read = gaps.read(() => ({
      name: tag(rule.props, "alarm"),
      severity: tag(rule.props, "severity"),
    }));
    if (read === UNKNOWN || read.name === undefined) continue;
    const reaches = targets
      .filter((t) => dependencies(t, "rule").some((r) => r.urn === rule.urn))
      .flatMap((t) => dependencies(t, "arn", TOPIC));
    if (!reaches.some((topic) => tag(topic.props, "severity") === read.severity)) {
      report(
        `${read.name}'s EventBridge rule ${rule.name} targets no SNS topic of its severity (${read.severity ?? "none tagged"}).`,
        rule.urn,
      );
    }
  }
}

function deliveryOnDocker(
  resources: readonly PolicyResource[],
  required: Readonly<Record<Severity, readonly Channel[]>>,
  tier: Tier,
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const configs = shippedFiles(resources, ALERTMANAGER_YML, gaps);
  if (configs.length === 0) {
    report("No Alertmanager configuration (alertmanager.yml) ships, so alerts reach no one.");
  }
  for (const { file, text } of configs) {
    if (text === UNKNOWN) continue;
    let document;
    try {
      document = parseYamlDocument(text);
    } catch (error) {
      report(`The shipped ${file} does not parse: ${(error as Error).message}`);
      continue;
    }
    for (const severity of SEVERITIES) {
      const receivers = [...receiversFor(document, { severity })];
      const channels = new Set(receivers.flatMap((r) => [...receiverChannels(document, r)]));
      const missing = required[severity].filter((c) => !channels.has(c));
      if (receivers.length === 0) {
        report(`${severity} alerts reach no receiver in ${file}.`);
      } else if (missing.length > 0) {
        report(
          `${severity} alerts reach ${listing([...channels])} but the ${tier} floor also needs ${listing(missing)}.`,
        );
      }
    }
  }
  const alertmanagerAliases = new Set<string>();
  for (const { container } of configs) {
    const aliases = gaps.read(() => containerAliases(container.props));
    if (aliases !== UNKNOWN) aliases.forEach((a) => alertmanagerAliases.add(a));
  }
  for (const { file, text } of shippedFiles(resources, PROMETHEUS_YML, gaps)) {
    if (text === UNKNOWN) continue;
    let hosts: string[];
    try {
      hosts = alertmanagerHosts(parseYamlDocument(text));
    } catch (error) {
      report(`The shipped ${file} does not parse: ${(error as Error).message}`);
      continue;
    }
    if (hosts.length === 0) report(`${file} sends alerts to no Alertmanager.`);
    for (const host of hosts.filter((h) => configs.length > 0 && !alertmanagerAliases.has(h))) {
      report(
        `${file} sends alerts to ${host}, which is no Alertmanager container's network alias.`,
      );
    }
  }
}

// ---- webstack-alarms-coverage

/** Catalog alarms of each per-resource scope, as the CloudWatch mapping of the floor defines them. */
function scopedAlarms(floor: readonly CatalogAlarm[]): Record<AlarmScope, string[]> {
  const scoped: Record<AlarmScope, string[]> = {
    perStack: [],
    perRdsInstance: [],
    perRdsReplica: [],
    perRedisNodeGroup: [],
  };
  for (const spec of cloudWatchAlarmSpecs(floor)) {
    if (!scoped[spec.scope].includes(spec.alarm)) scoped[spec.scope].push(spec.alarm);
  }
  return scoped;
}

interface Watch {
  readonly name: string;
  readonly watches: string | undefined;
  readonly resource: PolicyResource;
}

function coverageOnAws(
  resources: readonly PolicyResource[],
  floor: readonly CatalogAlarm[],
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const scoped = scopedAlarms(floor);
  const watches: Watch[] = [];
  for (const alarm of ofType(resources, METRIC_ALARM)) {
    const read = gaps.read(() => ({
      name: tag(alarm.props, "alarm"),
      watches: tag(alarm.props, "watches"),
    }));
    if (read !== UNKNOWN && read.name !== undefined) {
      watches.push({ name: read.name, watches: read.watches, resource: alarm });
    }
  }
  const dependsOn = (w: Watch, target: PolicyResource) =>
    w.resource.dependencies.some((d) => d.urn === target.urn);

  for (const instance of ofType(resources, RDS_INSTANCE)) {
    const read = gaps.read(() => ({
      id: instance.props.identifier,
      replica: Boolean(instance.props.replicateSourceDb),
    }));
    if (read === UNKNOWN) continue;
    const id = typeof read.id === "string" ? read.id : instance.name;
    const required = [...scoped.perRdsInstance, ...(read.replica ? scoped.perRdsReplica : [])];
    const missing = required.filter(
      (name) =>
        !watches.some((w) => w.name === name && (w.watches === id || dependsOn(w, instance))),
    );
    if (missing.length > 0) {
      report(
        `RDS instance ${id} is not watched by ${listing(missing)} (no alarm tagged watches=${id}).`,
        instance.urn,
      );
    }
  }

  for (const group of ofType(resources, REPLICATION_GROUP)) {
    const read = gaps.read(() => ({
      id: group.props.replicationGroupId,
      nodeGroups: group.props.numNodeGroups,
    }));
    if (read === UNKNOWN) continue;
    const id = typeof read.id === "string" ? read.id : group.name;
    const nodeGroups = typeof read.nodeGroups === "number" ? read.nodeGroups : 1;
    const linked = (w: Watch) =>
      w.watches === id || (w.watches?.startsWith(`${id}-`) ?? false) || dependsOn(w, group);
    const unwatched: string[] = [];
    for (const name of scoped.perRedisNodeGroup) {
      const watched = new Set(
        watches.filter((w) => w.name === name && linked(w)).map((w) => w.watches ?? w.resource.urn),
      );
      if (watched.size === 0) unwatched.push(name);
      else if (watched.size < nodeGroups) {
        report(
          `ElastiCache replication group ${id} has ${nodeGroups} node groups but ${name} watches ${watched.size}.`,
          group.urn,
        );
      }
    }
    if (unwatched.length > 0) {
      report(
        `ElastiCache replication group ${id} is not watched by ${listing(unwatched)}.`,
        group.urn,
      );
    }
  }
}

function coverageOnDocker(
  resources: readonly PolicyResource[],
  gaps: PreviewGaps,
  report: ReportViolation,
): void {
  const files = shippedFiles(resources, PROMETHEUS_YML, gaps);
  const documents = files.flatMap(({ file, text }) => {
    if (text === UNKNOWN) return [];
    try {
      return [parseYamlDocument(text)];
    } catch (error) {
      report(`The shipped ${file} does not parse: ${(error as Error).message}`);
      return [];
    }
  });
  if (documents.length < files.length) return;
  const servers: [string, string, (c: PolicyResource) => boolean][] = [
    ["MySQL server", SCRAPE_JOBS.mysql, isMysqlServer],
    ["Redis node", SCRAPE_JOBS.redis, isRedisNode],
  ];
  for (const [what, job, is] of servers) {
    const scraped = new Set(documents.flatMap((d) => [...scrapeInstances(d, job)]));
    for (const container of resources.filter(is)) {
      const aliases = gaps.read(() => containerAliases(container.props as Props));
      if (aliases === UNKNOWN) continue;
      if (aliases.some((a) => scraped.has(a))) continue;
      const server = aliases[0] ?? container.name;
      report(
        files.length === 0
          ? `${what} ${server} is not scraped: no prometheus.yml ships.`
          : `${what} ${server} is not a target of the ${job} scrape job in prometheus.yml.`,
        container.urn,
      );
    }
  }
}

// ---- the policies

const tierChannelsSchema = {
  type: "object" as const,
  description:
    "Channels each severity must reach per tier, added to the catalog's NOTIFY_FLOOR (never removed).",
  default: NOTIFY_FLOOR,
};

export const alarmPolicies = [
  stackPolicy(
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
  ),
  stackPolicy(
    {
      name: "webstack-alarms-delivery",
      description:
        "Every alarm notifies people of its severity: on AWS its actions are enabled and its alarm and OK actions go to the SNS topic tagged with its severity, whose subscriptions and AWS Chatbot Slack channel cover the tier's notification floor; on Docker, Alertmanager routes each severity to receivers covering the tier's notification floor.",
      severity: "high",
      configSchema: { properties: { channels: tierChannelsSchema } },
    },
    (args, report) => {
      const gaps = new PreviewGaps();
      const tier = stackTier(args.resources, gaps);
      const { channels } = args.getConfig<{
        channels?: Partial<Record<Tier, Partial<Record<Severity, Channel[]>>>>;
      }>();
      const required = Object.fromEntries(
        SEVERITIES.map((s) => [
          s,
          [...new Set([...NOTIFY_FLOOR[tier][s], ...(channels?.[tier]?.[s] ?? [])])],
        ]),
      ) as Record<Severity, Channel[]>;
      const targets = stackTargets(args.resources);
      if (targets.aws) deliveryOnAws(args.resources, required, tier, gaps, report);
      if (targets.docker) deliveryOnDocker(args.resources, required, tier, gaps, report);
      gaps.rethrow();
    },
  ),
  stackPolicy(
    {
      name: "webstack-alarms-coverage",
      description:
        "Every database and cache is watched: each RDS instance and ElastiCache node group by its per-resource CloudWatch alarms on AWS, each MySQL server and Redis node as a Prometheus scrape target on Docker.",
      severity: "high",
    },
    (args, report) => {
      const gaps = new PreviewGaps();
      const tier = stackTier(args.resources, gaps);
      const targets = stackTargets(args.resources);
      if (targets.aws) coverageOnAws(args.resources, ALARM_FLOORS[tier], gaps, report);
      if (targets.docker) coverageOnDocker(args.resources, gaps, report);
      gaps.rethrow();
    },
  ),
];
