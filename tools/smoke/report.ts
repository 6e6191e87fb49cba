// Renders check results as lines a person reads in a CI log: PASS/FAIL, the check, the URL,
// and for failures what was expected against what came back.
import { CheckResult } from "./checks";

export function formatCheck(result: CheckResult): string {
  const verdict = result.ok ? "PASS" : "FAIL";
  const detail = result.ok ? result.actual : `expected ${result.expected}, got ${result.actual}`;
  return `${verdict} ${result.check.padEnd(11)} ${result.url}: ${detail}`;
}

/** One line per failed check, for the "retrying" notes between attempts. */
export function failureSummary(results: readonly CheckResult[]): string {
  return results
    .filter((r) => !r.ok)
    .map((r) => `${r.check} (${r.url}): expected ${r.expected}, got ${r.actual}`)
    .join("; ");
}

/** GitHub Actions shows `::error::` lines as annotations on the run. */
export function annotation(result: CheckResult): string {
  const text = `smoke ${result.check} failed for ${result.url}: expected ${result.expected}, got ${result.actual}`;
  return `::error title=smoke ${result.check}::${text.replace(/\r?\n/g, " ")}`;
}
