// The stack's mysql.parameters on top of the rendered settings: appended to my.cnf as a trailing
// [mysqld] group, merged into the RDS parameter group, and refused where they would break
// replication, paths or durability — or smuggle a second option into the file.
import { rdsParameters } from "../../components/mysql/my-cnf";
import {
  renderMyCnfOverrides,
  validateParameterOverrides,
  withRdsOverrides,
} from "../../components/mysql/overrides";

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

test.each([
  [
    { server_id: 9 },
    "mysql.parameters.server_id is not allowed: webstack sets it (server_id, port, bind_address, datadir, socket, pid_file, tmpdir, log_error, log_bin, relay_log, relay_log_recovery, read_only, super_read_only, gtid_mode, enforce_gtid_consistency, gtid_strict_mode, log_replica_updates, log_slave_updates, binlog_format, sync_binlog, innodb_flush_log_at_trx_commit)",
  ],
  [{ sync_binlog: 0 }, "mysql.parameters.sync_binlog is not allowed: webstack sets it (server_id,"],
  [
    { sql_mode: "STRICT\n[client]\npassword=x" },
    'mysql.parameters.sql_mode "STRICT\\n[client]\\npassword=x" is not allowed: use a number, or 1 to 256 letters, digits, spaces and _ . , : ; + * = ( ) / % @ -',
  ],
  [
    { init_connect: "SET NAMES utf8mb4 # comment" },
    'mysql.parameters.init_connect "SET NAMES utf8mb4 # comment" is not allowed',
  ],
  [{ wait_timeout: Number.NaN }, "mysql.parameters.wait_timeout null is not allowed"],
  [{ "Bad-Name": 1 }, "mysql.parameters.Bad-Name is not allowed: use a MySQL system variable name"],
])("%j is refused", (parameters, message) => {
  expect(() => validateParameterOverrides(parameters)).toThrow(message);
  expect(() => renderMyCnfOverrides(parameters)).toThrow(message);
});
