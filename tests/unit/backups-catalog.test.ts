// The backup catalog against docs/requirements.md §5 (schedules, retention, verification), the
// AWS Backup plan rules derived from it, and the checks on a stack's changes: bad cron, retention
// shorter than the schedule's interval, and anything looser than the catalog.
import {
  awsBackupRules,
  BACKUP_TIERS,
  BACKUP_VERIFICATION,
  BackupKind,
  mergeBackupTiers,
  uploadsBackupRule,
} from "../../components/catalog/backups";

describe("backup catalog", () => {
  // docs/requirements.md §5: what, when (UTC cron), kept (days).
  test.each([
    ["mysql-full", "0 2 * * *", 30],
    ["mysql-binlog", "15 * * * *", 7],
    ["files", "0 3 * * *", 90],
    ["config", "0 4 * * 0", 365],
    ["redis", "30 2 * * *", 7],
  ] as Array<[BackupKind, string, number]>)(
    "%s runs %s and is kept %d days",
    (kind, schedule, days) => {
      expect(BACKUP_TIERS[kind]).toMatchObject({ schedule, retentionDays: days });
    },
  );

  test("full dumps also keep Sundays for 4 weeks and the 1st of each month for 12 months", () => {
    expect(BACKUP_TIERS["mysql-full"].weekly).toEqual({ dayOfWeek: 0, retentionDays: 28 });
    expect(BACKUP_TIERS["mysql-full"].monthly).toEqual({ dayOfMonth: 1, retentionDays: 365 });
  });

  test("verification: a weekly restore test and a monthly drill", () => {
    expect(BACKUP_VERIFICATION.restoreTestSchedule).toBe("0 5 * * 0");
    expect(BACKUP_VERIFICATION.restoreDrill.every).toBe("month");
  });

  test("every catalog tier meets its own rules: restating each changes nothing", () => {
    const restated = Object.fromEntries(
      Object.entries(BACKUP_TIERS).map(([kind, t]) => [
        kind,
        { schedule: t.schedule, retentionDays: t.retentionDays },
      ]),
    );
    expect(mergeBackupTiers(BACKUP_TIERS, restated)).toEqual(BACKUP_TIERS);
  });

  test("AWS Backup gets daily 30 d, weekly 4 weeks, monthly 12 months and 7 d of PITR", () => {
    expect(awsBackupRules(BACKUP_TIERS)).toEqual([
      {
        ruleName: "daily",
        schedule: "cron(0 2 * * ? *)",
        deleteAfterDays: 30,
        enableContinuousBackup: false,
      },
      {
        ruleName: "weekly",
        schedule: "cron(0 2 ? * SUN *)",
        deleteAfterDays: 28,
        enableContinuousBackup: false,
      },
      {
        ruleName: "monthly",
        schedule: "cron(0 2 1 * ? *)",
        deleteAfterDays: 365,
        enableContinuousBackup: false,
      },
      {
        ruleName: "continuous",
        schedule: "cron(0 2 * * ? *)",
        deleteAfterDays: 7,
        enableContinuousBackup: true,
      },
    ]);
  });

  test("uploads follow the files tier, also when a stack keeps them longer", () => {
    expect(uploadsBackupRule(BACKUP_TIERS)).toEqual({
      ruleName: "files",
      schedule: "cron(0 3 * * ? *)",
      deleteAfterDays: 90,
      enableContinuousBackup: false,
    });
    const longer = mergeBackupTiers(BACKUP_TIERS, { files: { retentionDays: 180 } });
    expect(uploadsBackupRule(longer).deleteAfterDays).toBe(180);
  });
});

describe("validating and merging backup tiers", () => {
  test("a stack may back up more often and keep backups longer", () => {
    const merged = mergeBackupTiers(BACKUP_TIERS, {
      files: { schedule: "0 */12 * * *", retentionDays: 180 },
      "mysql-binlog": { schedule: "*/30 * * * *" },
    });
    expect(merged.files).toMatchObject({ schedule: "0 */12 * * *", retentionDays: 180 });
    expect(merged["mysql-binlog"]).toMatchObject({ schedule: "*/30 * * * *", retentionDays: 7 });
    expect(merged["mysql-full"]).toBe(BACKUP_TIERS["mysql-full"]);
  });

  test.each([
    [
      { config: { retentionDays: 3 } },
      'backups.config.retentionDays must be at least 7 days, the longest interval of its schedule "0 4 * * 0" (7 days) (got 3)',
    ],
    [
      { files: { retentionDays: 0 } },
      'backups.files.retentionDays must be at least 1 day, the longest interval of its schedule "0 3 * * *" (1 day) (got 0)',
    ],
    [
      { files: { schedule: "0 3 * * * *" } },
      'backups.files.schedule must be a cron expression with 5 fields (minute hour day-of-month month day-of-week) of numbers, names, *, ranges, lists and steps (got "0 3 * * * *")',
    ],
    [
      { files: { schedule: "0 25 * * *" } },
      'backups.files.schedule must be a valid cron expression: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 0-7 or SUN-SAT, a range running upwards, a step above 0 (got "0 25 * * *")',
    ],
    [
      { "mysql-full": { retentionDays: 7 } },
      "backups.mysql-full.retentionDays must be at least 30, the catalog floor: a stack may keep backups longer, never shorter (got 7)",
    ],
    [
      { "mysql-full": { schedule: "0 2 * * 0", retentionDays: 30 } },
      'backups.mysql-full.schedule must run at least every 1 day like the catalog\'s "0 2 * * *": a stack may back up more often, never less (got "0 2 * * 0")',
    ],
  ])("refuses %j", (overrides, message) => {
    expect(() => mergeBackupTiers(BACKUP_TIERS, overrides)).toThrow(message);
  });
});
