// `webstack:ops:SlackChannel`: the Slack end of alarm delivery on AWS — an AWS Chatbot Slack
// channel configuration subscribed to the alarm topics, with a role that lets Chatbot read the
// alarms it renders and a CloudWatch read-only guardrail, so nobody can change the account from Slack.
// The Slack workspace must be authorised for Chatbot once, by a person, in the console.
import * as pulumi from "@pulumi/pulumi";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { SlackChannelConfiguration } from "@pulumi/aws/chatbot/slackChannelConfiguration";
import { serviceRole } from "../aws-service-role";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";

/**
 * Region whose Chatbot API manages the configuration. Chat configurations are global, but the API
 * answers in a handful of regions only (us-west-2 among them), not in every stack's region.
 */
export const CHATBOT_API_REGION = "us-west-2";

/**
 * The configuration's name (e.g. "webstack-prod-alarms"), the Slack workspace (team) id authorised
 * with AWS Chatbot (T0123ABCD), the channel id (C0123ABCD; invite the AWS app to it) and the
 * topics, of any region, whose messages the channel shows.
 */
export interface SlackChannelArgs {
  readonly configurationName: string;
  readonly workspaceId: string;
  readonly channelId: string;
  readonly topicArns: pulumi.Input<string>[];
}

/** What Chatbot itself may read to render alarm notifications (the console's notification-only set). */
export const CHATBOT_NOTIFICATION_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "ReadAlarmsForNotifications",
      Effect: "Allow",
      Action: ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"],
      Resource: "*",
    },
  ],
};

const CHATBOT = "chatbot.amazonaws.com";

export class AwsSlackChannel extends pulumi.ComponentResource {
  readonly configurationArn: pulumi.Output<string>;

  constructor(name: string, args: SlackChannelArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:ops:SlackChannel", name, {}, opts);
    const parent = { parent: this };
    const partition = getPartitionOutput({}, parent).partition;

    const { role } = serviceRole(
      `${name}-role`,
      CHATBOT,
      `AWS Chatbot posts ${args.configurationName} alarms to Slack with this role`,
      {},
      this,
    );
    const policy = new RolePolicy(
      `${name}-role-notifications`,
      { role: role.name, policy: JSON.stringify(CHATBOT_NOTIFICATION_POLICY) },
      parent,
    );

    const configuration = new SlackChannelConfiguration(
      `${name}`,
      {
        region: CHATBOT_API_REGION,
        configurationName: args.configurationName,
        slackTeamId: args.workspaceId,
        slackChannelId: args.channelId,
        snsTopicArns: args.topicArns,
        iamRoleArn: pulumi.all([role.arn, policy.id]).apply(([arn]) => arn),
        // Without a guardrail Chatbot lets channel members run anything AdministratorAccess
        // allows; reading alarms and metrics is all an alarm channel needs.
        guardrailPolicyArns: [
          pulumi.interpolate`arn:${partition}:iam::aws:policy/CloudWatchReadOnlyAccess`,
        ],
        loggingLevel: "ERROR",
      },
      parent,
    );

    this.configurationArn = configuration.chatConfigurationArn;
    this.registerOutputs({ configurationArn: this.configurationArn });
  }
}
