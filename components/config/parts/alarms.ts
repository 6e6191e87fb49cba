// Alarms a stack runs beyond the catalog defaults: tightened catalog alarms and application
// alarms, both as data. Their shape is checked here; what depends on the catalog (a threshold
// within its unit's range, only stricter than the catalog floor, a name the catalog does not use,
// a CloudWatch source on AWS) is checked by the catalog's mergeAlarms in rules.ts.
import { z } from "zod";
import { CHANNELS, COMPARISONS, SEVERITIES, UNITS } from "../../catalog/alarms";
import type { AppCloudWatchSource, Unit } from "../../catalog/alarms";
import { boolean, checked, oneOf, pinnedImage, section } from "../fields";

const number = () => z.number({ error: "must be a number" });

const seconds = () => {
  const error = "must be a whole number of seconds from 1 to 86400";
  return z.number({ error }).int({ error }).min(1, { error }).max(86_400, { error });
};

/** Text on one line, not blank. */
const text = (what: string, max: number) =>
  checked(
    (value) => value.trim() !== "" && value.length <= max && !/[\n\r]/.test(value),
    `${what} (1 to ${max} characters on one line)`,
  );

const cloudWatchMetric = z.strictObject(
  {
    namespace: text("a CloudWatch namespace", 255),
    metricName: text("a CloudWatch metric name", 255),
    stat: text("a CloudWatch statistic such as Average or p95", 50),
    dimensions: z.record(z.string(), text("a dimension value", 255)).optional(),
  },
  { error: "must be a CloudWatch metric map" },
);

/** One metric, or metric math over named metrics; the refinement makes it exactly one. */
const cloudWatch = z
  .strictObject(
    {
      metric: cloudWatchMetric.optional(),
      expression: text("a metric math expression", 1024).optional(),
      metrics: z
        .record(z.string(), cloudWatchMetric)
        .superRefine((metrics, context) => {
          for (const id of Object.keys(metrics).filter((id) => !/^[a-z]\w*$/.test(id))) {
            const message = "must be an id starting with a lower-case letter";
            context.addIssue({ code: "custom", path: [id], message, input: id });
          }
        })
        .optional(),
    },
    { error: "must be either { metric } or { expression, metrics }" },
  )
  .refine(
    (c) =>
      c.metric !== undefined
        ? c.expression === undefined && c.metrics === undefined
        : c.expression !== undefined && Object.keys(c.metrics ?? {}).length > 0,
    {
      error: "must be either { metric } or { expression, metrics }",
      // A misspelt key is the problem to report, not the pair it leaves incomplete.
      when: (payload) => payload.issues.length === 0,
    },
  )
  .transform((source) => source as AppCloudWatchSource);

const override = z.strictObject(
  {
    threshold: number().optional(),
    forSeconds: seconds().optional(),
    severity: oneOf(SEVERITIES).optional(),
  },
  { error: "must be a map of threshold, forSeconds and severity" },
);

const appAlarm = z.strictObject(
  {
    summary: text("a one-line summary", 200),
    comparison: oneOf(COMPARISONS),
    threshold: number(),
    unit: oneOf(Object.keys(UNITS) as [Unit, ...Unit[]]),
    forSeconds: seconds(),
    severity: oneOf(SEVERITIES),
    channels: z.array(oneOf(CHANNELS)).optional(),
    runbook: text("a link", 300).optional(),
    promql: text("a PromQL expression", 2000),
    cloudwatch: cloudWatch.optional(),
  },
  { error: "must be a map describing the alarm" },
);

const map = <T extends z.ZodType>(entry: T) =>
  z.record(z.string(), entry, { error: "must be a map of alarm names to settings" });

const common = {
  overrides: map(override)
    .default({})
    .describe(
      "Catalog alarms to tighten, by name: { threshold, forSeconds, severity }, never looser than the catalog (docs/operations-catalog.md).",
    ),
  extra: map(appAlarm)
    .default({})
    .describe(
      "Application alarms as data, by PascalCase name: { summary, comparison, threshold, unit, forSeconds, severity, promql, cloudwatch } (cloudwatch required on aws).",
    ),
};

export const alarmsSchema = {
  docker: section(
    {
      ...common,
      images: section(
        {
          prometheus: pinnedImage().default("prom/prometheus:v2.53.4").describe("Prometheus."),
          alertmanager: pinnedImage()
            .default("prom/alertmanager:v0.25.0")
            .describe("Alertmanager; 0.25 is what the rendered config is checked with (amtool)."),
          nodeExporter: pinnedImage()
            .default("prom/node-exporter:v1.8.2")
            .describe("node_exporter."),
          mysqldExporter: pinnedImage()
            .default("prom/mysqld-exporter:v0.18.0")
            .describe(
              "mysqld_exporter, one per MySQL server; 0.16+ reads MySQL 8.4's SHOW REPLICA STATUS.",
            ),
          redisExporter: pinnedImage()
            .refine((image) => /:[\w.-]*-alpine(@sha256:[a-f0-9]{64})?$/.test(image), {
              error:
                'must be an -alpine tag, e.g. "oliver006/redis_exporter:v1.62.0-alpine": the health check runs wget, which the scratch images lack',
            })
            .default("oliver006/redis_exporter:v1.62.0-alpine")
            .describe(
              "redis_exporter, one per Redis node; the -alpine variant has the wget its health check runs.",
            ),
          blackboxExporter: pinnedImage()
            .default("prom/blackbox-exporter:v0.25.0")
            .describe("blackbox_exporter for the health URL and its certificate."),
        },
        "Monitoring container images.",
      ),
      publishUi: boolean()
        .default(false)
        .describe(
          "Publish the Prometheus (9090) and Alertmanager (9093) UIs on 127.0.0.1 of the Docker host, never wider.",
        ),
    },
    "Alarm rules beyond the catalog, and the monitoring containers.",
  ),
  aws: section(common, "Alarm rules beyond the catalog (CloudWatch)."),
};
