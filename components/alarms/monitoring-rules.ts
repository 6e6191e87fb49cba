// The Docker target's monitoring self-health rules: alerts about Prometheus's own view of the
// stack rather than about the stack, rendered beside the catalog's rules in the same file. They are
// not catalog alarms (the catalog is shared with AWS, where CloudWatch has no scrape to fail, and
// its names are fixed by docs/requirements.md §6), so the policy pack's floors do not judge them.

import type { SELF_HEALTH_ALERTS } from "../catalog/alarms";

/** One self-health alerting rule, in the shape the rule file writes it. */
export interface MonitoringRule {
  readonly alert: (typeof SELF_HEALTH_ALERTS)[number];
  readonly expr: string;
  /** How long the condition must hold; 0 fires at the first evaluation. */
  readonly forSeconds: number;
  /**
   * `warning` routes like a catalog warning. `none` (the Watchdog's) matches no severity route:
   * Alertmanager's Watchdog route takes it first, before the fallback to the warning channels.
   */
  readonly severity: "warning" | "none";
  /**
   * Summary annotation: `{for}` becomes the duration in words, and Prometheus expands
   * `{{ $labels.x }}` when the alert fires.
   */
  readonly summary: string;
  /** Path of the runbook section, like the catalog's. */
  readonly runbook: string;
}

/** The always-firing alert; alertmanager-config.ts routes it by this name to a null receiver. */
export const WATCHDOG_ALERT = "Watchdog" satisfies MonitoringRule["alert"];

export const MONITORING_RULES: readonly MonitoringRule[] = [
  {
    // A target Prometheus cannot scrape produces no series, and every catalog rule on that
    // exporter's metrics then evaluates to nothing: the alarm stays silent instead of firing.
    // `up` is the one series Prometheus writes for every target itself, 0 when the scrape fails.
    alert: "ScrapeTargetDown",
    expr: "up == 0",
    // 5 minutes = 20 failed scrapes at the 15 s interval: rides out an exporter container being
    // restarted or replaced by `pulumi up`, and is no longer than the longest `for` of the warnings
    // the lost exporter feeds, so the blind spot is reported within the window those alarms use.
    forSeconds: 300,
    // Warning, not critical: nothing user-facing is known to be broken, only unwatched; the
    // critical user-facing alarms (ServiceDown, ErrorRateHigh) read their own exporters.
    severity: "warning",
    summary:
      "Prometheus cannot scrape {{ $labels.job }} target {{ $labels.instance }} for {for}: the alarms on its metrics are blind",
    runbook: "docs/operations.md#scrapetargetdown",
  },
  {
    // A dead Prometheus (or a broken Prometheus → Alertmanager path) cannot alert about itself.
    // This alert always fires, so its absence is the signal: Alertmanager routes it to a receiver
    // without integrations, where `amtool alert query alertname=Watchdog` shows it, and an
    // external dead man's switch can be given that route later (docs/operations.md#watchdog).
    alert: WATCHDOG_ALERT,
    expr: "vector(1)",
    forSeconds: 0,
    severity: "none",
    summary: "Always firing: proves Prometheus evaluates rules and reaches Alertmanager",
    runbook: "docs/operations.md#watchdog",
  },
];
