// Alarms a stack runs beyond the catalog defaults: tightened catalog alarms and application
// alarms, both as data. The shape is checked here; what the values may be (a metric's range, only
// stricter than the catalog floor, a PromQL source, a CloudWatch source on AWS) is checked by the
// catalog's mergeAlarms in rules.ts, so there is one source for every message.
import { z } from "zod";
import { boolean, pinnedImage, section } from "../fields";

const alarmMap = z.record(z.string(), z.unknown(), {
  error: "must be a map of alarm names to settings",
});

const common = {
  overrides: alarmMap
    .default({})
    .describe(
      "Catalog alarms to tighten, by name: { threshold, forSeconds, severity }, never looser than the catalog (docs/operations-catalog.md).",
    ),
  extra: alarmMap
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
            .default("prom/mysqld-exporter:v0.15.1")
            .describe("mysqld_exporter, one per MySQL server."),
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
