// Time windows in the formats AWS uses (UTC): a daily "hh:mm-hh:mm" (RDS backup, ElastiCache
// snapshot) and a weekly "ddd:hh:mm-ddd:hh:mm" (maintenance). A backup that overlaps maintenance
// can be skipped or slowed by the engine, so config validation rejects the overlap.

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

export const DAILY_WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
export const WEEKLY_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/;

/** A window as [start, end) minutes within a week; may wrap past the end of the week. */
interface WeekSpan {
  readonly start: number;
  readonly length: number;
}

function minutes(hours: string, mins: string): number {
  return Number(hours) * 60 + Number(mins);
}

/** Length in minutes of a daily window (wrapping past midnight). */
export function dailyWindowMinutes(window: string): number {
  const m = DAILY_WINDOW.exec(window);
  if (!m) throw new Error(`not a daily window: ${window}`);
  const start = minutes(m[1], m[2]);
  const end = minutes(m[3], m[4]);
  return (end - start + MINUTES_PER_DAY) % MINUTES_PER_DAY;
}

/** Length in minutes of a weekly window (wrapping past Sunday). */
export function weeklyWindowMinutes(window: string): number {
  return weeklySpan(window).length;
}

function weeklySpan(window: string): WeekSpan {
  const m = WEEKLY_WINDOW.exec(window);
  if (!m) throw new Error(`not a weekly window: ${window}`);
  const start = DAYS.indexOf(m[1] as (typeof DAYS)[number]) * MINUTES_PER_DAY + minutes(m[2], m[3]);
  const end = DAYS.indexOf(m[4] as (typeof DAYS)[number]) * MINUTES_PER_DAY + minutes(m[5], m[6]);
  return { start, length: (end - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK };
}

/** True when minute-of-week `t` falls inside `span`. */
function inside(span: WeekSpan, t: number): boolean {
  return (t - span.start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK < span.length;
}

function spansOverlap(a: WeekSpan, b: WeekSpan): boolean {
  return inside(a, b.start) || inside(b, a.start);
}

/** True when a daily window, repeated every day, intersects the weekly window. */
export function dailyOverlapsWeekly(daily: string, weekly: string): boolean {
  const m = DAILY_WINDOW.exec(daily);
  if (!m) throw new Error(`not a daily window: ${daily}`);
  const start = minutes(m[1], m[2]);
  const length = dailyWindowMinutes(daily);
  const week = weeklySpan(weekly);
  return DAYS.some((_, day) =>
    spansOverlap({ start: day * MINUTES_PER_DAY + start, length }, week),
  );
}
