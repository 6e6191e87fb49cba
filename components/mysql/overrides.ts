// Applies the stack's `mysql.parameters` on top of the settings webstack renders: as a trailing
// [mysqld] group in my.cnf (the last occurrence of an option wins) and as RDS parameter-group
// entries (an override replaces the entry of the same name). Options that identify the server,
// place its files, drive replication or guarantee durability are webstack's and are refused.
import type { RdsParameter } from "./my-cnf";

/** Options an override may not touch: changing them breaks replication, paths or durability. */
export const OWNED_PARAMETERS: readonly string[] = [
  "server_id",
  "port",
  "bind_address",
  "datadir",
  "socket",
  "pid_file",
  "tmpdir",
  "log_error",
  "log_bin",
  "relay_log",
  "relay_log_recovery",
  "read_only",
  "super_read_only",
  "gtid_mode",
  "enforce_gtid_consistency",
  "gtid_strict_mode",
  "log_replica_updates",
  "log_slave_updates",
  "binlog_format",
  "sync_binlog",
  "innodb_flush_log_at_trx_commit",
];

export type ParameterOverrides = Readonly<Record<string, string | number>>;

const NAME = /^[a-z_][a-z0-9_]{0,63}$/;
// No '#' (starts a comment), quotes or backslashes (option-file escapes), no line breaks.
const VALUE = /^[A-Za-z0-9_.,:;+*=()/%@ -]{1,256}$/;

/** Throws for the first override that is malformed or names an option webstack owns. */
export function validateParameterOverrides(parameters: ParameterOverrides): void {
  for (const [name, value] of Object.entries(parameters)) {
    if (!NAME.test(name)) {
      throw new Error(
        `mysql.parameters.${name} is not allowed: use a MySQL system variable name (a-z, 0-9, _)`,
      );
    }
    if (OWNED_PARAMETERS.includes(name)) {
      throw new Error(
        `mysql.parameters.${name} is not allowed: webstack sets it (${OWNED_PARAMETERS.join(", ")})`,
      );
    }
    const text = String(value);
    const valid =
      typeof value === "number" ? Number.isFinite(value) : VALUE.test(text) && text.trim() === text;
    if (!valid) {
      throw new Error(
        `mysql.parameters.${name} ${JSON.stringify(value)} is not allowed: use a number, or 1 to 256 letters, digits, spaces and _ . , : ; + * = ( ) / % @ -`,
      );
    }
  }
}

/** The overrides as a [mysqld] group to append to a rendered my.cnf; "" when there are none. */
export function renderMyCnfOverrides(parameters: ParameterOverrides): string {
  validateParameterOverrides(parameters);
  const names = Object.keys(parameters).sort();
  if (names.length === 0) return "";
  return [
    "# Overrides from the stack's mysql.parameters; later options win.",
    "[mysqld]",
    ...names.map((name) => `${name} = ${parameters[name]}`),
    "",
  ].join("\n");
}

/**
 * Parameter-group entries with the overrides applied. Overrides use `pending-reboot`: RDS accepts
 * it for static and dynamic parameters alike, and we cannot know which kind a free-form name is.
 */
export function withRdsOverrides(
  base: readonly RdsParameter[],
  parameters: ParameterOverrides,
): RdsParameter[] {
  validateParameterOverrides(parameters);
  const merged = new Map(base.map((entry) => [entry.name, entry]));
  for (const [name, value] of Object.entries(parameters)) {
    merged.set(name, { name, value: String(value), applyMethod: "pending-reboot" });
  }
  return [...merged.values()].sort((a, b) => a.name.localeCompare(b.name));
}
