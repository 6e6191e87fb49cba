// docs/operations-catalog.md shows operators the alarm and backup tables as shipped; this keeps
// those tables in step with the catalogs, so a changed number cannot leave the docs behind.
import * as fs from "node:fs";
import * as path from "node:path";
import { MONITORING_RULES } from "../../components/alarms/monitoring-rules";
import {
  ALARM_CATALOG,
  CHANNELS_BY_SEVERITY,
  describeDuration,
  Unit,
} from "../../components/catalog/alarms";
import { BACKUP_KINDS, BACKUP_TIERS } from "../../components/catalog/backups";

const doc = fs.readFileSync(path.join(__dirname, "../../docs/operations-catalog.md"), "utf8");
// Table rows as trimmed cells (Prettier pads the columns).
const rows = doc
  .split("\n")
  .filter((line) => line.startsWith("| "))
  .map((line) =>
    line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );

const SYMBOLS: Record<Unit, string> = {
  percent: " %",
  milliseconds: " ms",
  seconds: " s",
  hours: " h",
  days: " days",
  count: "",
  status: "",
};

describe("docs/operations-catalog.md", () => {
  test.each(ALARM_CATALOG.map((a) => [a.name, a] as const))("shows %s as shipped", (_, a) => {
    const when = `${a.comparison === "above" ? ">" : "<"} ${a.threshold}${SYMBOLS[a.unit]}`;
    const duration = a.forSeconds > 0 ? describeDuration(a.forSeconds) : "—";
    expect(rows).toContainEqual([
      a.name,
      `\`${a.metric}\``,
      when,
      duration,
      a.severity,
      CHANNELS_BY_SEVERITY[a.severity].join(", "),
    ]);
  });

  test.each(MONITORING_RULES.map((r) => [r.alert, r] as const))(
    "shows the self-health rule %s as shipped",
    (_, r) => {
      const row = rows.find((cells) => cells[0] === r.alert);
      const duration = r.forSeconds > 0 ? describeDuration(r.forSeconds) : "—";
      const severity = r.severity === "none" ? "`none`" : r.severity;
      expect(row?.slice(1, 4)).toEqual([`\`${r.expr}\``, duration, severity]);
    },
  );

  test.each(BACKUP_KINDS.map((kind) => [kind]))("shows the %s backup tier as shipped", (kind) => {
    const tier = BACKUP_TIERS[kind];
    const row = rows.find((cells) => cells[0] === kind);
    expect(row?.[2]).toBe(`\`${tier.schedule}\``);
    expect(row?.[3]).toMatch(new RegExp(`^${tier.retentionDays} days`));
  });
});
