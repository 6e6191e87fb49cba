// Reads back the monitoring files a Docker stack ships — Prometheus rule files, prometheus.yml and
// alertmanager.yml — into the few facts the alarm policies judge: each alert's threshold, direction
// and `for:`, which receivers an alert of a given severity reaches, and which servers are scraped.
import { parse } from "yaml";
import type { Channel, Comparison } from "../components/catalog/alarms";
import { isMap, list, maps, Props } from "./stack-reading";

/** Where a Docker stack's container ships its Prometheus and Alertmanager configuration (suffix). */
export const PROMETHEUS_YML = "/prometheus.yml";
export const ALERTMANAGER_YML = "/alertmanager.yml";

/** Parses YAML text; throws with the parser's message when it does not parse. */
export function parseYamlDocument(text: string): Props {
  const document: unknown = parse(text);
  return isMap(document) ? document : {};
}

const DURATION = /(\d+)(ms|s|m|h|d|w|y)/g;
// prettier-ignore
const UNIT_SECONDS: Readonly<Record<string, number>> =
  { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/**
 * Every alerting rule of a rule file (`groups[].rules[]` with `alert:`). `forSeconds` is 0 when
 * `for:` is absent, undefined when it is not a Prometheus duration such as `5m` or `1h30m`.
 */
export function alertingRules(document: Props) {
  return maps(document.groups)
    .flatMap((group) => maps(group.rules))
    .filter((rule) => typeof rule.alert === "string")
    .map((rule) => {
      const duration = String(rule.for ?? "0s");
      const valid = /^(\d+(ms|s|m|h|d|w|y))+$/.test(duration);
      const seconds = [...duration.matchAll(DURATION)].map(
        ([, n, unit]) => +n * UNIT_SECONDS[unit],
      );
      return {
        alert: rule.alert as string,
        expr: String(rule.expr ?? ""),
        forSeconds: valid ? seconds.reduce((a, b) => a + b, 0) : undefined,
        severity: isMap(rule.labels) ? rule.labels.severity : undefined,
      };
    });
}

/**
 * The comparison an alert expression ends with — `<value> > 80` as the rule renderer writes it —
 * as the catalog's direction and threshold. Undefined for anything else (no trailing comparison,
 * `bool`, `==`), which can then not be shown to meet a floor.
 */
export function trailingComparison(
  expr: string,
): { comparison: Comparison; threshold: number } | undefined {
  const match = /\s(>=|<=|>|<)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)\s*$/i.exec(expr);
  if (!match) return undefined;
  return { comparison: match[1].startsWith(">") ? "above" : "below", threshold: Number(match[2]) };
}

/** An expression without its trailing comparison (`<value> > 80` → `<value>`). */
export function comparedValue(expr: string): string {
  return expr.replace(/\s(>=|<=|>|<)\s*(bool\s+)?[-+]?[\d.]+(?:e[-+]?\d+)?\s*$/i, "").trim();
}

/**
 * Whether a PromQL expression reads the series `name`: the metric name appears as a word outside
 * string literals and label matchers (so `{job="node_cpu_seconds_total"}` does not count).
 */
export function readsSeries(expr: string, name: string): boolean {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, "{}");
  return new RegExp(`(^|[^A-Za-z0-9_:])${name}($|[^A-Za-z0-9_:])`).test(bare);
}

// ---- alertmanager.yml

const fullMatch = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);

/** Whether a route's matchers (and the older `match`/`match_re`) all hold for the labels. */
function routeMatches(route: Props, labels: Readonly<Record<string, string>>): boolean {
  const holds = (text: unknown) => {
    const match = /^\s*([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/.exec(String(text));
    if (!match) return false;
    const [, name, operator, value] = match;
    const actual = labels[name] ?? "";
    return (
      (operator.endsWith("~") ? fullMatch(value, actual) : actual === value) !==
      operator.startsWith("!")
    );
  };
  const entries = (value: unknown) => Object.entries(isMap(value) ? value : {});
  return (
    list(route.matchers).every(holds) &&
    entries(route.match).every(([name, value]) => (labels[name] ?? "") === String(value)) &&
    entries(route.match_re).every(([name, value]) => fullMatch(String(value), labels[name] ?? ""))
  );
}

/**
 * The receivers an alert with `labels` reaches, following Alertmanager's routing: the first
 * matching child route takes it (and the ones after, while a match says `continue: true`); a route
 * whose children all miss delivers to its own receiver, inherited from its parent when unset.
 */
export function receiversFor(
  document: Props,
  labels: Readonly<Record<string, string>>,
): Set<string> {
  const reached = new Set<string>();
  const walk = (route: Props, inherited: string | undefined) => {
    const receiver = typeof route.receiver === "string" ? route.receiver : inherited;
    let taken = false;
    for (const child of maps(route.routes)) {
      if (!routeMatches(child, labels)) continue;
      walk(child, receiver);
      taken = true;
      if (child.continue !== true) break;
    }
    if (!taken && receiver !== undefined) reached.add(receiver);
  };
  if (isMap(document.route)) walk(document.route, undefined);
  return reached;
}

/**
 * The notification channels a receiver delivers to, by its integrations. An SMS gateway is a
 * webhook, told apart from other webhooks by the receiver's name `sms` (as the renderer names it).
 * A receiver with no integration keeps the alert in Alertmanager only: dev's `log`.
 */
export function receiverChannels(document: Props, name: string): Set<Channel> {
  const receiver = maps(document.receivers).find((r) => r.name === name);
  if (!receiver) return new Set();
  const has = (key: string) => list(receiver[key]).length > 0;
  const channels = new Set<Channel>();
  if (has("email_configs")) channels.add("email");
  if (has("slack_configs")) channels.add("slack");
  if (has("sns_configs")) channels.add("sms");
  if (has("webhook_configs")) channels.add(name === "sms" ? "sms" : "webhook");
  return channels.size > 0 ? channels : new Set(["log"]);
}

// ---- prometheus.yml

/** The `instance` labels (else target addresses) of a scrape job's static targets. */
export function scrapeInstances(document: Props, job: string): Set<string> {
  const groups = maps(document.scrape_configs)
    .filter((c) => c.job_name === job)
    .flatMap((config) => maps(config.static_configs));
  return new Set(
    groups.flatMap((group) => {
      const label = isMap(group.labels) ? group.labels.instance : undefined;
      if (typeof label === "string") return [label];
      return list(group.targets).map((target) => String(target).split(":")[0]);
    }),
  );
}

/** Hosts (without port) of the Alertmanagers prometheus.yml sends alerts to. */
export function alertmanagerHosts(document: Props): string[] {
  return maps(isMap(document.alerting) ? document.alerting.alertmanagers : [])
    .flatMap((am) => maps(am.static_configs))
    .flatMap((group) => list(group.targets))
    .map((target) => String(target).split(":")[0]);
}
