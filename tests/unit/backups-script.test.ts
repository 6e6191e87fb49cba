// The backup job's rendered files as plain text: the crontab schedules every tier and the weekly
// restore test at the catalog's times, backup.sh carries the catalog's retention as defaults,
// and bad schedules are refused before anything ships.
import {
  renderBackupScript,
  renderCrontab,
  renderRestoreScript,
} from "../../components/backups/backup-script";
import { BACKUP_TIERS, mergeBackupTiers } from "../../components/catalog/backups";

describe("renderCrontab", () => {
  test("schedules every tier and the weekly restore test, in UTC", () => {
    const lines = renderCrontab()
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"));
    expect(lines).toEqual([
      "0 2 * * * /usr/local/bin/backup.sh mysql-full",
      "15 * * * * /usr/local/bin/backup.sh mysql-binlog",
      "0 3 * * * /usr/local/bin/backup.sh files",
      "0 4 * * 0 /usr/local/bin/backup.sh config",
      "30 2 * * * /usr/local/bin/backup.sh redis",
      "0 5 * * 0 /usr/local/bin/backup.sh restore-test",
    ]);
  });

  test("follows a stack's tiers, script path and the kinds it runs", () => {
    const tiers = mergeBackupTiers(BACKUP_TIERS, { files: { schedule: "0 */6 * * *" } });
    const text = renderCrontab(tiers, {
      scriptPath: "/opt/webstack/backup.sh",
      kinds: ["mysql-full", "files"],
    });
    expect(text).toContain("0 */6 * * * /opt/webstack/backup.sh files\n");
    expect(text).not.toContain(" redis\n");
    expect(text).toContain("0 5 * * 0 /opt/webstack/backup.sh restore-test\n");
  });

  test.each([
    [
      { restoreTestSchedule: "weekly" },
      "backups.restoreTestSchedule must be a cron expression with 5 fields",
    ],
    [
      { scriptPath: "backup.sh; rm -rf /" },
      'backups.scriptPath must be an absolute path (got "backup.sh; rm -rf /")',
    ],
  ])("refuses %j", (options, message) => {
    expect(() => renderCrontab(BACKUP_TIERS, options)).toThrow(message);
  });

  test("refuses tiers that fail validation", () => {
    const broken = { ...BACKUP_TIERS, config: { ...BACKUP_TIERS.config, retentionDays: 2 } };
    expect(() => renderCrontab(broken)).toThrow(
      'backups.config.retentionDays must be at least 7 days, the longest interval of its schedule "0 4 * * 0" (7 days) (got 2)',
    );
  });
});

describe("renderBackupScript and renderRestoreScript", () => {
  test("backup.sh defaults to the catalog's retention and GFS days", () => {
    const text = renderBackupScript();
    for (const line of [
      ': "${RETENTION_DAYS_MYSQL_FULL:=30}"',
      ': "${RETENTION_DAYS_MYSQL_BINLOG:=7}"',
      ': "${RETENTION_DAYS_FILES:=90}"',
      ': "${RETENTION_DAYS_CONFIG:=365}"',
      ': "${RETENTION_DAYS_REDIS:=7}"',
      ': "${WEEKLY_DAY_MYSQL_FULL:=0}"',
      ': "${WEEKLY_RETENTION_DAYS_MYSQL_FULL:=28}"',
      ': "${MONTHLY_DAY_MYSQL_FULL:=1}"',
      ': "${MONTHLY_RETENTION_DAYS_MYSQL_FULL:=365}"',
    ]) {
      expect(text).toContain(`${line}\n`);
    }
  });

  test("a stack's longer retention reaches the script", () => {
    const tiers = mergeBackupTiers(BACKUP_TIERS, { files: { retentionDays: 180 } });
    expect(renderBackupScript(tiers)).toContain(': "${RETENTION_DAYS_FILES:=180}"\n');
  });

  test("both scripts are whole: shared functions inlined, no template markers left", () => {
    for (const text of [renderBackupScript(), renderRestoreScript()]) {
      expect(text.startsWith("#!/usr/bin/env bash\n")).toBe(true);
      expect(text).toContain("write_client_options() {");
      expect(text).toContain("set -Eeuo pipefail");
      expect(text).not.toMatch(/# @@[A-Z]+@@/);
    }
  });
});
