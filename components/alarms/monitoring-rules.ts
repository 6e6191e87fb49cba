// The Docker target's monitoring self-health rules: alerts about Prometheus's own view of the
// stack, rendered after the catalog's rules in the same file. Not catalog alarms (CloudWatch has
// no scrape to fail, and catalog names are fixed by docs/requirements.md §6), so the policy pack's
// floors do not judge them. `severity: none` matches no severity route: Alertmanager's Watchdog
// route takes it. In summaries `{for}` becomes the duration in words, and Prometheus expands
// `{{ $labels.x }}` when the alert fires.
import type { SELF_HEALTH_ALERTS } from "../catalog/alarms";

/** The always-firing alert; alertmanager-config.ts routes it by this name to a null receiver. */
export const WATCHDOG_ALERT = "Watchdog" satisfies (typeof SELF_HEALTH_ALERTS)[number];

export const MONITORING_RULES = [
  {
    // A target Prometheus cannot scrape produces no series, and every catalog rule on that
    // exporter's metrics then evaluates to nothing: the alarm stays silent instead of firing.
    // `up` is the one series Prometheus writes for every target itself, 0 when the scrape fails.
    // 5 minutes = 20 failed scrapes at 15 s: rides out an exporter container being replaced by
    // `pulumi up`, and is no longer than the longest `for` of the warnings the lost exporter
    // feeds. Warning, not critical: nothing user-facing is known to be broken, only unwatched.
    alert: "ScrapeTargetDown",
    expr: "up == 0",
    forSeconds: 300,
    severity: "warning",
    summary:
      "Prometheus cannot scrape {{ $labels.job }} target {{ $labels.instance }} for {for}: the alarms on its metrics are blind",
    runbook: "docs/operations.md#scrapetargetdown",
  },
  {
    // A dead Prometheus (or a broken Prometheus → Alertmanager path) cannot alert about itself.
    // This alert always fires, so its absence is the signal (docs/operations.md#watchdog).
    alert: WATCHDOG_ALERT,
    expr: "vector(1)",
    forSeconds: 0,
    severity: "none",
    summary: "Always firing: proves Prometheus evaluates rules and reaches Alertmanager",
    runbook: "docs/operations.md#watchdog",
  },
] as const;
