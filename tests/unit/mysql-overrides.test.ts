// The stack's mysql.parameters on top of the rendered settings: appended to my.cnf as a trailing
// [mysqld] group, and merged into the RDS parameter group (what they may not be is the stack
// config's business: tests/unit/config/mysql.test.ts).
import { rdsParameters } from "../../components/mysql/my-cnf";
import { renderMyCnfOverrides, withRdsOverrides } from "../../components/mysql/overrides";

test("no overrides add nothing to my.cnf", () => {
  expect(renderMyCnfOverrides({})).toBe("");
});

test("overrides become a trailing [mysqld] group, sorted by name", () => {
  expect(renderMyCnfOverrides({ max_connections: 500, long_query_time: "0.5" })).toBe(
    [
      "# Overrides from the stack's mysql.parameters; later options win.",
      "[mysqld]",
      "long_query_time = 0.5",
      "max_connections = 500",
      "",
    ].join("\n"),
  );
});

test("an override replaces the rendered RDS entry and applies at the next reboot", () => {
  const base = rdsParameters({ memoryBytes: 8 * 1024 ** 3 });
  const merged = withRdsOverrides(base, { max_connections: 500, wait_timeout: 600 });
  expect(merged.filter((p) => p.name === "max_connections")).toEqual([
    { name: "max_connections", value: "500", applyMethod: "pending-reboot" },
  ]);
  expect(merged.find((p) => p.name === "wait_timeout")).toEqual({
    name: "wait_timeout",
    value: "600",
    applyMethod: "pending-reboot",
  });
  expect(merged).toHaveLength(base.length + 1);
  expect(merged.map((p) => p.name)).toEqual([...merged.map((p) => p.name)].sort());
});
