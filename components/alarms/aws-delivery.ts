// How alarms reach people on AWS, as plain data: the key policy and topic policy that let
// CloudWatch alarms and EventBridge publish to an encrypted SNS topic, and which subscriptions
// each severity's topic gets from the stack's alert routes. components/alarms/aws-topics.ts and
// aws-chatbot.ts turn these into resources; unit tests read them directly.
import type { Channel, Severity } from "../catalog/alarms";
import { SUBSCRIPTION_PROTOCOLS } from "./cloudwatch-specs";

/** Who is notified, from the stack's `webstack:alerts`. */
export interface AlarmRecipients {
  /** Channels per severity (`alerts.routes`). */
  readonly routes: Readonly<Record<Severity, readonly Channel[]>>;
  /** `alerts.email.to`. @default none */
  readonly emails?: readonly string[];
  /** `alerts.sms.numbers`, E.164. @default none */
  readonly smsNumbers?: readonly string[];
  /** `alerts.slack`: AWS Chatbot needs the workspace (team) and channel ids. @default none */
  readonly slack?: {
    readonly channel: string;
    readonly workspaceId?: string;
    readonly channelId?: string;
  };
  /** Whether a webhook URL (the alertWebhookUrl secret) is available. @default false */
  readonly hasWebhook?: boolean;
}

/** One SNS subscription of a severity's topic; `endpoint` is absent for the secret webhook URL. */
export interface PlannedSubscription {
  /** Suffix naming the subscription resource, e.g. `email-0`. */
  readonly key: string;
  readonly channel: Exclude<Channel, "log" | "slack">;
  readonly protocol: string;
  readonly endpoint?: string;
}

const DELIVERABLE = Object.keys(SUBSCRIPTION_PROTOCOLS) as Exclude<Channel, "log">[];

/**
 * Refuses recipients a topic could not deliver to: a route naming `log` (Docker only) or a channel
 * whose addresses are missing. Errors name the config key, the value and what is allowed.
 */
export function validateRecipients(name: string, recipients: AlarmRecipients): void {
  for (const severity of ["warning", "critical"] as const) {
    recipients.routes[severity].forEach((channel, i) => {
      const key = `${name}: alerts.routes.${severity}[${i}]`;
      if (!(DELIVERABLE as readonly string[]).includes(channel)) {
        throw new Error(
          `${key} "${channel}" is not allowed on AWS: use ${DELIVERABLE.map((c) => `"${c}"`).join(", ")}`,
        );
      }
      const missing =
        channel === "email" && !recipients.emails?.length
          ? "alerts.email.to lists no address"
          : channel === "sms" && !recipients.smsNumbers?.length
            ? "alerts.sms.numbers lists no number"
            : channel === "slack" && !(recipients.slack?.workspaceId && recipients.slack.channelId)
              ? "AWS Chatbot needs alerts.slack.workspaceId and alerts.slack.channelId"
              : channel === "webhook" && !recipients.hasWebhook
                ? "the alertWebhookUrl secret is not set"
                : undefined;
      if (missing) throw new Error(`${key} "${channel}" is not allowed: ${missing}`);
    });
  }
}

/** The subscriptions of one severity's topic. Slack is not one: Chatbot subscribes itself. */
export function plannedSubscriptions(
  severity: Severity,
  recipients: AlarmRecipients,
): PlannedSubscription[] {
  const routes = recipients.routes[severity];
  const out: PlannedSubscription[] = [];
  if (routes.includes("email")) {
    (recipients.emails ?? []).forEach((address, i) =>
      out.push({
        key: `email-${i}`,
        channel: "email",
        protocol: SUBSCRIPTION_PROTOCOLS.email,
        endpoint: address,
      }),
    );
  }
  if (routes.includes("sms")) {
    (recipients.smsNumbers ?? []).forEach((number, i) =>
      out.push({
        key: `sms-${i}`,
        channel: "sms",
        protocol: SUBSCRIPTION_PROTOCOLS.sms,
        endpoint: number,
      }),
    );
  }
  if (routes.includes("webhook")) {
    out.push({ key: "webhook", channel: "webhook", protocol: SUBSCRIPTION_PROTOCOLS.webhook });
  }
  return out;
}

/** Severities whose route includes Slack: the topics the Chatbot channel listens to. */
export function slackSeverities(recipients: AlarmRecipients): Severity[] {
  return (["warning", "critical"] as const).filter((s) => recipients.routes[s].includes("slack"));
}

/** Services that publish to the alarm topics. */
export const PUBLISHERS = ["cloudwatch.amazonaws.com", "events.amazonaws.com"] as const;

/**
 * Policy of the topics' customer-managed key. Alarms cannot publish to a topic under the
 * AWS-managed `alias/aws/sns` key: its policy, which nobody can edit, does not let CloudWatch
 * (or EventBridge) call kms:GenerateDataKey* and kms:Decrypt, and the alarm action fails with
 * "CloudWatch Alarms does not have authorization to access the SNS topic encryption key".
 * The account keeps full control so its administrators can manage the key; the services may
 * only use it, and only through the topics, whose own policy limits publishers to this account.
 */
export function topicKeyPolicy(accountId: string, partition: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministers",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "AlarmPublishersEncrypt",
        Effect: "Allow",
        Principal: { Service: [...PUBLISHERS] },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
      },
    ],
  };
}

export interface TopicPolicyContext {
  readonly topicArn: string;
  readonly accountId: string;
  readonly partition: string;
  /** Region of the topic (and of the alarms and rules publishing to it). */
  readonly region: string;
}

/**
 * Policy of an alarm topic: CloudWatch alarms and EventBridge rules of this account (and this
 * region) may publish; the account's own principals keep managing and subscribing, which a custom
 * policy would otherwise take away from SNS's default one.
 */
export function topicPolicy(context: TopicPolicyContext): Record<string, unknown> {
  const { topicArn, accountId, partition, region } = context;
  const fromAccount = (sourceArn: string) => ({
    StringEquals: { "aws:SourceAccount": accountId },
    ArnLike: { "aws:SourceArn": sourceArn },
  });
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: fromAccount(`arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*`),
      },
      {
        Sid: "EventBridgeRulesPublish",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: fromAccount(`arn:${partition}:events:${region}:${accountId}:rule/*`),
      },
      {
        Sid: "AccountManages",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: [
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:AddPermission",
          "sns:RemovePermission",
          "sns:DeleteTopic",
          "sns:Subscribe",
          "sns:ListSubscriptionsByTopic",
          "sns:Publish",
        ],
        Resource: topicArn,
      },
    ],
  };
}
