// Renders alertmanager.yml for one Docker environment: routing by severity to one receiver per
// channel, following the stack's `alerts.routes` (prod: critical → email + slack + sms, warning →
// email + slack; dev: a log). Secrets Alertmanager can read from a file stay out of the text:
// Alertmanager 0.25 reads `smtp_auth_password_file`, slack `api_url_file` and `http_config.
// authorization.credentials_file`. It has no `url_file` for webhooks (0.26+): a webhook or SMS
// gateway URL that is itself the secret is written into the text, and the caller must then treat
// the whole file as a secret (`alertmanagerConfigHoldsSecret`). The always-firing Watchdog of the
// rule file goes to a receiver without integrations, so it proves the pipeline without paging;
// with a dead man's switch, that receiver posts it every few minutes to an outside service, which
// pages when the posts stop (Prometheus, Alertmanager or their host down). Its URL is the secret.
import { stringify } from "yaml";
import { Channel, CHANNELS, Severity, SEVERITIES } from "../catalog/alarms";
import { WATCHDOG_ALERT } from "./monitoring-rules";

/**
 * The receiver the Watchdog alert reaches: without a dead man's switch no integration, so it
 * notifies no one but stays listed in Alertmanager's UI and API. Not a channel name, so no
 * severity route can pick it.
 */
export const WATCHDOG_RECEIVER = "watchdog";

/** Where the container finds each secret file, relative to `secretsDir`. */
export const ALERTMANAGER_SECRET_FILES = {
  smtpPassword: "smtp_password",
  slackApiUrl: "slack_api_url",
  smsToken: "sms_token",
  webhookToken: "webhook_token",
} as const;

export interface EmailReceiver {
  readonly to: readonly string[];
  readonly from: string;
  /** `host:port` of the SMTP relay. */
  readonly smarthost: string;
  /**
   * SMTP user; the password comes from the `smtp_password` secret file.
   * @default none: the relay takes mail without AUTH (and no password file is read)
   */
  readonly username?: string;
  /** @default true — the relay must offer STARTTLS. */
  readonly requireTls?: boolean;
}

export interface SlackReceiver {
  /** Channel such as `#alerts-prod`; the webhook URL comes from the `slack_api_url` file. */
  readonly channel: string;
}

/**
 * Alertmanager has no SMS integration. Either post to an SMS gateway (a relay that turns
 * Alertmanager's webhook JSON into texts) with a bearer token from the `sms_token` file (or with
 * `bearerToken: false`, a URL that carries its own credential), or publish to an SNS topic with
 * SMS subscriptions, signed with the container's AWS credentials.
 */
export type SmsReceiver =
  | { readonly via: "webhook"; readonly url: string; readonly bearerToken?: boolean }
  | { readonly via: "sns"; readonly topicArn: string; readonly region: string };

export interface WebhookReceiver {
  readonly url: string;
  /** Send the `webhook_token` file as a bearer token. @default false */
  readonly bearerToken?: boolean;
}

/** How often the Watchdog reaches a dead man's switch. */
export interface HeartbeatTiming {
  /** Wait before the first post after Alertmanager (re)starts. */
  readonly groupWaitSeconds: number;
  /** How often Alertmanager looks at the Watchdog's group; a post waits for the next look. */
  readonly groupIntervalSeconds: number;
  /** Time between posts, rounded up to a multiple of `groupIntervalSeconds`. */
  readonly repeatIntervalSeconds: number;
}

/**
 * A post every 5 minutes (at most 6: the repeat is checked once a minute, and a check landing just
 * before the 5 minutes are up waits for the next). The service's period must be 5 minutes and its
 * grace at least 2 (docs/operations.md "Watchdog").
 */
export const HEARTBEAT_TIMING: HeartbeatTiming = {
  groupWaitSeconds: 10,
  groupIntervalSeconds: 60,
  repeatIntervalSeconds: 300,
};

export interface DeadMansSwitch {
  /** URL the Watchdog is posted to (a healthchecks.io ping URL, say); itself the secret. */
  readonly url: string;
  /** @default HEARTBEAT_TIMING */
  readonly timing?: HeartbeatTiming;
}

export interface AlertmanagerTiming {
  readonly groupWaitSeconds: number;
  readonly groupIntervalSeconds: number;
  readonly repeatIntervalSeconds: number;
  /** Critical alerts repeat sooner than warnings. */
  readonly criticalRepeatIntervalSeconds: number;
}

export const DEFAULT_TIMING: AlertmanagerTiming = {
  groupWaitSeconds: 30,
  groupIntervalSeconds: 300,
  repeatIntervalSeconds: 4 * 3600,
  criticalRepeatIntervalSeconds: 3600,
};

export interface AlertmanagerSpec {
  /** Environment name, for messages and the file header. */
  readonly environment: string;
  /** Channels per severity: the stack's `alerts.routes`, the one source of who is notified. */
  readonly routes: Readonly<Record<Severity, readonly Channel[]>>;
  readonly email?: EmailReceiver;
  readonly slack?: SlackReceiver;
  readonly sms?: SmsReceiver;
  readonly webhook?: WebhookReceiver;
  /**
   * Outside service the always-firing Watchdog is posted to every few minutes; silence there
   * pages someone. @default none: the Watchdog reaches a receiver without integrations
   */
  readonly deadMansSwitch?: DeadMansSwitch;
  /** Directory the secret files are mounted in. @default "/etc/alertmanager/secrets" */
  readonly secretsDir?: string;
  /** @default DEFAULT_TIMING */
  readonly timing?: AlertmanagerTiming;
}

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

function fail(key: string, allowed: string, got: unknown): never {
  throw new Error(`${key} must be ${allowed} (got ${JSON.stringify(got)})`);
}

function seconds(value: number): string {
  return value % 3600 === 0
    ? `${value / 3600}h`
    : value % 60 === 0
      ? `${value / 60}m`
      : `${value}s`;
}

/** The channels each severity reaches in this environment. */
export function alertmanagerRoutes(spec: AlertmanagerSpec): Record<Severity, readonly Channel[]> {
  return { ...spec.routes };
}

function smsBearer(spec: AlertmanagerSpec): boolean {
  return spec.sms?.via === "webhook" && spec.sms.bearerToken !== false;
}

/**
 * Whether the rendered text carries a secret: a webhook, SMS gateway or dead man's switch URL used
 * without a bearer token file is the credential itself (Alertmanager 0.25 cannot read it from a
 * file).
 */
export function alertmanagerConfigHoldsSecret(spec: AlertmanagerSpec): boolean {
  const used = new Set(Object.values(spec.routes).flat());
  return (
    spec.deadMansSwitch !== undefined ||
    (used.has("webhook") && spec.webhook !== undefined && !spec.webhook.bearerToken) ||
    (used.has("sms") && spec.sms?.via === "webhook" && !smsBearer(spec))
  );
}

/** The secret files this environment's Alertmanager reads: what its container must mount. */
export function alertmanagerSecretFiles(spec: AlertmanagerSpec): string[] {
  const dir = spec.secretsDir ?? "/etc/alertmanager/secrets";
  const used = new Set(Object.values(alertmanagerRoutes(spec)).flat());
  const files: string[] = [];
  if (used.has("email") && spec.email?.username !== undefined) {
    files.push(`${dir}/${ALERTMANAGER_SECRET_FILES.smtpPassword}`);
  }
  if (used.has("slack")) files.push(`${dir}/${ALERTMANAGER_SECRET_FILES.slackApiUrl}`);
  if (used.has("sms") && smsBearer(spec)) {
    files.push(`${dir}/${ALERTMANAGER_SECRET_FILES.smsToken}`);
  }
  if (used.has("webhook") && spec.webhook?.bearerToken) {
    files.push(`${dir}/${ALERTMANAGER_SECRET_FILES.webhookToken}`);
  }
  return files;
}

function receiverFor(channel: Channel, spec: AlertmanagerSpec, dir: string): object {
  const missing = (field: string) =>
    new Error(`alertmanager.${field} must be set: ${spec.environment} routes alerts to ${channel}`);
  switch (channel) {
    // No integration: the alert stays visible in Alertmanager's UI and API (`amtool alert`).
    case "log":
      return { name: "log" };
    case "email": {
      const email = spec.email;
      if (!email) throw missing("email");
      if (email.to.length === 0) fail("alertmanager.email.to", "at least one address", email.to);
      email.to.forEach((to, i) => {
        if (!EMAIL.test(to)) fail(`alertmanager.email.to[${i}]`, "an email address", to);
      });
      return {
        name: "email",
        email_configs: [{ to: email.to.join(", "), send_resolved: true }],
      };
    }
    case "slack": {
      if (!spec.slack) throw missing("slack");
      if (!/^[#@]?[a-z0-9][a-z0-9._-]{0,79}$/.test(spec.slack.channel)) {
        fail("alertmanager.slack.channel", "a Slack channel such as #alerts", spec.slack.channel);
      }
      return {
        name: "slack",
        slack_configs: [
          {
            api_url_file: `${dir}/${ALERTMANAGER_SECRET_FILES.slackApiUrl}`,
            channel: spec.slack.channel,
            send_resolved: true,
            title:
              "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.environment }}, {{ .CommonLabels.severity }})",
            text: "{{ range .Alerts }}{{ .Annotations.summary }} ({{ .Annotations.runbook }})\n{{ end }}",
          },
        ],
      };
    }
    case "sms": {
      const sms = spec.sms;
      if (!sms) throw missing("sms");
      if (sms.via === "sns") {
        if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(sms.topicArn)) {
          fail("alertmanager.sms.topicArn", "an SNS topic ARN", sms.topicArn);
        }
        return {
          name: "sms",
          sns_configs: [
            {
              topic_arn: sms.topicArn,
              sigv4: { region: sms.region },
              subject: "{{ .CommonLabels.alertname }} ({{ .CommonLabels.environment }})",
              message: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
              send_resolved: false,
            },
          ],
        };
      }
      return {
        name: "sms",
        webhook_configs: [
          {
            url: sms.url,
            // A text per page is enough; the runbook link arrives by email and Slack.
            send_resolved: false,
            max_alerts: 5,
            ...(smsBearer(spec)
              ? {
                  http_config: {
                    authorization: {
                      type: "Bearer",
                      credentials_file: `${dir}/${ALERTMANAGER_SECRET_FILES.smsToken}`,
                    },
                  },
                }
              : {}),
          },
        ],
      };
    }
    case "webhook": {
      const webhook = spec.webhook;
      if (!webhook) throw missing("webhook");
      return {
        name: "webhook",
        webhook_configs: [
          {
            url: webhook.url,
            send_resolved: true,
            ...(webhook.bearerToken
              ? {
                  http_config: {
                    authorization: {
                      type: "Bearer",
                      credentials_file: `${dir}/${ALERTMANAGER_SECRET_FILES.webhookToken}`,
                    },
                  },
                }
              : {}),
          },
        ],
      };
    }
  }
}

function heartbeatTiming(timing: HeartbeatTiming): HeartbeatTiming {
  for (const [field, value] of Object.entries(timing)) {
    if (!Number.isInteger(value) || value < 1) {
      fail(
        `alertmanager.deadMansSwitch.timing.${field}`,
        "a whole number of seconds, at least 1",
        value,
      );
    }
  }
  if (timing.repeatIntervalSeconds < timing.groupIntervalSeconds) {
    fail(
      "alertmanager.deadMansSwitch.timing.repeatIntervalSeconds",
      `at least groupIntervalSeconds (${timing.groupIntervalSeconds})`,
      timing.repeatIntervalSeconds,
    );
  }
  return timing;
}

/**
 * The Watchdog's route and receiver: silent, or posting to the dead man's switch on a short
 * repeat so the service sees it every few minutes.
 */
function watchdog(spec: AlertmanagerSpec): { route: object; receiver: object } {
  const matchers = [`alertname="${WATCHDOG_ALERT}"`];
  const heartbeat = spec.deadMansSwitch;
  if (!heartbeat) {
    return {
      route: { matchers, receiver: WATCHDOG_RECEIVER },
      receiver: { name: WATCHDOG_RECEIVER },
    };
  }
  const timing = heartbeatTiming(heartbeat.timing ?? HEARTBEAT_TIMING);
  return {
    route: {
      matchers,
      receiver: WATCHDOG_RECEIVER,
      group_wait: seconds(timing.groupWaitSeconds),
      group_interval: seconds(timing.groupIntervalSeconds),
      repeat_interval: seconds(timing.repeatIntervalSeconds),
    },
    receiver: {
      name: WATCHDOG_RECEIVER,
      // The Watchdog never resolves while Prometheus runs; one alert per post is all it needs.
      webhook_configs: [{ url: heartbeat.url, send_resolved: false, max_alerts: 1 }],
    },
  };
}

export function renderAlertmanagerConfig(spec: AlertmanagerSpec): string {
  const dir = spec.secretsDir ?? "/etc/alertmanager/secrets";
  const timing = spec.timing ?? DEFAULT_TIMING;
  const routes = alertmanagerRoutes(spec);
  for (const severity of SEVERITIES) {
    const channels = routes[severity];
    if (!channels || channels.length === 0) {
      fail(
        `alertmanager.routes.${severity}`,
        `a list of channels (${CHANNELS.join(", ")})`,
        channels,
      );
    }
    channels.forEach((channel, i) => {
      if (!(CHANNELS as readonly string[]).includes(channel)) {
        fail(`alertmanager.routes.${severity}[${i}]`, `one of ${CHANNELS.join(", ")}`, channel);
      }
    });
  }
  const used = CHANNELS.filter((channel) => SEVERITIES.some((s) => routes[s].includes(channel)));
  const heartbeat = watchdog(spec);

  const global: Record<string, unknown> = { resolve_timeout: "5m" };
  if (used.includes("email") && spec.email) {
    if (!HOST_PORT.test(spec.email.smarthost)) {
      fail("alertmanager.email.smarthost", "host:port of the SMTP relay", spec.email.smarthost);
    }
    if (!EMAIL.test(spec.email.from))
      fail("alertmanager.email.from", "an email address", spec.email.from);
    Object.assign(global, {
      smtp_smarthost: spec.email.smarthost,
      smtp_from: spec.email.from,
      ...(spec.email.username !== undefined
        ? {
            smtp_auth_username: spec.email.username,
            smtp_auth_password_file: `${dir}/${ALERTMANAGER_SECRET_FILES.smtpPassword}`,
          }
        : {}),
      smtp_require_tls: spec.email.requireTls ?? true,
    });
  }

  // One child route per channel; `continue` lets an alert go on to the next channel's route.
  const severityRoute = (severity: Severity) => ({
    matchers: [`severity="${severity}"`],
    ...(severity === "critical"
      ? { repeat_interval: seconds(timing.criticalRepeatIntervalSeconds) }
      : {}),
    routes: routes[severity].map((channel, i, all) => ({
      receiver: channel,
      ...(i < all.length - 1 ? { continue: true } : {}),
    })),
  });

  const document = {
    global,
    route: {
      // Anything without a known severity still reaches people, on the warning channels.
      receiver: routes.warning[0],
      group_by: ["alertname", "environment", "severity"],
      group_wait: seconds(timing.groupWaitSeconds),
      group_interval: seconds(timing.groupIntervalSeconds),
      repeat_interval: seconds(timing.repeatIntervalSeconds),
      routes: [
        // First, and without `continue`: the always-firing alert must never reach a channel.
        heartbeat.route,
        severityRoute("critical"),
        severityRoute("warning"),
      ],
    },
    // A critical alert on the same thing silences its warning twin (replica lag, certificates).
    inhibit_rules: [
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ["environment", "watches", "instance"],
      },
    ],
    receivers: [...used.map((channel) => receiverFor(channel, spec, dir)), heartbeat.receiver],
  };
  return (
    `# Rendered by webstack for ${spec.environment}. Secrets are read from files under ${dir},\n` +
    "# mounted into the container; none is written here.\n" +
    stringify(document, { lineWidth: 0 })
  );
}
