// Renders alertmanager.yml for one Docker environment: routing by severity to one receiver per
// channel, following the stack's `alerts.routes` (prod: critical → email + slack + sms, warning →
// email + slack; dev: a log). Secrets Alertmanager can read from a file stay out of the text:
// Alertmanager 0.25 reads `smtp_auth_password_file` and slack `api_url_file`. It has no `url_file`
// for webhooks (0.26+): a webhook, SMS gateway or dead man's switch URL is itself the secret, is
// written into the text, and the caller must then treat the whole file as a secret
// (`alertmanagerConfigHoldsSecret`). Config has checked that every routed channel is configured. The always-firing
// Watchdog of the rule file goes to a receiver without integrations, so it proves the pipeline
// without paging; with a dead man's switch, that receiver posts it every few minutes to an outside
// service, which pages when the posts stop (Prometheus, Alertmanager or their host down).
import { stringify } from "yaml";
import { Channel, CHANNELS, Severity } from "../catalog/alarms";
import { WATCHDOG_ALERT } from "./monitoring-rules";
import { promDuration } from "./prometheus-rules";

/** Names of the secret files, in `secretsDir`. */
export const SECRET_FILES = {
  smtpPassword: "smtp_password",
  slackApiUrl: "slack_api_url",
} as const;

/** How often alerts are (re)sent; the Watchdog's dead man's switch has its own. */
export interface AlertmanagerTiming {
  readonly groupWaitSeconds: number;
  readonly groupIntervalSeconds: number;
  /** Time between repeats; a repeat waits for the next group interval. */
  readonly repeatIntervalSeconds: number;
  /** Critical alerts repeat sooner than warnings. @default repeatIntervalSeconds */
  readonly criticalRepeatIntervalSeconds?: number;
}

const TIMING: AlertmanagerTiming = {
  groupWaitSeconds: 30,
  groupIntervalSeconds: 300,
  repeatIntervalSeconds: 4 * 3600,
  criticalRepeatIntervalSeconds: 3600,
};

/**
 * A post every 5 minutes (at most 6: the repeat is checked once a minute, and a check landing just
 * before the 5 minutes are up waits for the next). The service's period must be 5 minutes and its
 * grace at least 2 (docs/operations.md "Watchdog").
 */
const HEARTBEAT: AlertmanagerTiming = {
  groupWaitSeconds: 10,
  groupIntervalSeconds: 60,
  repeatIntervalSeconds: 300,
};

export interface AlertmanagerSpec {
  /** Environment name, for the file header. */
  readonly environment: string;
  /** Channels per severity: the stack's `alerts.routes`, the one source of who is notified. */
  readonly routes: Readonly<Record<Severity, readonly Channel[]>>;
  readonly email?: {
    readonly to: readonly string[];
    readonly from: string;
    /** `host:port` of the SMTP relay. */
    readonly smarthost: string;
    /** SMTP user; the password comes from the `smtp_password` file. @default none (no AUTH) */
    readonly username?: string;
    /** @default true: the relay must offer STARTTLS */
    readonly requireTls?: boolean;
  };
  /** Channel such as `#alerts-prod`; the webhook URL comes from the `slack_api_url` file. */
  readonly slack?: { readonly channel: string };
  /** An SMS gateway: turns Alertmanager's webhook JSON into texts; its URL carries its credential. */
  readonly sms?: { readonly url: string };
  readonly webhook?: { readonly url: string };
  /**
   * Outside service the always-firing Watchdog is posted to every few minutes; silence there
   * pages someone. @default none: the Watchdog reaches a receiver without integrations
   */
  readonly deadMansSwitch?: { readonly url: string; readonly timing?: AlertmanagerTiming };
  /** Directory the secret files are mounted in. @default "/etc/alertmanager/secrets" */
  readonly secretsDir?: string;
  /** @default 30 s wait, 5 min interval, repeats every 4 h (critical: 1 h) */
  readonly timing?: AlertmanagerTiming;
}

const SECRETS_DIR = "/etc/alertmanager/secrets";

function usedChannels(spec: AlertmanagerSpec): Channel[] {
  return CHANNELS.filter(
    (c) => spec.routes.warning.includes(c) || spec.routes.critical.includes(c),
  );
}

/** Whether the rendered text carries a secret URL (see the file's first lines). */
export function alertmanagerConfigHoldsSecret(spec: AlertmanagerSpec): boolean {
  const used = usedChannels(spec);
  return spec.deadMansSwitch !== undefined || used.includes("webhook") || used.includes("sms");
}

/** The secret files this environment's Alertmanager reads: what its container must mount. */
export function alertmanagerSecretFiles(spec: AlertmanagerSpec): string[] {
  const used = usedChannels(spec);
  return [
    ...(used.includes("email") && spec.email?.username !== undefined
      ? [SECRET_FILES.smtpPassword]
      : []),
    ...(used.includes("slack") ? [SECRET_FILES.slackApiUrl] : []),
  ].map((file) => `${spec.secretsDir ?? SECRETS_DIR}/${file}`);
}

const SLACK_TITLE =
  "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.environment }}, {{ .CommonLabels.severity }})";

function receiver(channel: Channel, spec: AlertmanagerSpec, dir: string): object {
  const webhook = (url: string, more: object) => ({ webhook_configs: [{ url, ...more }] });
  return {
    name: channel,
    // `log` has no integration: the alert stays visible in Alertmanager's UI and API.
    ...(channel === "email" && {
      email_configs: [{ to: spec.email!.to.join(", "), send_resolved: true }],
    }),
    ...(channel === "slack" && {
      slack_configs: [
        {
          api_url_file: `${dir}/${SECRET_FILES.slackApiUrl}`,
          channel: spec.slack!.channel,
          send_resolved: true,
          title: SLACK_TITLE,
          text: "{{ range .Alerts }}{{ .Annotations.summary }} ({{ .Annotations.runbook }})\n{{ end }}",
        },
      ],
    }),
    // A text per page is enough; the runbook link arrives by email and Slack.
    ...(channel === "sms" && webhook(spec.sms!.url, { send_resolved: false, max_alerts: 5 })),
    ...(channel === "webhook" && webhook(spec.webhook!.url, { send_resolved: true })),
  };
}

/**
 * The Watchdog's route and receiver: silent, or posting to the dead man's switch on a short
 * repeat so the service sees it every few minutes. Not a channel name, so no severity route can
 * pick the receiver.
 */
function watchdog(spec: AlertmanagerSpec): { route: object; receiver: object } {
  const base = { matchers: [`alertname="${WATCHDOG_ALERT}"`], receiver: "watchdog" };
  const heartbeat = spec.deadMansSwitch;
  if (!heartbeat) return { route: base, receiver: { name: "watchdog" } };
  return {
    route: { ...base, ...groupTiming(heartbeat.timing ?? HEARTBEAT) },
    receiver: {
      name: "watchdog",
      // The Watchdog never resolves while Prometheus runs; one alert per post is all it needs.
      webhook_configs: [{ url: heartbeat.url, send_resolved: false, max_alerts: 1 }],
    },
  };
}

function groupTiming(timing: AlertmanagerTiming) {
  return {
    group_wait: promDuration(timing.groupWaitSeconds),
    group_interval: promDuration(timing.groupIntervalSeconds),
    repeat_interval: promDuration(timing.repeatIntervalSeconds),
  };
}

export function renderAlertmanagerConfig(spec: AlertmanagerSpec): string {
  const dir = spec.secretsDir ?? SECRETS_DIR;
  const timing = spec.timing ?? TIMING;
  const used = usedChannels(spec);
  const heartbeat = watchdog(spec);
  const email = used.includes("email") ? spec.email : undefined;

  // One child route per channel; `continue` lets an alert go on to the next channel's route.
  const severityRoute = (severity: Severity) => ({
    matchers: [`severity="${severity}"`],
    ...(severity === "critical" && timing.criticalRepeatIntervalSeconds !== undefined
      ? { repeat_interval: promDuration(timing.criticalRepeatIntervalSeconds) }
      : {}),
    routes: spec.routes[severity].map((channel, i, all) => ({
      receiver: channel,
      ...(i < all.length - 1 ? { continue: true } : {}),
    })),
  });

  const document = {
    global: {
      resolve_timeout: "5m",
      ...(email && {
        smtp_smarthost: email.smarthost,
        smtp_from: email.from,
        ...(email.username !== undefined && {
          smtp_auth_username: email.username,
          smtp_auth_password_file: `${dir}/${SECRET_FILES.smtpPassword}`,
        }),
        smtp_require_tls: email.requireTls ?? true,
      }),
    },
    route: {
      // Anything without a known severity still reaches people, on the warning channels.
      receiver: spec.routes.warning[0],
      group_by: ["alertname", "environment", "severity"],
      ...groupTiming(timing),
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
    receivers: [...used.map((channel) => receiver(channel, spec, dir)), heartbeat.receiver],
  };
  return (
    `# Rendered by webstack for ${spec.environment}. Secrets are read from files under ${dir},\n` +
    "# mounted into the container; none is written here.\n" +
    stringify(document, { lineWidth: 0 })
  );
}
