// Where alarms are delivered: the channels a stack has and which severities use them.
// Secret endpoints (SMTP password, webhook URLs) are separate encrypted keys, never here.
import { z } from "zod";
import { CHANNELS } from "../../catalog/alarms";
import type { Channel } from "../../catalog/alarms";
import { boolean, e164, email, hostAndPort, oneOf, pattern, section } from "../fields";

export type { Channel };

function routes(channels: readonly [Channel, ...Channel[]]) {
  const list = z
    .array(oneOf(channels), { error: `must be a list of channels (${channels.join(", ")})` })
    .min(1, { error: "must name at least one channel" });
  return z
    .strictObject(
      {
        warning: list.describe("Channels for warning alarms."),
        critical: list.describe("Channels for critical alarms."),
      },
      { error: "must map warning and critical to lists of channels" },
    )
    .describe("Which channels each severity reaches.");
}

const recipients = z
  .array(email(), { error: "must be a list of e-mail addresses" })
  .min(1, { error: "must list at least one address" });
const slackChannel = pattern(/^#[a-z0-9_-]{1,80}$/, 'a Slack channel such as "#ops-alerts"');
const sms = z
  .strictObject({
    numbers: z
      .array(e164(), { error: "must be a list of phone numbers" })
      .min(1, { error: "must list at least one number" }),
  })
  .optional()
  .describe("Phone numbers paged for critical alarms.");

export const alertsSchema = {
  docker: section(
    {
      email: z
        .strictObject({
          to: recipients,
          from: email().default("alerts@localhost").describe("Sender address."),
          smarthost: hostAndPort("an SMTP relay")
            .default("localhost:25")
            .describe("SMTP relay Alertmanager sends through."),
          requireTls: boolean().default(true).describe("Require STARTTLS to the relay."),
          username: pattern(
            /^[\x21-\x7e]{1,128}$/,
            "an SMTP user name (1 to 128 printable characters)",
          )
            .optional()
            .describe(
              "SMTP user; with the smtpPassword secret, Alertmanager authenticates. Default: no AUTH.",
            ),
        })
        .optional()
        .describe("E-mail recipients."),
      slack: z
        .strictObject({ channel: slackChannel })
        .optional()
        .describe("Slack channel, posted to through the slackWebhookUrl secret."),
      sms,
      routes: routes(CHANNELS).default({ warning: ["log"], critical: ["log"] }),
    },
    "Alarm notification channels and routes.",
  ),
  aws: section(
    {
      email: z.strictObject({ to: recipients }).optional().describe("E-mail recipients (SNS)."),
      slack: z
        .strictObject({
          channel: slackChannel,
          workspaceId: pattern(
            /^T[A-Z0-9]{6,20}$/,
            "a Slack workspace (team) id such as T0123ABCD",
          ).describe("Slack workspace id for AWS Chatbot."),
          channelId: pattern(/^C[A-Z0-9]{6,20}$/, "a Slack channel id such as C0123ABCD").describe(
            "Slack channel id for AWS Chatbot.",
          ),
        })
        .optional()
        .describe("Slack channel, posted to by AWS Chatbot."),
      sms,
      routes: routes(["webhook", "email", "slack", "sms"]),
    },
    "Alarm notification channels and routes.",
  ),
};

/**
 * Secrets a stack may set with `pulumi config set --secret`; never accepted in plain text. A `url`
 * secret must be an http(s) URL, https on AWS (SNS delivers alarms to it over the internet).
 */
export const SECRET_KEYS = {
  smtpPassword: {
    targets: ["docker"],
    url: false,
    doc: "Password for the SMTP relay (e-mail alerts).",
  },
  slackWebhookUrl: {
    targets: ["docker"],
    url: true,
    doc: "Slack incoming-webhook URL (slack alerts).",
  },
  alertWebhookUrl: {
    targets: ["docker", "aws"],
    url: true,
    doc: "Generic webhook URL alarms are posted to (the webhook channel).",
  },
  smsWebhookUrl: {
    targets: ["docker"],
    url: true,
    doc: "SMS gateway webhook URL (sms alerts).",
  },
  deadMansSwitchUrl: {
    targets: ["docker"],
    url: true,
    doc: "URL an external dead man's switch service (e.g. a healthchecks.io ping URL) receives the Watchdog at, every few minutes; silence there pages someone. Default: the Watchdog reaches no one.",
  },
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;
