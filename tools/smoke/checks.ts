// Judges probe results against what docs/requirements.md promises after a deploy — health and
// readiness answer 200, HSTS is sent for at least a year, the certificate outlives the critical
// window — and words each verdict for a CI log: the URL, what was expected, what came back.
import type { ProbeResult } from "./probe";

/** One year, the HSTS max-age docs/requirements.md §4 sets. */
export const HSTS_MIN_MAX_AGE = 31_536_000;

export interface CheckResult {
  readonly check: "healthz" | "readiness" | "hsts" | "certificate";
  readonly url: string;
  readonly ok: boolean;
  readonly expected: string;
  readonly actual: string;
}

type Reached = Extract<ProbeResult, { reached: true }>;

function judge(
  check: CheckResult["check"],
  probe: ProbeResult,
  expected: string,
  verdict: (probe: Reached) => [ok: boolean, actual: string],
): CheckResult {
  const [ok, actual] = probe.reached ? verdict(probe) : [false, `no response (${probe.error})`];
  return { check, url: probe.url, ok, expected, actual };
}

export function checkStatus(check: "healthz" | "readiness", probe: ProbeResult): CheckResult {
  return judge(check, probe, "HTTP 200", ({ status, bodyStart }) => {
    const body = status === 200 ? "" : bodyStart.trim().replace(/\s+/g, " ").slice(0, 120);
    return [status === 200, `HTTP ${status}${body && ` (body: ${JSON.stringify(body)})`}`];
  });
}

/** The max-age directive of a Strict-Transport-Security value, undefined when missing. */
export function hstsMaxAge(header: string): number | undefined {
  const match = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?\s*(?:;|$)/i.exec(header);
  return match ? Number(match[1]) : undefined;
}

export function checkHsts(probe: ProbeResult): CheckResult {
  const expected = `Strict-Transport-Security with max-age >= ${HSTS_MIN_MAX_AGE}`;
  return judge("hsts", probe, expected, ({ hsts }) => {
    if (hsts === undefined) return [false, "no Strict-Transport-Security header"];
    const maxAge = hstsMaxAge(hsts);
    if (maxAge === undefined) return [false, `no max-age directive in "${hsts}"`];
    return [maxAge >= HSTS_MIN_MAX_AGE, `max-age=${maxAge} ("${hsts}")`];
  });
}

export function checkCertificate(probe: ProbeResult, now: Date, minDays: number): CheckResult {
  const expected = `certificate valid for more than ${minDays} days`;
  return judge("certificate", probe, expected, ({ certificateValidTo: validTo }) => {
    if (!validTo) return [false, "no peer certificate"];
    const days = (validTo.getTime() - now.getTime()) / 86_400_000;
    const when = validTo.toISOString();
    const actual =
      days < 0
        ? `expired ${when} (${(-days).toFixed(1)} days ago)`
        : `expires ${when} (${days.toFixed(1)} days from now)`;
    return [days > minDays, actual];
  });
}

/** Every check for one attempt, in the order they are reported. */
export function evaluate(
  health: ProbeResult,
  readiness: ProbeResult,
  now: Date,
  minCertDays: number,
): CheckResult[] {
  return [
    checkStatus("healthz", health),
    checkStatus("readiness", readiness),
    checkHsts(health),
    checkCertificate(health, now, minCertDays),
  ];
}

const mismatch = (r: CheckResult) => `expected ${r.expected}, got ${r.actual}`;

/** "PASS|FAIL <check> <url>: <detail>", one line per check. */
export function formatCheck(r: CheckResult): string {
  return `${r.ok ? "PASS" : "FAIL"} ${r.check.padEnd(11)} ${r.url}: ${r.ok ? r.actual : mismatch(r)}`;
}

/** The failures of one attempt, for the "retrying" notes between attempts. */
export function failureSummary(results: readonly CheckResult[]): string {
  const failed = results.filter((r) => !r.ok);
  return failed.map((r) => `${r.check} (${r.url}): ${mismatch(r)}`).join("; ");
}

/** GitHub Actions shows `::error::` lines as annotations on the run. */
export function annotation(r: CheckResult): string {
  const text = `smoke ${r.check} failed for ${r.url}: ${mismatch(r)}`;
  return `::error title=smoke ${r.check}::${text.replace(/\r?\n/g, " ")}`;
}
