// Judges probe results against what REQUIREMENTS promise after a deploy: health and readiness
// answer 200, HSTS is sent for at least a year, the certificate outlives the critical window.
import { ProbeResult } from "./probe";

/** One year, the HSTS max-age REQUIREMENTS §4 sets. */
export const HSTS_MIN_MAX_AGE = 31_536_000;
const DAY_MS = 86_400_000;

export interface CheckResult {
  readonly check: "healthz" | "readiness" | "hsts" | "certificate";
  readonly url: string;
  readonly ok: boolean;
  readonly expected: string;
  readonly actual: string;
}

function unreachable(check: CheckResult["check"], probe: ProbeResult, expected: string) {
  return {
    check,
    url: probe.url,
    ok: false,
    expected,
    actual: probe.reached ? "" : `no response (${probe.error})`,
  };
}

export function checkStatus(
  check: "healthz" | "readiness",
  probe: ProbeResult,
  expectedStatus = 200,
): CheckResult {
  const expected = `HTTP ${expectedStatus}`;
  if (!probe.reached) return unreachable(check, probe, expected);
  const body = probe.bodyStart.trim().replace(/\s+/g, " ");
  const actual = `HTTP ${probe.status}${body && probe.status !== expectedStatus ? ` (body: ${JSON.stringify(body.slice(0, 120))})` : ""}`;
  return { check, url: probe.url, ok: probe.status === expectedStatus, expected, actual };
}

/** The max-age directive of a Strict-Transport-Security value, undefined when missing. */
export function hstsMaxAge(header: string): number | undefined {
  const match = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?\s*(?:;|$)/i.exec(header);
  return match ? Number(match[1]) : undefined;
}

export function checkHsts(probe: ProbeResult, minMaxAge = HSTS_MIN_MAX_AGE): CheckResult {
  const expected = `Strict-Transport-Security with max-age >= ${minMaxAge}`;
  if (!probe.reached) return unreachable("hsts", probe, expected);
  const base = { check: "hsts" as const, url: probe.url, expected };
  if (probe.hsts === undefined)
    return { ...base, ok: false, actual: "no Strict-Transport-Security header" };
  const maxAge = hstsMaxAge(probe.hsts);
  if (maxAge === undefined) {
    return { ...base, ok: false, actual: `no max-age directive in "${probe.hsts}"` };
  }
  return { ...base, ok: maxAge >= minMaxAge, actual: `max-age=${maxAge} ("${probe.hsts}")` };
}

/** Days from `now` to `validTo`, negative once expired. */
export function daysUntil(validTo: Date, now: Date): number {
  return (validTo.getTime() - now.getTime()) / DAY_MS;
}

export function checkCertificate(probe: ProbeResult, now: Date, minDays: number): CheckResult {
  const expected = `certificate valid for more than ${minDays} days`;
  if (!probe.reached) return unreachable("certificate", probe, expected);
  const base = { check: "certificate" as const, url: probe.url, expected };
  if (!probe.certificateValidTo) return { ...base, ok: false, actual: "no peer certificate" };
  const days = daysUntil(probe.certificateValidTo, now);
  const when = probe.certificateValidTo.toISOString();
  const actual =
    days < 0
      ? `expired ${when} (${(-days).toFixed(1)} days ago)`
      : `expires ${when} (${days.toFixed(1)} days from now)`;
  return { ...base, ok: days > minDays, actual };
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
