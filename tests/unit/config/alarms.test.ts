// The shape of `webstack:alarms.overrides` and `webstack:alarms.extra` entries, refused by the
// schema with one line naming the stack file, the key, what is allowed and the value. (What needs
// the catalog — ranges per unit, the floor, names — is tests/unit/alarms-merge.test.ts.)
import { ConfigError, parseStackConfig } from "../../../components/config";
import { configObject, stackConfig, withConfig } from "../../support/program";
import { PROD_APP_ALARMS } from "../../support/operations";

function problems(stack: string, alarms: Record<string, unknown>): string[] {
  const base = stackConfig(stack);
  const changed = { ...configObject(base, "webstack:alarms"), ...alarms };
  const config = withConfig(base, { "webstack:alarms": changed });
  try {
    const raw = { project: "webstack", stack, values: config.values, secretKeys: new Set([]) };
    parseStackConfig(raw, "2026-11-22");
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

const KEY = "Pulumi.test.yaml: webstack:alarms";

test.each([
  [{ threshold: "70" }, 'HostCpuHigh.threshold must be a number (got "70")'],
  [
    { forSeconds: 0 },
    "HostCpuHigh.forSeconds must be a whole number of seconds from 1 to 86400 (got 0)",
  ],
  [
    { forSeconds: 1.5 },
    "HostCpuHigh.forSeconds must be a whole number of seconds from 1 to 86400 (got 1.5)",
  ],
  [{ severity: "info" }, 'HostCpuHigh.severity must be one of "warning", "critical" (got "info")'],
  [
    { thresold: 70 },
    'HostCpuHigh.thresold is not a known key (known: threshold, forSeconds, severity); did you mean "threshold"? (got 70)',
  ],
])("an override %j is refused", (override, message) => {
  expect(problems("test", { overrides: { HostCpuHigh: override } })).toEqual([
    `${KEY}.overrides.${message}`,
  ]);
});

test("an override that is not a map is refused", () => {
  expect(problems("test", { overrides: { HostCpuHigh: 70 } })).toEqual([
    `${KEY}.overrides.HostCpuHigh must be a map of threshold, forSeconds and severity (got 70)`,
  ]);
});

const base = PROD_APP_ALARMS.PdfQueueBacklog;
const metric = { namespace: "Webstack/App", metricName: "PdfQueueSize", stat: "Maximum" };

test.each([
  [{ severity: "page" }, 'severity must be one of "warning", "critical" (got "page")'],
  [{ forSeconds: -300 }, "forSeconds must be a whole number of seconds from 1 to 86400 (got -300)"],
  [
    { unit: "widgets" },
    'unit must be one of "percent", "milliseconds", "seconds", "hours", "days", "count", "status" (got "widgets")',
  ],
  [{ comparison: "equals" }, 'comparison must be one of "above", "below" (got "equals")'],
  [
    { channels: ["email", "pager"] },
    'channels[1] must be one of "log", "webhook", "email", "slack", "sms" (got "pager")',
  ],
  [
    { promql: "" },
    'promql must be a PromQL expression (1 to 2000 characters on one line) (got "")',
  ],
  [
    { summary: "two\nlines" },
    'summary must be a one-line summary (1 to 200 characters on one line) (got "two\\nlines")',
  ],
  [
    { query: "x" },
    'query is not a known key (known: summary, comparison, threshold, unit, forSeconds, severity, channels, runbook, promql, cloudwatch) (got "x")',
  ],
  [
    { cloudwatch: { metric: { namespace: "Webstack/App", stat: "Maximum" } } },
    "cloudwatch.metric.metricName is required and must be a CloudWatch metric name (1 to 255 characters on one line)",
  ],
  [
    { cloudwatch: { expression: "100 * m" } },
    'cloudwatch must be either { metric } or { expression, metrics } (got {"expression":"100 * m"})',
  ],
  [
    { cloudwatch: { expression: "100 * m", metrcs: { m: metric } } },
    'cloudwatch.metrcs is not a known key (known: metric, expression, metrics); did you mean "metrics"? (got {"m":{"namespace":"Webstack/App","metricName":"PdfQueueSize","stat":"Maximum"}})',
  ],
  [
    { cloudwatch: { expression: "100 * m", series: { m: metric } } },
    'cloudwatch.series is not a known key (known: metric, expression, metrics) (got {"m":{"namespace":"Webstack/App","metricName":"PdfQueueSize","stat":"Maximum"}})',
  ],
  [
    { cloudwatch: { expression: "100 * m", metrics: { M: metric } } },
    'cloudwatch.metrics.M must be an id starting with a lower-case letter (got "M")',
  ],
])("an application alarm with %j is refused", (change, message) => {
  expect(problems("test", { extra: { PdfQueueBacklog: { ...base, ...change } } })).toEqual([
    `${KEY}.extra.PdfQueueBacklog.${message}`,
  ]);
});

test("prod's own application alarms pass the schema and the catalog", () => {
  expect(problems("prod", {})).toEqual([]);
});
