// mergeAlarms: a stack may tighten a catalog alarm and declare application alarms as data, and
// every way of loosening a default or giving a value outside its unit's range is refused with a
// message that names the config key, the value and what is allowed. (The shape of each entry is
// config's schema: tests/unit/config/alarms.test.ts.)
import {
  ALARM_CATALOG,
  AlarmOverride,
  AlarmRule,
  AppAlarmInput,
  mergeAlarms,
} from "../../components/catalog/alarms";
import { PROD_APP_ALARMS } from "../support/operations";

function merged(name: string, rules: readonly AlarmRule[]): AlarmRule {
  const found = rules.find((a) => a.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}

const LOOSEN = "the catalog floor: a stack may tighten an alarm, never loosen it";

describe("mergeAlarms", () => {
  test("without overrides or extras the stack runs the catalog", () => {
    expect(mergeAlarms(ALARM_CATALOG)).toEqual(ALARM_CATALOG);
  });

  test.each<[string, AlarmOverride, object]>([
    ["HostCpuHigh", { threshold: 70 }, { threshold: 70, forSeconds: 300, severity: "warning" }],
    ["HostCpuHigh", { forSeconds: 120 }, { threshold: 80, forSeconds: 120, severity: "warning" }],
    ["AvailabilityLow", { threshold: 99.9 }, { threshold: 99.9, severity: "critical" }],
    ["CertificateExpiringWarning", { threshold: 45 }, { threshold: 45, forSeconds: 0 }],
    ["ReplicaLagWarning", { threshold: 30, forSeconds: 300 }, { threshold: 30, forSeconds: 300 }],
  ])("tightening %s with %j gives %j", (name, override, expected) => {
    expect(merged(name, mergeAlarms(ALARM_CATALOG, { [name]: override }))).toMatchObject(expected);
  });

  test("a warning may be raised to critical", () => {
    const rule = merged(
      "HostMemoryHigh",
      mergeAlarms(ALARM_CATALOG, { HostMemoryHigh: { severity: "critical" } }),
    );
    expect(rule.severity).toBe("critical");
  });

  test.each<[string, AlarmOverride, string]>([
    [
      "HostCpuHigh",
      { threshold: 90 },
      `alarms.overrides.HostCpuHigh.threshold must be at most 80 (percent), ${LOOSEN} (got 90)`,
    ],
    [
      "AvailabilityLow",
      { threshold: 95 },
      `alarms.overrides.AvailabilityLow.threshold must be at least 99 (percent), ${LOOSEN} (got 95)`,
    ],
    [
      "CertificateExpiringCritical",
      { threshold: 3 },
      `alarms.overrides.CertificateExpiringCritical.threshold must be at least 7 (days), ${LOOSEN} (got 3)`,
    ],
    [
      "ErrorRateHigh",
      { forSeconds: 600 },
      `alarms.overrides.ErrorRateHigh.forSeconds must be at most 120 seconds, ${LOOSEN} (got 600)`,
    ],
    [
      "BackupStale",
      { forSeconds: 60 },
      `alarms.overrides.BackupStale.forSeconds must be at most 0 seconds, ${LOOSEN} (got 60)`,
    ],
    [
      "DiskSpaceCritical",
      { severity: "warning" },
      `alarms.overrides.DiskSpaceCritical.severity must be "critical", ${LOOSEN} (got "warning")`,
    ],
  ])("loosening %s with %j is refused", (name, override, message) => {
    expect(() => mergeAlarms(ALARM_CATALOG, { [name]: override })).toThrow(message);
  });

  test.each<[Record<string, AlarmOverride>, string]>([
    [
      { HostCpuHigh: { threshold: 150 } },
      "alarms.overrides.HostCpuHigh.threshold must be a percent from 0 to 100 (got 150)",
    ],
    [
      { HostCpuHigh: { threshold: -5 } },
      "alarms.overrides.HostCpuHigh.threshold must be a percent from 0 to 100 (got -5)",
    ],
    [
      { ReplicaLagWarning: { threshold: 100_000 } },
      "alarms.overrides.ReplicaLagWarning.threshold must be a number of seconds from 0 to 86400 (got 100000)",
    ],
    [
      { CpuHigh: { threshold: 70 } },
      "alarms.overrides.CpuHigh is not a catalog alarm (known: HostCpuHigh, ",
    ],
  ])("refuses %j", (overrides, message) => {
    expect(() => mergeAlarms(ALARM_CATALOG, overrides)).toThrow(message);
  });

  test("names the caller's config key", () => {
    expect(() =>
      mergeAlarms(ALARM_CATALOG, { HostCpuHigh: { threshold: 95 } }, {}, "webstack:alarms"),
    ).toThrow(/^webstack:alarms\.overrides\.HostCpuHigh\.threshold must be at most 80/);
  });
});

describe("application alarms declared as data", () => {
  const prod = mergeAlarms(ALARM_CATALOG, {}, PROD_APP_ALARMS);

  // Seed 000 §5.2.
  test.each([
    ["PdfGenerationFailing", "below", 95, "percent", 300, "critical"],
    ["PdfGenerationSlow", "above", 120, "seconds", 600, "warning"],
    ["PdfQueueBacklog", "above", 50, "count", 300, "warning"],
  ])("%s: %s %d %s for %d s, %s", (name, comparison, threshold, unit, forSeconds, severity) => {
    expect(merged(name, prod)).toMatchObject({
      metric: "app",
      comparison,
      threshold,
      unit,
      forSeconds,
      severity,
    });
  });

  test("app alarms come after every catalog alarm and keep their PromQL", () => {
    expect(prod.slice(0, ALARM_CATALOG.length)).toEqual(ALARM_CATALOG);
    expect(merged("PdfQueueBacklog", prod).app?.promql).toBe("max(pdf_queue_size)");
    expect(merged("PdfQueueBacklog", prod).runbook).toBe("docs/operations.md#pdfqueuebacklog");
  });

  const base = PROD_APP_ALARMS.PdfQueueBacklog;
  test.each<[AppAlarmInput, string]>([
    [
      { ...base, unit: "percent", threshold: 150 },
      "alarms.extra.Pdf.threshold must be a percent from 0 to 100 (got 150)",
    ],
    [
      { ...base, channels: ["email"] },
      'alarms.extra.Pdf.channels must be email, slack for a warning alarm (routing is by severity) (got "email")',
    ],
  ])("refuses %j", (input, message) => {
    expect(() => mergeAlarms(ALARM_CATALOG, {}, { Pdf: input })).toThrow(message);
  });

  test("on AWS every application alarm needs its CloudWatch source; `value` is no metric id", () => {
    const noCloudWatch = { ...base, cloudwatch: undefined };
    expect(() =>
      mergeAlarms(ALARM_CATALOG, {}, { Pdf: noCloudWatch }, "webstack:alarms", "aws"),
    ).toThrow(
      "webstack:alarms.extra.Pdf.cloudwatch must be set on an AWS stack: the metric (or metric math) CloudWatch alarms on",
    );
    expect(mergeAlarms(ALARM_CATALOG, {}, { Pdf: noCloudWatch })).toHaveLength(
      ALARM_CATALOG.length + 1,
    );
    const metric = { namespace: "Webstack/App", metricName: "Queue", stat: "Maximum" };
    const reserved = { ...base, cloudwatch: { expression: "value", metrics: { value: metric } } };
    expect(() => mergeAlarms(ALARM_CATALOG, {}, { Pdf: reserved })).toThrow(
      'alarms.extra.Pdf.cloudwatch.metrics.value: "value" is reserved',
    );
  });

  test.each([
    [
      "pdfBacklog",
      'alarms.extra.pdfBacklog must be named in PascalCase (3 to 64 letters or digits) (got "pdfBacklog")',
    ],
    [
      "HostCpuHigh",
      'alarms.extra.HostCpuHigh must be a name the catalog does not use (got "HostCpuHigh")',
    ],
    // A Docker self-health rule shares the rule file and Alertmanager's Watchdog route.
    ["Watchdog", 'alarms.extra.Watchdog must be a name the catalog does not use (got "Watchdog")'],
  ])("refuses the name %s", (name, message) => {
    expect(() => mergeAlarms(ALARM_CATALOG, {}, { [name]: base })).toThrow(message);
  });
});
