// mysql.parameters, the database and the application user: what the renderers and servers would
// choke on, or what would collide with an account or schema someone else owns, is refused by
// config validation with the file, the full key and the value (found by fuzzing stack files).
import { ConfigError, parseStackConfig } from "../../../components/config";
import { configObject, stackConfig, withConfig } from "../../support/program";

function problemsFor(stack: string, patch: Record<string, unknown>): string[] {
  const base = stackConfig(stack);
  const config = withConfig(base, {
    "webstack:mysql": { ...configObject(base, "webstack:mysql"), ...patch },
  });
  try {
    parseStackConfig(
      { project: "webstack", stack, values: config.values, secretKeys: new Set() },
      "2026-11-22",
    );
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

const OWNED = "must be left to webstack, which sets it for replication, file paths or durability";
const VALUE =
  "must be a number, or 1 to 256 letters, digits, spaces and _ . , : ; + * = ( ) / % @ -";

describe("mysql.parameters: each entry named, with its value", () => {
  test.each<[string, Record<string, unknown>, string]>([
    ["an option webstack owns", { server_id: 7 }, `parameters.server_id ${OWNED} (got 7)`],
    [
      "turning the binary log off through an option prefix",
      { skip_log_bin: 1 },
      `parameters.skip_log_bin ${OWNED} (got 1)`,
    ],
    [
      "a name MySQL would not parse",
      { "Bad-Name": 1 },
      "parameters.Bad-Name must be named like a MySQL system variable (a-z, 0-9 and _, at most 64 characters) (got 1)",
    ],
    [
      "a value smuggling a second option group",
      { sql_mode: "STRICT\n[client]\npassword=x" },
      `parameters.sql_mode ${VALUE} (got "STRICT\\n[client]\\npassword=x")`,
    ],
    [
      "a value with an option-file comment",
      { init_connect: "SET NAMES utf8mb4 # comment" },
      `parameters.init_connect ${VALUE} (got "SET NAMES utf8mb4 # comment")`,
    ],
    ["an empty value", { wait_timeout: "" }, `parameters.wait_timeout ${VALUE} (got "")`],
    ["a list", { sql_mode: ["A"] }, 'parameters.sql_mode must be a string or a number (got ["A"])'],
    [
      "max_connections the connection alarm cannot divide by",
      { max_connections: "{DBInstanceClassMemory/12582880}" },
      'parameters.max_connections must be a whole number from 1 to 100000 (got "{DBInstanceClassMemory/12582880}")',
    ],
    [
      "max_connections above MySQL's limit",
      { max_connections: 200000 },
      "parameters.max_connections must be a whole number from 1 to 100000 (got 200000)",
    ],
    [
      "binary logs kept longer than AWS keeps backups",
      { binlog_expire_logs_seconds: 36 * 86400 },
      "parameters.binlog_expire_logs_seconds must be a whole number from 3600 to 3024000 (1 hour to 35 days) (got 3110400)",
    ],
    [
      "binary logs kept for ever (0 days)",
      { expire_logs_days: 0 },
      "parameters.expire_logs_days must be a whole number from 1 to 35 (AWS keeps backups at most 35 days) (got 0)",
    ],
  ])("%s", (_what, parameters, expected) => {
    expect(problemsFor("dev", { parameters })).toEqual([
      `Pulumi.dev.yaml: webstack:mysql.${expected}`,
    ]);
  });

  test("every bad entry is named, not just the first", () => {
    expect(problemsFor("test", { parameters: { server_id: 2, max_connections: 0 } })).toEqual([
      `Pulumi.test.yaml: webstack:mysql.parameters.server_id ${OWNED} (got 2)`,
      "Pulumi.test.yaml: webstack:mysql.parameters.max_connections must be a whole number from 1 to 100000 (got 0)",
    ]);
  });

  test("ordinary overrides pass, numbers as strings too", () => {
    const parameters = {
      max_connections: "500",
      long_query_time: "0.5",
      wait_timeout: 600,
      sql_mode: "STRICT_TRANS_TABLES,NO_ZERO_DATE",
      binlog_expire_logs_seconds: 14 * 86400,
      skip_name_resolve: 1,
    };
    expect(problemsFor("prod", { parameters })).toEqual([]);
  });
});

describe("names someone else owns", () => {
  test.each(["mysql", "information_schema", "performance_schema", "sys"])(
    "database %s (the server's own schema)",
    (database) => {
      expect(problemsFor("dev", { database })).toEqual([
        `Pulumi.dev.yaml: webstack:mysql.database must not be a schema the server owns (mysql, information_schema, performance_schema, sys) (got "${database}")`,
      ]);
    },
  );

  test("a database the weekly restore test would drop", () => {
    expect(problemsFor("dev", { database: "webstack_restore_test_shop" })).toEqual([
      'Pulumi.dev.yaml: webstack:mysql.database must not start with webstack_restore_test (the restore test\'s scratch databases) (got "webstack_restore_test_shop")',
    ]);
  });

  test.each(["root", "rdsadmin", "replicator", "webstack_backup", "webstack_monitor"])(
    "user %s",
    (username) => {
      expect(problemsFor("test", { username })).toEqual([
        `Pulumi.test.yaml: webstack:mysql.username must not be a reserved account name (root, admin, rdsadmin, mysql, replication, repl, replicator, webstack_backup, webstack_monitor) (got "${username}")`,
      ]);
    },
  );
});
