// webstack-alarms-delivery: every alarm reaches people of its severity — on AWS through enabled
// actions to the SNS topic tagged with its severity, whose subscriptions and Slack channel cover
// the tier's notification floor; on Docker through Alertmanager routes to receivers covering it.
import type { PolicyResource } from "@pulumi/policy";
import { Channel, NOTIFY_FLOOR, Severity, SEVERITIES } from "../components/catalog/alarms";
import type { Tier } from "../components/catalog/tiers";
import { alarmWho, ruleTopics, shippedYaml } from "./alarm-observations";
import { StackCheck, stackPolicy } from "./define";
import * as prom from "./prometheus-text";
import * as read from "./stack-reading";
import { EVENT_RULE, listing, METRIC_ALARM, ofType, tag, TOPIC, UNKNOWN } from "./stack-reading";

const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const SLACK_CHANNEL = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration";

/** The channels each severity must reach: the tier's floor plus what pack config adds. */
function requiredChannels({ args, tier }: StackCheck): Record<Severity, Channel[]> {
  const { channels } = args.getConfig<{
    channels?: Partial<Record<Tier, Partial<Record<Severity, Channel[]>>>>;
  }>();
  const added = (severity: Severity) => channels?.[tier]?.[severity] ?? [];
  return Object.fromEntries(
    SEVERITIES.map((s) => [s, [...new Set([...NOTIFY_FLOOR[tier][s], ...added(s)])]]),
  ) as Record<Severity, Channel[]>;
}

/** The channel an SNS subscription protocol delivers to; other protocols (sqs, lambda, http, …)
 * reach no person on the floor's list. */
const PROTOCOL_CHANNELS: Readonly<Record<string, Channel>> = {
  email: "email",
  sms: "sms",
  https: "webhook",
};

const isSeverity = (value: unknown): value is Severity =>
  (SEVERITIES as readonly unknown[]).includes(value);

/** "reaches email but the prod floor also needs sms", or undefined when nothing is missing. */
function shortfall(reached: ReadonlySet<Channel>, needed: readonly Channel[], tier: Tier) {
  const missing = needed.filter((c) => !reached.has(c));
  if (missing.length === 0) return undefined;
  return reached.size === 0
    ? `no one but the ${tier} floor needs ${listing(missing)}`
    : `${listing([...reached])} but the ${tier} floor also needs ${listing(missing)}`;
}

/**
 * The channels one SNS topic reaches: its e-mail, SMS and HTTPS subscriptions (linked through the
 * `topic` input) and the AWS Chatbot Slack channels whose `snsTopicArns` come from it. `complete`
 * is false when a subscription's protocol or endpoint is unknown during preview.
 */
function topicChannels(topic: PolicyResource, { resources, gaps }: StackCheck) {
  const channels = new Set<Channel>();
  let complete = true;
  for (const subscription of ofType(resources, SUBSCRIPTION)) {
    if (!read.comesFrom(subscription, "topic", topic)) continue;
    // A subscription without an endpoint delivers to no one.
    const channel = gaps.read(() => {
      const { protocol, endpoint } = subscription.props;
      const reaches = typeof endpoint === "string" && endpoint.trim() !== "";
      return reaches ? PROTOCOL_CHANNELS[String(protocol)] : undefined;
    });
    if (channel === UNKNOWN) complete = false;
    else if (channel) channels.add(channel);
  }
  if (ofType(resources, SLACK_CHANNEL).some((c) => read.comesFrom(c, "snsTopicArns", topic))) {
    channels.add("slack");
  }
  return { channels, complete };
}

/** Problems with where one AWS alarm's actions go (`key` is alarmActions or okActions). */
function actionProblems(alarm: PolicyResource, key: string, who: string, severity: string) {
  const what = key === "alarmActions" ? "alarm actions" : "OK actions";
  const topics = read.dependencies(alarm, key, TOPIC);
  if (topics.length === 0) return [`${who} sends its ${what} to no SNS topic of this stack.`];
  return topics
    .filter((topic) => tag(topic.props, "severity") !== severity)
    .map(
      (topic) =>
        `${who} is ${severity} but sends its ${what} to topic ${topic.name} (${tag(topic.props, "severity") ?? "no severity tag"}).`,
    );
}

function deliveryOnAws(stack: StackCheck): void {
  const { resources, tier, gaps, report } = stack;
  const required = requiredChannels(stack);
  for (const topic of ofType(resources, TOPIC)) {
    const severity = gaps.read(() => tag(topic.props, "severity"));
    if (severity === UNKNOWN || !isSeverity(severity)) continue;
    const { channels, complete } = topicChannels(topic, stack);
    const short = shortfall(channels, required[severity], tier);
    if (short && complete) report(`${severity} topic ${topic.name} reaches ${short}.`, topic.urn);
  }
  for (const alarm of ofType(resources, METRIC_ALARM)) {
    const found = gaps.read(() => ({
      who: alarmWho(tag(alarm.props, "alarm") ?? alarm.name, tag(alarm.props, "watches")),
      severity: tag(alarm.props, "severity"),
      actionsEnabled: alarm.props.actionsEnabled,
    }));
    if (found === UNKNOWN) continue;
    const { who, severity } = found;
    if (found.actionsEnabled === false) {
      // CloudWatch still changes state but runs none of the actions: nobody hears of it.
      report(`${who} has actionsEnabled false, so its alarm reaches no one.`, alarm.urn);
    } else if (!isSeverity(severity)) {
      report(
        `${who} has no severity tag (warning or critical), so its topic cannot be checked.`,
        alarm.urn,
      );
    } else {
      for (const key of ["alarmActions", "okActions"]) {
        actionProblems(alarm, key, who, severity).forEach((p) => report(p, alarm.urn));
      }
    }
  }
  for (const rule of ofType(resources, EVENT_RULE)) {
    const tags = gaps.read(() => ({
      name: tag(rule.props, "alarm"),
      severity: tag(rule.props, "severity"),
    }));
    if (tags === UNKNOWN || tags.name === undefined) continue;
    const topics = ruleTopics(resources, rule);
    if (!topics.some((topic) => tag(topic.props, "severity") === tags.severity)) {
      report(
        `${tags.name}'s EventBridge rule ${rule.name} targets no SNS topic of its severity (${tags.severity ?? "none tagged"}).`,
        rule.urn,
      );
    }
  }
}

function deliveryOnDocker(stack: StackCheck): void {
  const { resources, tier, gaps, report } = stack;
  const required = requiredChannels(stack);
  const configs = shippedYaml(resources, prom.ALERTMANAGER_YML, gaps, report);
  if (configs.all.length === 0) {
    report("No Alertmanager configuration (alertmanager.yml) ships, so alerts reach no one.");
  }
  for (const { file, document } of configs.parsed) {
    for (const severity of SEVERITIES) {
      const receivers = [...prom.receiversFor(document, { severity })];
      const channels = new Set(receivers.flatMap((r) => [...prom.receiverChannels(document, r)]));
      const short = shortfall(channels, required[severity], tier);
      if (receivers.length === 0) report(`${severity} alerts reach no receiver in ${file}.`);
      else if (short) report(`${severity} alerts reach ${short}.`);
    }
  }
  const alertmanagers = new Set<string>();
  for (const { container } of configs.all) {
    const aliases = gaps.read(() => read.containerAliases(container.props));
    if (aliases !== UNKNOWN) aliases.forEach((a) => alertmanagers.add(a));
  }
  for (const { file, document } of shippedYaml(resources, prom.PROMETHEUS_YML, gaps, report)
    .parsed) {
    const hosts = prom.alertmanagerHosts(document);
    if (hosts.length === 0) report(`${file} sends alerts to no Alertmanager.`);
    for (const host of hosts.filter((h) => configs.all.length > 0 && !alertmanagers.has(h))) {
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
    configSchema: {
      properties: {
        channels: {
          type: "object",
          description:
            "Channels each severity must reach per tier, added to the catalog's NOTIFY_FLOOR (never removed).",
          default: NOTIFY_FLOOR,
        },
      },
    },
  },
  { aws: deliveryOnAws, docker: deliveryOnDocker },
);
