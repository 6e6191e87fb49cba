// Engine versions we accept and when their standard support ends. A stack pinned to a version
// past its end of standard support is refused (RDS bills Extended Support for it and upstream no
// longer ships security fixes) unless the stack opts in explicitly.

export interface EngineLifecycle {
  /** Major line, matched as a prefix of the configured version ("8.4" matches "8.4.3"). */
  readonly line: string;
  /** Last day of standard support, ISO date; absent while none is announced. */
  readonly endOfStandardSupport?: string;
}

/** MySQL lines on RDS (and upstream, which ends earlier for 8.0: April 2026). */
export const MYSQL_LINES: readonly EngineLifecycle[] = [
  { line: "5.7", endOfStandardSupport: "2024-02-29" },
  { line: "8.0", endOfStandardSupport: "2026-07-31" },
  { line: "8.4", endOfStandardSupport: "2029-07-31" },
];

/** Redis OSS lines on ElastiCache; 4 and 5 left standard support on 31 January 2026. */
export const REDIS_LINES: readonly EngineLifecycle[] = [
  { line: "4.0", endOfStandardSupport: "2026-01-31" },
  { line: "5.0", endOfStandardSupport: "2026-01-31" },
  { line: "6.0" },
  { line: "6.2" },
  { line: "7.0" },
  { line: "7.1" },
];

/** The lifecycle entry a version belongs to, or undefined for an unknown line. */
export function engineLine(
  lines: readonly EngineLifecycle[],
  version: string,
): EngineLifecycle | undefined {
  return lines.find((entry) => version === entry.line || version.startsWith(`${entry.line}.`));
}

/** True when `version`'s line left standard support before `today` (ISO date). */
export function pastStandardSupport(lifecycle: EngineLifecycle, today: string): boolean {
  return lifecycle.endOfStandardSupport !== undefined && lifecycle.endOfStandardSupport < today;
}
