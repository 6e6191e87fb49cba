// Applies the stack's `mysql.parameters` on top of the settings webstack renders: as a trailing
// [mysqld] group in my.cnf (the last occurrence of an option wins) and as RDS parameter-group
// entries (an override replaces the entry of the same name). The stack config has refused what
// webstack owns and values the file could not hold (components/catalog/mysql.ts).
import type { RdsParameter } from "./my-cnf";

export type ParameterOverrides = Readonly<Record<string, string | number>>;

/** The overrides as a [mysqld] group to append to a rendered my.cnf; "" when there are none. */
export function renderMyCnfOverrides(parameters: ParameterOverrides): string {
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
  const merged = new Map(base.map((entry) => [entry.name, entry]));
  for (const [name, value] of Object.entries(parameters)) {
    merged.set(name, { name, value: String(value), applyMethod: "pending-reboot" });
  }
  return [...merged.values()].sort((a, b) => a.name.localeCompare(b.name));
}
