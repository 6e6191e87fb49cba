// The alarm catalog against docs/requirements.md §6 (thresholds, durations, severities) and §1
// (who is notified in each environment), spelled out here so a changed number fails a test.
import {
  ALARM_CATALOG,
  ALARM_FLOORS,
  TIERS,
  alarmSummary,
  CatalogAlarm,
  CHANNELS_BY_SEVERITY,
  NOTIFY_FLOOR,
} from "../../components/catalog/alarms";

function alarm(name: string): CatalogAlarm {
  const found = ALARM_CATALOG.find((a) => a.name === name);
  if (!found) throw new Error(`catalog has no ${name}`);
  return found;
}

describe("alarm catalog", () => {
  // name, comparison, threshold, unit, for (s), severity — docs/requirements.md §6.
  test.each([
    ["HostCpuHigh", "above", 80, "percent", 300, "warning"],
    ["HostMemoryHigh", "above", 85, "percent", 300, "warning"],
    ["DiskSpaceCritical", "above", 90, "percent", 60, "critical"],
    ["ServiceDown", "below", 100, "percent", 60, "critical"],
    ["LatencyP95High", "above", 1000, "milliseconds", 300, "warning"],
    ["BackendSlow", "above", 2, "seconds", 300, "warning"],
    ["ErrorRateHigh", "above", 5, "percent", 120, "critical"],
    ["AvailabilityLow", "below", 99, "percent", 60, "critical"],
    ["DbConnectionsHigh", "above", 80, "percent", 300, "warning"],
    ["ReplicaLagWarning", "above", 30, "seconds", 300, "warning"],
    ["ReplicaLagCritical", "above", 300, "seconds", 300, "critical"],
    ["RedisMemoryHigh", "above", 85, "percent", 300, "warning"],
    ["CertificateExpiringWarning", "below", 30, "days", 0, "warning"],
    ["CertificateExpiringCritical", "below", 7, "days", 0, "critical"],
    ["BackupFailed", "below", 1, "status", 0, "critical"],
    ["BackupStale", "above", 26, "hours", 0, "critical"],
  ])(
    "%s fires %s %d %s after %d s as %s",
    (name, comparison, threshold, unit, forSeconds, severity) => {
      expect(alarm(name)).toMatchObject({ comparison, threshold, unit, forSeconds, severity });
    },
  );

  test("holds the sixteen alert names of §6 and the three fault alarms, once each", () => {
    expect(ALARM_CATALOG.map((a) => a.name).sort()).toEqual(
      [
        "AvailabilityLow",
        "BackendSlow",
        "BackupFailed",
        "BackupStale",
        "CertificateExpiringCritical",
        "CertificateExpiringWarning",
        "DbConnectionsHigh",
        "DiskSpaceCritical",
        "ErrorRateHigh",
        "HostCpuHigh",
        "HostMemoryHigh",
        "LatencyP95High",
        "MysqlDown",
        "RedisDown",
        "RedisMemoryHigh",
        "ReplicationBroken",
        "ReplicaLagCritical",
        "ReplicaLagWarning",
        "ServiceDown",
      ].sort(),
    );
  });

  test("critical alarms page by email, slack and sms; warnings by email and slack", () => {
    expect(CHANNELS_BY_SEVERITY).toEqual({
      critical: ["email", "slack", "sms"],
      warning: ["email", "slack"],
    });
  });

  test.each([
    ["dev", [], []],
    ["test", ["email"], ["email"]],
    ["staging", ["email", "slack"], ["email", "slack"]],
    ["prod", ["email", "slack"], ["email", "slack", "sms"]],
  ] as const)(
    "%s must notify warnings at least by %j and criticals by %j",
    (tier, warning, critical) => {
      expect(NOTIFY_FLOOR[tier]).toEqual({ warning, critical });
    },
  );

  test("every alarm links its runbook section by its lower-cased name", () => {
    for (const a of ALARM_CATALOG) {
      expect(a.runbook).toBe(`docs/operations.md#${a.name.toLowerCase()}`);
    }
  });

  test.each([
    ["HostCpuHigh", "Host CPU above 80 % for 5 minutes"],
    ["DiskSpaceCritical", "Disk more than 90 % used for 1 minute"],
    ["ErrorRateHigh", "More than 5 % of requests answered 5xx for 2 minutes"],
    ["LatencyP95High", "p95 latency above 1000 ms for 5 minutes"],
    ["CertificateExpiringCritical", "TLS certificate expires in less than 7 days"],
    ["BackupStale", "No successful backup for more than 26 h"],
  ])("%s reads %j in notifications", (name, summary) => {
    expect(alarmSummary(alarm(name))).toBe(summary);
  });

  test("the summary follows a tightened threshold and duration", () => {
    expect(alarmSummary({ ...alarm("HostCpuHigh"), threshold: 70, forSeconds: 120 })).toBe(
      "Host CPU above 70 % for 2 minutes",
    );
  });

  test("the catalog is the floor of every tier", () => {
    for (const tier of TIERS) expect(ALARM_FLOORS[tier]).toBe(ALARM_CATALOG);
  });
});
