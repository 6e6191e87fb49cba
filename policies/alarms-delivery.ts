// webstack-alarms-delivery: every alarm reaches people of its severity — on AWS through enabled
// actions to the SNS topic tagged with its severity, whose subscriptions and Slack channel cover
// the tier's notification floor; on Docker through Alertmanager routes to receivers covering it.
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { Channel, NOTIFY_FLOOR, Severity, SEVERITIES } from "../components/catalog/alarms";
import type { Tier } from "../components/catalog/tiers";
import { EVENT_RULE, METRIC_ALARM } from "./alarm-observations";
import { reportAll, stackPolicy } from "./define";
import {
  ALERTMANAGER_YML,
  alertmanagerHosts,
  parseYamlDocument,
  PROMETHEUS_YML,
  receiverChannels,
  receiversFor,
} from "./prometheus-text";
import {
  containerAliases,
  dependencies,
  listing,
  ofType,
  PreviewGaps,
  shippedFiles,
  stackTargets,
  stackTier,
  tag,
  UNKNOWN,
} from "./stack-reading";

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

const tierChannelsSchema = {
  type: "object" as const,
  description:
    "Channels each severity must reach per tier, added to the catalog's NOTIFY_FLOOR (never removed).",
  default: NOTIFY_FLOOR,
};

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

export const alarmsDeliveryPolicy = stackPolicy(
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
);
