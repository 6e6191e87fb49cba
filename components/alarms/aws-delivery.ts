// How alarms reach people on AWS, as plain data: the key policy and topic policy that let
// CloudWatch alarms and EventBridge publish to an encrypted SNS topic, and which subscriptions
// each severity's topic gets from the stack's alert routes. components/alarms/aws-topics.ts and
// aws-chatbot.ts turn these into resources; unit tests read them directly.
import type { Severity } from "../catalog/alarms";
import type { AlarmRecipients } from "./contract";

/** One SNS subscription of a severity's topic; `endpoint` is absent for the secret webhook URL. */
export interface PlannedSubscription {
  /** Suffix naming the subscription resource, e.g. `email-0`. */
  readonly key: string;
  readonly protocol: "email" | "sms" | "https";
  readonly endpoint?: string;
}

/**
 * The subscriptions of one severity's topic. Slack is not one: AWS Chatbot's channel
 * configuration subscribes itself. `log` exists on Docker only; CloudWatch keeps every alarm's
 * history anyway.
 */
export function plannedSubscriptions(
  severity: Severity,
  recipients: AlarmRecipients,
): PlannedSubscription[] {
  const routes = recipients.routes[severity];
  const each = (protocol: "email" | "sms", endpoints: readonly string[] = []) =>
    routes.includes(protocol)
      ? endpoints.map((endpoint, i) => ({ key: `${protocol}-${i}`, protocol, endpoint }))
      : [];
  return [
    ...each("email", recipients.emails),
    ...each("sms", recipients.smsNumbers),
    ...(routes.includes("webhook") ? [{ key: "webhook", protocol: "https" as const }] : []),
  ];
}

/** Severities whose route includes Slack: the topics the Chatbot channel listens to. */
export function slackSeverities(recipients: AlarmRecipients): Severity[] {
  return (["warning", "critical"] as const).filter((s) => recipients.routes[s].includes("slack"));
}

/** Services that publish to the alarm topics. */
export const PUBLISHERS = ["cloudwatch.amazonaws.com", "events.amazonaws.com"] as const;

const allow = (Sid: string, Principal: object, Action: string | string[], Resource: string) => ({
  Sid,
  Effect: "Allow",
  Principal,
  Action,
  Resource,
});

const KEY_USE = ["kms:GenerateDataKey*", "kms:Decrypt"];
const TOPIC_MANAGEMENT = (
  "sns:GetTopicAttributes sns:SetTopicAttributes sns:AddPermission sns:RemovePermission " +
  "sns:DeleteTopic sns:Subscribe sns:ListSubscriptionsByTopic sns:Publish"
).split(" ");

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
      allow("AccountAdministers", { AWS: `arn:${partition}:iam::${accountId}:root` }, "kms:*", "*"),
      allow("AlarmPublishersEncrypt", { Service: [...PUBLISHERS] }, KEY_USE, "*"),
    ],
  };
}

/**
 * Policy of an alarm topic (in `region`): CloudWatch alarms and EventBridge rules of this account
 * and region may publish; the account's own principals keep managing and subscribing, which a
 * custom policy would otherwise take away from SNS's default one.
 */
export function topicPolicy(context: {
  readonly topicArn: string;
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
}): Record<string, unknown> {
  const { topicArn, accountId, partition, region } = context;
  const publish = (Sid: string, service: string, sourceArn: string) => ({
    ...allow(Sid, { Service: `${service}.amazonaws.com` }, "sns:Publish", topicArn),
    Condition: {
      StringEquals: { "aws:SourceAccount": accountId },
      ArnLike: {
        "aws:SourceArn": `arn:${partition}:${service}:${region}:${accountId}:${sourceArn}`,
      },
    },
  });
  return {
    Version: "2012-10-17",
    Statement: [
      publish("CloudWatchAlarmsPublish", "cloudwatch", "alarm:*"),
      publish("EventBridgeRulesPublish", "events", "rule/*"),
      allow(
        "AccountManages",
        { AWS: `arn:${partition}:iam::${accountId}:root` },
        TOPIC_MANAGEMENT,
        topicArn,
      ),
    ],
  };
}
