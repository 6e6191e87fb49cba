// Alarm and backup settings in stack config, and who is notified: every bad value the issue lists
// is refused with one exact line naming the stack file, the full key, what is allowed and the
// value — checked by the catalog's own merge functions, reported with every other problem.
import { ConfigError, parseStackConfig } from "../../../components/config";
import { configObject, stackConfig, withConfig } from "../../support/program";

const TODAY = "2026-11-22";
const LOOSEN = "the catalog floor: a stack may tighten an alarm, never loosen it";

function problemsFor(
  stack: string,
  changes: Record<string, unknown>,
  secretKeys: string[] = [],
): string[] {
  const config = withConfig(stackConfig(stack), changes, secretKeys);
  try {
    parseStackConfig(
      {
        project: "webstack",
        stack,
        values: config.values,
        secretKeys: new Set(config.secretKeys),
      },
      TODAY,
    );
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

const overrides = (stack: string, value: Record<string, unknown>) => ({
  "webstack:alarms": { ...configObject(stackConfig(stack), "webstack:alarms"), overrides: value },
});
const extra = (value: Record<string, unknown>) => ({
  "webstack:alarms": { extra: value },
});
const backups = (value: Record<string, unknown>) => ({ "webstack:backups": value });
const routes = (stack: string, value: Record<string, unknown>) => ({
  "webstack:alerts": { ...configObject(stackConfig(stack), "webstack:alerts"), routes: value },
});

const PDF_QUEUE = {
  summary: "More than {threshold} PDFs waiting for {for}",
  comparison: "above",
  threshold: 50,
  unit: "count",
  forSeconds: 300,
  severity: "warning",
  promql: "max(pdf_queue_size)",
};

describe("alarms: tighten, never loosen; values within the metric's range", () => {
  test.each([
    [
      "a CPU threshold of 150 %",
      "prod",
      overrides("prod", { HostCpuHigh: { threshold: 150 } }),
      "Pulumi.prod.yaml: webstack:alarms.overrides.HostCpuHigh.threshold must be a percent from 0 to 100 (got 150)",
    ],
    [
      "a CPU threshold above the catalog's",
      "prod",
      overrides("prod", { HostCpuHigh: { threshold: 95 } }),
      `Pulumi.prod.yaml: webstack:alarms.overrides.HostCpuHigh.threshold must be at most 80 (percent), ${LOOSEN} (got 95)`,
    ],
    [
      "an availability threshold below the catalog's",
      "staging",
      overrides("staging", { AvailabilityLow: { threshold: 90 } }),
      `Pulumi.staging.yaml: webstack:alarms.overrides.AvailabilityLow.threshold must be at least 99 (percent), ${LOOSEN} (got 90)`,
    ],
    [
      "a zero duration",
      "test",
      overrides("test", { ErrorRateHigh: { forSeconds: 0 } }),
      "Pulumi.test.yaml: webstack:alarms.overrides.ErrorRateHigh.forSeconds must be a whole number of seconds from 1 to 86400 (got 0)",
    ],
    [
      "a negative duration",
      "dev",
      overrides("dev", { HostMemoryHigh: { forSeconds: -60 } }),
      "Pulumi.dev.yaml: webstack:alarms.overrides.HostMemoryHigh.forSeconds must be a whole number of seconds from 1 to 86400 (got -60)",
    ],
    [
      "a longer duration",
      "prod",
      overrides("prod", { ErrorRateHigh: { forSeconds: 600 } }),
      `Pulumi.prod.yaml: webstack:alarms.overrides.ErrorRateHigh.forSeconds must be at most 120 seconds, ${LOOSEN} (got 600)`,
    ],
    [
      "a severity that does not exist",
      "prod",
      overrides("prod", { HostCpuHigh: { severity: "fatal" } }),
      'Pulumi.prod.yaml: webstack:alarms.overrides.HostCpuHigh.severity must be one of "warning", "critical" (got "fatal")',
    ],
    [
      "a critical alarm lowered to warning",
      "prod",
      overrides("prod", { DiskSpaceCritical: { severity: "warning" } }),
      `Pulumi.prod.yaml: webstack:alarms.overrides.DiskSpaceCritical.severity must be "critical", ${LOOSEN} (got "warning")`,
    ],
    [
      "an alarm the catalog does not have",
      "prod",
      overrides("prod", { HostCpuHot: { threshold: 70 } }),
      "Pulumi.prod.yaml: webstack:alarms.overrides.HostCpuHot is not a catalog alarm (known: HostCpuHigh, HostMemoryHigh, DiskSpaceCritical, ServiceDown, LatencyP95High, BackendSlow, ErrorRateHigh, AvailabilityLow, DbConnectionsHigh, ReplicaLagWarning, ReplicaLagCritical, ReplicationBroken, MysqlDown, RedisDown, RedisMemoryHigh, CertificateExpiringWarning, CertificateExpiringCritical, BackupFailed, BackupStale)",
    ],
    [
      "a setting an override cannot change",
      "prod",
      overrides("prod", { HostCpuHigh: { channels: ["email"] } }),
      'Pulumi.prod.yaml: webstack:alarms.overrides.HostCpuHigh.channels is not a known key (known: threshold, forSeconds, severity) (got ["email"])',
    ],
    [
      "an application alarm with a channel that does not exist",
      "test",
      extra({ PdfQueueBacklog: { ...PDF_QUEUE, channels: ["email", "pager"] } }),
      'Pulumi.test.yaml: webstack:alarms.extra.PdfQueueBacklog.channels[1] must be one of "log", "webhook", "email", "slack", "sms" (got "pager")',
    ],
    [
      "an application alarm with an unknown severity",
      "test",
      extra({ PdfQueueBacklog: { ...PDF_QUEUE, severity: "page" } }),
      'Pulumi.test.yaml: webstack:alarms.extra.PdfQueueBacklog.severity must be one of "warning", "critical" (got "page")',
    ],
    [
      "an application alarm on AWS without a CloudWatch source",
      "staging",
      extra({ PdfQueueBacklog: PDF_QUEUE }),
      "Pulumi.staging.yaml: webstack:alarms.extra.PdfQueueBacklog.cloudwatch must be set on an AWS stack: the metric (or metric math) CloudWatch alarms on",
    ],
    [
      "an application alarm named like a catalog alarm",
      "test",
      extra({ HostCpuHigh: PDF_QUEUE }),
      'Pulumi.test.yaml: webstack:alarms.extra.HostCpuHigh must be a name the catalog does not use (got "HostCpuHigh")',
    ],
    [
      "overrides that are not a map",
      "prod",
      overrides("prod", ["HostCpuHigh"] as unknown as Record<string, unknown>),
      'Pulumi.prod.yaml: webstack:alarms.overrides must be a map of alarm names to settings (got ["HostCpuHigh"])',
    ],
    [
      "an unpinned Prometheus image",
      "dev",
      { "webstack:alarms": { images: { prometheus: "prom/prometheus:latest" } } },
      'Pulumi.dev.yaml: webstack:alarms.images.prometheus must be a valid image reference pinned to a version tag or digest, e.g. "mysql:8.4.4" (never "latest" or no tag) (got "prom/prometheus:latest")',
    ],
    [
      "a redis_exporter image without wget for its health check",
      "test",
      { "webstack:alarms": { images: { redisExporter: "oliver006/redis_exporter:v1.62.0" } } },
      'Pulumi.test.yaml: webstack:alarms.images.redisExporter must be an -alpine tag, e.g. "oliver006/redis_exporter:v1.62.0-alpine": the health check runs wget, which the scratch images lack (got "oliver006/redis_exporter:v1.62.0")',
    ],
    [
      "monitoring images on AWS",
      "prod",
      {
        "webstack:alarms": {
          ...configObject(stackConfig("prod"), "webstack:alarms"),
          images: { prometheus: "prom/prometheus:v2.53.4" },
        },
      },
      'Pulumi.prod.yaml: webstack:alarms.images applies only to target "docker" (this stack\'s target is "aws") (got {"prometheus":"prom/prometheus:v2.53.4"})',
    ],
  ])("%s", (_, stack, changes, message) => {
    expect(problemsFor(stack, changes)).toEqual([message]);
  });

  test("a stack may tighten catalog alarms and add application alarms", () => {
    expect(
      problemsFor("prod", {
        ...overrides("prod", {
          HostCpuHigh: { threshold: 70, forSeconds: 180 },
          HostMemoryHigh: { severity: "critical" },
        }),
      }),
    ).toEqual([]);
    expect(problemsFor("dev", extra({ PdfQueueBacklog: PDF_QUEUE }))).toEqual([]);
  });
});

describe("backups: run more often, keep longer, never less", () => {
  test.each([
    [
      "an invalid cron expression",
      "test",
      backups({ files: { schedule: "0 25 * * *" } }),
      'Pulumi.test.yaml: webstack:backups.files.schedule must be a valid cron expression: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 0-7 or SUN-SAT, a range running upwards, a step above 0 (got "0 25 * * *")',
    ],
    [
      "a cron expression with four fields",
      "dev",
      backups({ redis: { schedule: "30 2 * *" } }),
      'Pulumi.dev.yaml: webstack:backups.redis.schedule must be a cron expression with 5 fields (minute hour day-of-month month day-of-week) of numbers, names, *, ranges, lists and steps (got "30 2 * *")',
    ],
    [
      "retention shorter than the schedule's interval",
      "test",
      backups({ config: { retentionDays: 3 } }),
      'Pulumi.test.yaml: webstack:backups.config.retentionDays must be at least 7 days, the longest interval of its schedule "0 4 * * 0" (7 days) (got 3)',
    ],
    [
      "retention below the catalog",
      "prod",
      backups({ "mysql-full": { retentionDays: 7 } }),
      "Pulumi.prod.yaml: webstack:backups.mysql-full.retentionDays must be at least 30, the catalog floor: a stack may keep backups longer, never shorter (got 7)",
    ],
    [
      "a schedule that runs less often than the catalog's",
      "staging",
      backups({ "mysql-binlog": { schedule: "0 */2 * * *" } }),
      'Pulumi.staging.yaml: webstack:backups.mysql-binlog.schedule must run at least every 1 hour like the catalog\'s "15 * * * *": a stack may back up more often, never less (got "0 */2 * * *")',
    ],
    [
      "a full-dump schedule AWS Backup cannot express",
      "prod",
      backups({ "mysql-full": { schedule: "0 2 1-31 * 0-6" } }),
      'Pulumi.prod.yaml: webstack:backups.mysql-full.schedule must leave day-of-month or day-of-week as "*" to run on AWS (got "0 2 1-31 * 0-6")',
    ],
    [
      "a tier that does not exist",
      "dev",
      backups({ "mysql-ful": { retentionDays: 60 } }),
      'Pulumi.dev.yaml: webstack:backups.mysql-ful is not a known key (known: mysql-full, mysql-binlog, files, config, redis); did you mean "mysql-full"? (got {"retentionDays":60})',
    ],
    [
      "retention as text",
      "dev",
      backups({ files: { retentionDays: "ninety" } }),
      'Pulumi.dev.yaml: webstack:backups.files.retentionDays must be an integer from 1 to 36500 (got "ninety")',
    ],
    [
      "ElastiCache keeping snapshots shorter than the Redis tier",
      "prod",
      backups({ redis: { retentionDays: 14 } }),
      "Pulumi.prod.yaml: webstack:redis.snapshotRetentionDays must be at least 14, the retention of backups.redis (got 7)",
    ],
  ])("%s", (_, stack, changes, message) => {
    expect(problemsFor(stack, changes)).toEqual([message]);
  });

  test("a stack may back up more often and keep backups longer", () => {
    expect(
      problemsFor(
        "test",
        backups({ "mysql-full": { schedule: "0 */12 * * *", retentionDays: 60 } }),
      ),
    ).toEqual([]);
  });
});

describe("who is notified: the stack's routes, never below the tier's floor", () => {
  test.each([
    [
      "prod critical alarms without sms",
      "prod",
      routes("prod", { warning: ["email", "slack"], critical: ["email", "slack"] }),
      'Pulumi.prod.yaml: webstack:alerts.routes.critical must include "sms": prod critical alarms reach at least email, slack, sms (docs/requirements.md §1) (got ["email","slack"])',
    ],
    [
      "staging warnings by email only",
      "staging",
      routes("staging", { warning: ["email"], critical: ["email", "slack"] }),
      'Pulumi.staging.yaml: webstack:alerts.routes.warning must include "slack": staging warning alarms reach at least email, slack (docs/requirements.md §1) (got ["email"])',
    ],
    [
      "test alarms only in a log",
      "test",
      routes("test", { warning: ["log"], critical: ["email"] }),
      'Pulumi.test.yaml: webstack:alerts.routes.warning must include "email": test warning alarms reach at least email (docs/requirements.md §1) (got ["log"])',
    ],
    [
      "a channel that does not exist",
      "dev",
      routes("dev", { warning: ["log"], critical: ["pager"] }),
      'Pulumi.dev.yaml: webstack:alerts.routes.critical[0] must be one of "log", "webhook", "email", "slack", "sms" (got "pager")',
    ],
    [
      "an SMTP user without its password",
      "test",
      {
        "webstack:alerts": {
          ...configObject(stackConfig("test"), "webstack:alerts"),
          email: { to: ["ops@labelmedix.com"], username: "alerts" },
        },
      },
      'Pulumi.test.yaml: webstack:alerts.email.username needs the smtpPassword secret ("pulumi config set --secret smtpPassword <value>") (got "alerts")',
    ],
  ])("%s", (_, stack, changes, message) => {
    expect(problemsFor(stack, changes)).toEqual([message]);
  });

  test("dev may route to a webhook instead of the log", () => {
    expect(
      problemsFor(
        "dev",
        {
          ...routes("dev", { warning: ["webhook"], critical: ["webhook", "log"] }),
          "webstack:alertWebhookUrl": "https://hooks.example.com/webstack-dev",
        },
        ["webstack:alertWebhookUrl"],
      ),
    ).toEqual([]);
  });

  test("a dead man's switch URL is taken on Docker, kept secret", () => {
    const url = { "webstack:deadMansSwitchUrl": "https://hc-ping.com/0f1e2d3c-dev" };
    expect(problemsFor("dev", url, ["webstack:deadMansSwitchUrl"])).toEqual([]);
    expect(problemsFor("dev", url)).toEqual([
      'Pulumi.dev.yaml: webstack:deadMansSwitchUrl must be stored encrypted: run "pulumi config set --secret deadMansSwitchUrl <value>" (got "[plain text withheld]")',
    ]);
  });

  test("a dead man's switch URL is refused on AWS, which has no Watchdog to post", () => {
    expect(
      problemsFor("prod", { "webstack:deadMansSwitchUrl": "https://hc-ping.com/0f1e2d3c-prod" }, [
        "webstack:deadMansSwitchUrl",
      ]),
    ).toEqual([
      'Pulumi.prod.yaml: webstack:deadMansSwitchUrl applies only to target "docker" (this stack\'s target is "aws") (got "[secret withheld]")',
    ]);
  });
});

test("operations problems arrive in the one error, with every other problem of the file", () => {
  const problems = problemsFor("prod", {
    ...overrides("prod", { HostCpuHigh: { threshold: 150 }, ErrorRateHigh: { forSeconds: 600 } }),
    ...backups({ config: { retentionDays: 3 } }),
    "webstack:mysql": { ...configObject(stackConfig("prod"), "webstack:mysql"), replicas: -1 },
  });
  expect(problems).toEqual([
    "Pulumi.prod.yaml: webstack:mysql.replicas must be an integer from 0 to 5 (got -1)",
  ]);
  // Schema problems come first; the catalog checks run once every key has its type.
  const cross = problemsFor("prod", {
    ...overrides("prod", { HostCpuHigh: { threshold: 150 }, ErrorRateHigh: { forSeconds: 600 } }),
    ...backups({ config: { retentionDays: 3 } }),
    "webstack:mysql": { ...configObject(stackConfig("prod"), "webstack:mysql"), replicas: 0 },
  });
  expect(cross).toEqual([
    "Pulumi.prod.yaml: webstack:mysql.replicas must be at least 1 in prod (read replica floor) (got 0)",
    "Pulumi.prod.yaml: webstack:alarms.overrides.HostCpuHigh.threshold must be a percent from 0 to 100 (got 150)",
    `Pulumi.prod.yaml: webstack:alarms.overrides.ErrorRateHigh.forSeconds must be at most 120 seconds, ${LOOSEN} (got 600)`,
    'Pulumi.prod.yaml: webstack:backups.config.retentionDays must be at least 7 days, the longest interval of its schedule "0 4 * * 0" (7 days) (got 3)',
  ]);
});
