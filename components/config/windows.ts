// Time windows in the formats AWS uses (UTC): a daily "hh:mm-hh:mm" (RDS backup, ElastiCache
// snapshot) and a weekly "ddd:hh:mm-ddd:hh:mm" (maintenance). A backup that overlaps maintenance
// can be skipped or slowed by the engine, so config validation rejects the overlap.

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY = 24 * 60;
const WEEK = 7 * DAY;

export const DAILY_WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
export const WEEKLY_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/;

interface Span {
  readonly start: number;
  readonly length: number;
}

/**
 * Start and length in minutes of a window the schema accepted, within its `period` (a day or a
 * week); it may wrap past the period's end. A daily window's edges count from Monday 00:00.
 */
function span(window: string, period: number): Span {
  const [start, end] = window.split("-").map((edge) => {
    const [minutes, hours, day = "mon"] = edge.split(":").reverse();
    return DAYS.indexOf(day) * DAY + Number(hours) * 60 + Number(minutes);
  });
  return { start, length: (end - start + period) % period };
}

export const dailyWindowMinutes = (window: string) => span(window, DAY).length;
export const weeklyWindowMinutes = (window: string) => span(window, WEEK).length;

/** True when minute-of-week `t` falls inside `s`. */
const inside = (s: Span, t: number) => (t - s.start + WEEK) % WEEK < s.length;

/** True when a daily window, repeated every day, intersects the weekly window. */
export function dailyOverlapsWeekly(daily: string, weekly: string): boolean {
  const week = span(weekly, WEEK);
  const { start, length } = span(daily, DAY);
  return DAYS.some((_, d) => {
    const day = { start: d * DAY + start, length };
    return inside(day, week.start) || inside(week, day.start);
  });
}
