// Where alarms are delivered: the channels a stack has and which severities use them.
// Secret endpoints (SMTP password, webhook URLs) are separate encrypted keys, never here.
import { z } from "zod";
import { CHANNELS } from "../../catalog/alarms";
import { boolean, e164, email, oneOf, pattern } from "../fields";

// One list of channels for config and catalog; the catalog also holds each tier's floor.
export { CHANNELS };
export type { Channel } from "../../catalog/alarms";

const channelList = z
  .array(oneOf(CHANNELS), { error: `must be a list of channels (${CHANNELS.join(", ")})` })
  .min(1, { error: "must name at least one channel" });

export const alertsSchema = z
  .strictObject({
    email: z
      .strictObject({
        to: z.array(email()).min(1, { error: "must list at least one address" }),
        from: email().default("alerts@localhost").describe("Sender address (docker)."),
        smarthost: pattern(/^[a-z0-9.-]+:\d{1,5}$/, '"host:port" of an SMTP relay')
          .default("localhost:25")
          .describe("SMTP relay Alertmanager sends through (docker)."),
        requireTls: boolean().default(true).describe("Require STARTTLS to the relay (docker)."),
        username: pattern(
          /^[\x21-\x7e]{1,128}$/,
          "an SMTP user name (1 to 128 printable characters)",
        )
          .optional()
          .describe(
            "SMTP user; with the smtpPassword secret, Alertmanager authenticates (docker). Default: no AUTH.",
          ),
      })
      .optional()
      .describe("E-mail recipients."),
    slack: z
      .strictObject({
        channel: pattern(/^#[a-z0-9_-]{1,80}$/, 'a Slack channel such as "#ops-alerts"'),
        workspaceId: pattern(/^T[A-Z0-9]{6,20}$/, "a Slack workspace (team) id such as T0123ABCD")
          .optional()
          .describe("Slack workspace id for AWS Chatbot (aws)."),
        channelId: pattern(/^C[A-Z0-9]{6,20}$/, "a Slack channel id such as C0123ABCD")
          .optional()
          .describe("Slack channel id for AWS Chatbot (aws)."),
      })
      .optional()
      .describe("Slack channel; docker posts via the slackWebhookUrl secret, aws via AWS Chatbot."),
    sms: z
      .strictObject({ numbers: z.array(e164()).min(1, { error: "must list at least one number" }) })
      .optional()
      .describe("Phone numbers paged for critical alarms."),
    routes: z
      .strictObject({
        warning: channelList.describe("Channels for warning alarms."),
        critical: channelList.describe("Channels for critical alarms."),
      })
      .default({ warning: ["log"], critical: ["log"] })
      .describe("Which channels each severity reaches."),
  })
  .prefault({})
  .describe("Alarm notification channels and routes.");

export type AlertsConfig = z.output<typeof alertsSchema>;

/** Secrets a stack may set with `pulumi config set --secret`; never accepted in plain text. */
export const SECRET_KEYS = {
  smtpPassword: "Password for the SMTP relay (docker e-mail alerts).",
  slackWebhookUrl: "Slack incoming-webhook URL (docker slack alerts).",
  alertWebhookUrl: "Generic webhook URL alarms are posted to (the webhook channel).",
  smsWebhookUrl: "SMS gateway webhook URL (docker sms alerts).",
  deadMansSwitchUrl:
    "URL an external dead man's switch service (e.g. a healthchecks.io ping URL) receives the Watchdog at, every few minutes; silence there pages someone (docker). Default: the Watchdog reaches no one.",
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;
