// The policy report people read: each policy with pass or its violations, then the verdict.
import * as fs from "node:fs";
import * as path from "node:path";
import type { PackConfig, PolicyResult } from "./evaluate";

/** The pack config CI passes with --policy-pack-config, or {} when the stack has none. */
export function readPackConfig(projectDir: string, stack: string): PackConfig {
  const file = path.join(projectDir, "policies", "config", `${stack}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as PackConfig) : {};
}

/** The report; with `onlyFindings`, policies that passed cleanly are left out. */
export function policyReport(
  stack: string,
  results: readonly PolicyResult[],
  options: { onlyFindings?: boolean } = {},
): string {
  const lines = [`Policy pack for ${stack}:`];
  for (const result of results) {
    if (options.onlyFindings && result.violations.length === 0 && result.notes.length === 0) {
      continue;
    }
    const status =
      result.enforcementLevel === "disabled"
        ? "disabled"
        : result.violations.length === 0
          ? "pass"
          : `${result.violations.length} violation(s), ${result.enforcementLevel}`;
    lines.push(`  ${result.policy}: ${status}`);
    for (const v of result.violations) {
      lines.push(`    - ${v.resource ? `${v.resource}: ` : ""}${v.message}`);
    }
    for (const note of result.notes) lines.push(`    ~ ${note}`);
  }
  const count = (level: string) =>
    results
      .filter((r) => r.enforcementLevel === level)
      .reduce((n, r) => n + r.violations.length, 0);
  lines.push(
    `  ${results.length} policies: ${count("mandatory")} mandatory and ${count("advisory")} advisory violation(s).`,
  );
  return lines.join("\n");
}
