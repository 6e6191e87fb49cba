// `webstack:ops:AlarmTopics`: one SNS topic per severity (tag `severity`) in one region, encrypted
// with a customer-managed KMS key CloudWatch and EventBridge may use, a topic policy letting this
// account's alarms and rules publish, and the e-mail, SMS and webhook subscriptions the stack's
// alert routes ask for. Slack is subscribed by AWS Chatbot (components/alarms/aws-chatbot.ts).
import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import { Key } from "@pulumi/aws/kms/key";
import { Topic } from "@pulumi/aws/sns/topic";
import { TopicPolicy } from "@pulumi/aws/sns/topicPolicy";
import { TopicSubscription } from "@pulumi/aws/sns/topicSubscription";
import { SEVERITIES, Severity } from "../catalog/alarms";
import { plannedSubscriptions, topicKeyPolicy, topicPolicy } from "./aws-delivery";
import type { AlarmRecipients } from "./contract";

export interface AlarmTopicsArgs {
  /** Prefix of the topics' names, e.g. "webstack-prod". */
  readonly namePrefix: string;
  /** One topic per severity listed. @default ["warning", "critical"] */
  readonly severities?: readonly Severity[];
  /** Who each severity reaches. */
  readonly recipients: AlarmRecipients;
  /** Endpoint of the `webhook` channel (a secret). @default none (no route may name webhook) */
  readonly webhookUrl?: pulumi.Input<string>;
  /**
   * Region of the key, topics and subscriptions; also suffixes their names.
   * @default the provider's region
   */
  readonly region?: string;
}

export class AwsAlarmTopics extends pulumi.ComponentResource {
  /** Topic ARN per severity this component created. */
  readonly arns: Readonly<Partial<Record<Severity, pulumi.Output<string>>>>;
  /** The region the topics live in, when not the provider's. */
  readonly region?: string;

  constructor(name: string, args: AlarmTopicsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:ops:AlarmTopics", name, {}, opts);
    const severities = args.severities ?? SEVERITIES;
    const region = args.region;
    const inRegion = region ? { region } : {};
    const parent = { parent: this };

    const accountId = getCallerIdentityOutput({}, parent).accountId;
    const partition = getPartitionOutput({}, parent).partition;
    const topicRegion = region ? pulumi.output(region) : getRegionOutput({}, parent).region;

    // A KMS key serves topics in its own region only, hence one key per AlarmTopics.
    const key = new Key(
      `${name}-key`,
      {
        ...inRegion,
        description: `Encrypts the ${args.namePrefix} alarm topics${region ? ` in ${region}` : ""}`,
        enableKeyRotation: true,
        deletionWindowInDays: 7,
        policy: pulumi
          .all([accountId, partition])
          .apply(([account, p]) => JSON.stringify(topicKeyPolicy(account, p))),
      },
      parent,
    );

    const arns: Partial<Record<Severity, pulumi.Output<string>>> = {};
    for (const severity of severities) {
      const topic = new Topic(
        `${name}-${severity}`,
        {
          ...inRegion,
          name: [args.namePrefix, severity, "alarms", region].filter(Boolean).join("-"),
          displayName: `${args.namePrefix} ${severity}`,
          kmsMasterKeyId: key.arn,
          tags: { severity },
        },
        parent,
      );
      new TopicPolicy(
        `${name}-${severity}-policy`,
        {
          ...inRegion,
          arn: topic.arn,
          policy: pulumi
            .all([topic.arn, accountId, partition, topicRegion])
            .apply(([topicArn, account, p, r]) =>
              JSON.stringify(
                topicPolicy({ topicArn, accountId: account, partition: p, region: r }),
              ),
            ),
        },
        parent,
      );
      for (const subscription of plannedSubscriptions(severity, args.recipients)) {
        new TopicSubscription(
          `${name}-${severity}-${subscription.key}`,
          {
            ...inRegion,
            topic: topic.arn,
            protocol: subscription.protocol,
            // The webhook URL is a secret and stays one.
            endpoint: subscription.endpoint ?? pulumi.secret(args.webhookUrl!),
          },
          parent,
        );
      }
      arns[severity] = topic.arn;
    }

    this.arns = arns;
    this.region = region;
    this.registerOutputs({ arns });
  }
}
