// Backup schedules (docs/requirements.md §5), read with croner: five-field cron (UTC) as the
// Docker backup job's crontab runs it, and AWS's `cron(...)`/`rate(...)` as AWS Backup and
// EventBridge run them. What the catalog needs from a schedule is its longest gap between two
// runs (retention must outlast it) and, for AWS, the same schedule in AWS's six fields.
import { Cron, CronOptions, CronPattern } from "croner";

const DAY = 86_400;
const DAY_MS = DAY * 1000;
/** Eight years from a leap year: long enough for a "29 February" schedule to fire twice. */
const SCAN_START = Date.UTC(2024, 0, 1);
const SCAN_END = Date.UTC(2032, 0, 1);
/** Plain five-field syntax, which crontabs and AWS share: no @nicknames, ?, L, W, # or +. */
const PLAIN_FIELD = /^([\d*,/-]|[A-Za-z]{3})+$/;
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function refuse(key: string, expression: unknown, why: string): never {
  throw new Error(`${key} ${why} (got ${JSON.stringify(expression)})`);
}

function fiveFields(expression: string, key: string): string[] {
  const fields = typeof expression === "string" ? expression.trim().split(/\s+/) : [];
  if (fields.length !== 5 || !fields.every((field) => PLAIN_FIELD.test(field))) {
    refuse(
      key,
      expression,
      "must be a cron expression with 5 fields (minute hour day-of-month month day-of-week) of numbers, names, *, ranges, lists and steps",
    );
  }
  return fields;
}

function schedule(pattern: string, options: CronOptions, key: string, expression: string): Cron {
  try {
    return new Cron(pattern, { utcOffset: 0, paused: true, ...options });
  } catch {
    // croner's own messages count some fields from 0 ("day: -1" for 0), so they are not repeated.
    return refuse(
      key,
      expression,
      "must be a valid cron expression: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 0-7 or SUN-SAT, a range running upwards, a step above 0",
    );
  }
}

/**
 * The longest time between two consecutive runs, in seconds. Every day a schedule fires, it fires
 * at the same times (UTC has no daylight saving): the times are those of the first such day, and
 * croner is asked which days fire at the first of them.
 */
function longestGapSeconds(cron: Cron, key: string, expression: string): number {
  const first = cron.nextRun(new Date(SCAN_START - 1000))?.getTime();
  if (first === undefined) refuse(key, expression, "must be a cron expression that fires");
  const firstDay = first - (first % DAY_MS);
  const times = [first - firstDay];
  for (let run = cron.nextRun(new Date(first)); run && run.getTime() < firstDay + DAY_MS;) {
    times.push(run.getTime() - firstDay);
    run = cron.nextRun(run);
  }
  let longest = Math.max(0, ...times.slice(1).map((time, i) => time - times[i]));
  let previous: number | undefined;
  for (let day = firstDay; day < SCAN_END; day += DAY_MS) {
    if (!cron.match(new Date(day + times[0]))) continue;
    if (previous !== undefined) longest = Math.max(longest, day - previous + times[0]);
    previous = day + times[times.length - 1];
  }
  return longest / 1000;
}

const gaps = new Map<string, number>();

/**
 * The longest gap between two runs of a five-field expression, in seconds. Day-of-month and
 * day-of-week combine as in Vixie cron: when either starts with `*` a day must match both,
 * otherwise either. Throws an Error naming `key` when the expression is invalid or never fires.
 */
export function cronIntervalSeconds(expression: string, key = "schedule"): number {
  const cached = gaps.get(`${key}\n${expression}`);
  if (cached !== undefined) return cached;
  const fields = fiveFields(expression, key);
  const domAndDow = fields[2].startsWith("*") || fields[4].startsWith("*");
  const cron = schedule(fields.join(" "), { mode: "5-part", domAndDow }, key, expression);
  const gap = longestGapSeconds(cron, key, expression);
  gaps.set(`${key}\n${expression}`, gap);
  return gap;
}

/**
 * The same schedule as AWS writes it: `cron(minute hour day-of-month month day-of-week year)`,
 * one day field `?`. Expressions restricting both day fields (cron's "either matches") cannot be
 * written there and are refused.
 */
export function toAwsCron(expression: string, key = "schedule"): string {
  cronIntervalSeconds(expression, key);
  const [minute, hour, dom, month, dow] = fiveFields(expression, key);
  if (dow === "*") return `cron(${minute} ${hour} ${dom} ${month} ? *)`;
  if (dom !== "*") {
    refuse(key, expression, 'must leave day-of-month or day-of-week as "*" to run on AWS');
  }
  // Listed by name: AWS counts days from 1 = Sunday, and writes no 7.
  const { dayOfWeek } = new CronPattern(expression.trim(), undefined, { mode: "5-part" });
  const days = DAY_NAMES.filter((_, day) => dayOfWeek[day]).join(",");
  return `cron(${minute} ${hour} ? ${month} ${days} *)`;
}

const RATE_UNITS: Readonly<Record<string, number>> = { minute: 60, hour: 3600, day: DAY };

/**
 * The longest gap between two runs of an AWS schedule expression, `cron(...)` as above (with
 * AWS's L, W and #) or `rate(<n> minute(s)|hour(s)|day(s))`, in seconds.
 */
export function awsScheduleIntervalSeconds(expression: string, key = "schedule"): number {
  const text = typeof expression === "string" ? expression.trim() : "";
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(text);
  if (rate) {
    if (Number(rate[1]) > 0) return Number(rate[1]) * RATE_UNITS[rate[2]];
    refuse(key, expression, "must be a rate above zero");
  }
  const fields = /^cron\((.*)\)$/.exec(text)?.[1].trim().split(/\s+/) ?? [];
  if (fields.length !== 6) {
    refuse(
      key,
      expression,
      "must be an AWS cron(minute hour day-of-month month day-of-week year) expression",
    );
  }
  if (fields[5] !== "*") refuse(key, expression, "must run every year (year field *)");
  if (fields[2] !== "?" && fields[4] !== "?") {
    refuse(key, expression, "must leave day-of-month or day-of-week as ?");
  }
  // Seconds first in croner's seven fields; alternativeWeekdays counts 1 = Sunday, as AWS does.
  const options: CronOptions = { mode: "7-part", alternativeWeekdays: true };
  const cron = schedule(`0 ${fields.join(" ")}`, options, key, expression);
  return longestGapSeconds(cron, key, expression);
}
