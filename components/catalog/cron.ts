// Five-field cron expressions (minute hour day-of-month month day-of-week), as the Docker backup
// container's crontab reads them: parse and validate, find the longest gap between two runs (so
// retention can be checked against it), and convert to AWS's six-field `cron(...)` syntax.

export interface CronSchedule {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  /** 0 = Sunday … 6 = Saturday (7 is folded into 0). */
  readonly daysOfWeek: readonly number[];
  /**
   * The day field starts with `*` (Vixie cron's rule): then a day must match both day fields;
   * when neither does, a day matching either field is enough.
   */
  readonly anyDayOfMonth: boolean;
  readonly anyDayOfWeek: boolean;
}

const MONTH_NAMES = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC",
];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Value of names[0]. */
  readonly namesFrom?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTH_NAMES, namesFrom: 1 },
  { name: "day of week", min: 0, max: 7, names: DAY_NAMES, namesFrom: 0 },
];

function parseValue(text: string, field: FieldSpec): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? index + (field.namesFrom ?? 0) : undefined;
}

// Expands one field (a range, a list, a step over a range, names) to its sorted values; undefined
// when the field is invalid.
function parseField(text: string, field: FieldSpec): number[] | undefined {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const [, range, stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) return undefined;
    let low: number | undefined;
    let high: number | undefined;
    if (range === "*") {
      [low, high] = [field.min, field.max];
    } else if (range.includes("-")) {
      const [a, b] = range.split("-");
      [low, high] = [parseValue(a, field), parseValue(b, field)];
    } else {
      low = parseValue(range, field);
      // "5/15" means from 5 to the end in steps of 15, as in Vixie cron.
      high = stepText === undefined ? low : field.max;
    }
    if (low === undefined || high === undefined) return undefined;
    if (low < field.min || high > field.max || low > high) return undefined;
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * Parses a five-field cron expression. Throws an Error naming `key`, the expression and what is
 * allowed when a field is malformed or out of range, or when the schedule can never fire.
 */
export function parseCron(expression: string, key = "schedule"): CronSchedule {
  const fields = typeof expression === "string" ? expression.trim().split(/\s+/) : [];
  if (fields.length !== 5) {
    throw new Error(
      `${key} must be a cron expression with 5 fields (minute hour day-of-month month day-of-week) (got ${JSON.stringify(expression)})`,
    );
  }
  const parsed = fields.map((text, i) => {
    const values = parseField(text, FIELDS[i]);
    if (!values) {
      const spec = FIELDS[i];
      throw new Error(
        `${key} must have a ${spec.name} field of values from ${spec.min} to ${spec.max}, ranges, lists or steps (got "${text}" in ${JSON.stringify(expression)})`,
      );
    }
    return values;
  });
  const schedule: CronSchedule = {
    minutes: parsed[0],
    hours: parsed[1],
    daysOfMonth: parsed[2],
    months: parsed[3],
    daysOfWeek: [...new Set(parsed[4].map((d) => d % 7))].sort((a, b) => a - b),
    anyDayOfMonth: fields[2].startsWith("*"),
    anyDayOfWeek: fields[4].startsWith("*"),
  };
  if (longestIntervalSeconds(schedule) === Infinity) {
    throw new Error(
      `${key} must be a cron expression that fires (got ${JSON.stringify(expression)})`,
    );
  }
  return schedule;
}

const DAY = 86_400;
/** Eight years from a leap year: long enough for "29 February" schedules to fire twice. */
const SCAN_DAYS = 8 * 366;
const SCAN_START = Date.UTC(2024, 0, 1);

interface CalendarDay {
  readonly month: number;
  readonly dayOfMonth: number;
  readonly dayOfWeek: number;
}

/** The scanned days, built once: schedules are checked many times per synth and policy run. */
const SCAN_CALENDAR: readonly CalendarDay[] = Array.from({ length: SCAN_DAYS }, (_, day) => {
  const date = new Date(SCAN_START + day * DAY * 1000);
  return {
    month: date.getUTCMonth() + 1,
    dayOfMonth: date.getUTCDate(),
    dayOfWeek: date.getUTCDay(),
  };
});

function dayMatches(schedule: CronSchedule, day: CalendarDay): boolean {
  if (!schedule.months.includes(day.month)) return false;
  const dom = schedule.daysOfMonth.includes(day.dayOfMonth);
  const dow = schedule.daysOfWeek.includes(day.dayOfWeek);
  return schedule.anyDayOfMonth || schedule.anyDayOfWeek ? dom && dow : dom || dow;
}

/** Results by schedule: the same few catalog schedules are measured over and over. */
const intervalCache = new Map<string, number>();

/** The longest time between two consecutive runs, in seconds (Infinity if it never fires twice). */
export function longestIntervalSeconds(schedule: CronSchedule): number {
  const cacheKey = JSON.stringify(schedule);
  const cached = intervalCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const timesOfDay = schedule.hours
    .flatMap((h) => schedule.minutes.map((m) => h * 3600 + m * 60))
    .sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < timesOfDay.length; i++) {
    longest = Math.max(longest, timesOfDay[i] - timesOfDay[i - 1]);
  }
  let previousDay: number | undefined;
  let matchingDays = 0;
  for (let day = 0; day < SCAN_DAYS; day++) {
    if (!dayMatches(schedule, SCAN_CALENDAR[day])) continue;
    matchingDays++;
    if (previousDay !== undefined) {
      const gap = (day - previousDay) * DAY - timesOfDay[timesOfDay.length - 1] + timesOfDay[0];
      longest = Math.max(longest, gap);
    }
    previousDay = day;
  }
  const result = matchingDays < 2 ? Infinity : longest;
  intervalCache.set(cacheKey, result);
  return result;
}

/** Longest interval of an expression; see `longestIntervalSeconds`. */
export function cronIntervalSeconds(expression: string, key = "schedule"): number {
  return longestIntervalSeconds(parseCron(expression, key));
}

/**
 * AWS (EventBridge / AWS Backup) syntax: `cron(minute hour day-of-month month day-of-week year)`,
 * where one of the day fields must be `?` and days of the week count 1 = Sunday. Expressions that
 * restrict both day fields (cron's "either matches") cannot be expressed there and are refused.
 */
export function toAwsCron(expression: string, key = "schedule"): string {
  const schedule = parseCron(expression, key);
  const [minute, hour, dom, month, dow] = expression.trim().split(/\s+/);
  if (dow === "*") return `cron(${minute} ${hour} ${dom} ${month} ? *)`;
  if (dom === "*") {
    const days = schedule.daysOfWeek.map((d) => DAY_NAMES[d]).join(",");
    return `cron(${minute} ${hour} ? ${month} ${days} *)`;
  }
  throw new Error(
    `${key} must leave day-of-month or day-of-week as "*" to run on AWS (got ${JSON.stringify(expression)})`,
  );
}

/**
 * The five-field equivalent of an AWS `cron(minute hour day-of-month month day-of-week year)`
 * expression, so AWS Backup and EventBridge schedules can be compared with the catalog's. AWS
 * counts days of the week 1 = Sunday and writes "any" as `?`; a year restriction, `L`, `W` and
 * `#` have no five-field equivalent and are refused with an Error naming `key`.
 */
export function fromAwsCron(expression: string, key = "schedule"): string {
  const match = typeof expression === "string" ? /^cron\((.*)\)$/.exec(expression.trim()) : null;
  const fields = match ? match[1].trim().split(/\s+/) : [];
  if (fields.length !== 6) {
    throw new Error(
      `${key} must be an AWS cron(minute hour day-of-month month day-of-week year) expression (got ${JSON.stringify(expression)})`,
    );
  }
  const [minute, hour, dom, month, dow, year] = fields;
  const refuse = (why: string): never => {
    throw new Error(`${key} ${why} (got ${JSON.stringify(expression)})`);
  };
  if (year !== "*") refuse("must run every year (year field *)");
  const special = /[LW#]/i;
  if (special.test(dom) || special.test(dow.replace(/SUN|MON|TUE|WED|THU|FRI|SAT/gi, ""))) {
    refuse("uses L, W or #, which have no five-field cron equivalent");
  }
  if (dom !== "?" && dow !== "?") refuse("must leave day-of-month or day-of-week as ?");
  // Numbers 1-7 (Sunday first) become 0-6; names are the same in both syntaxes.
  const shiftDay = (text: string) => (/^\d+$/.test(text) ? String(Number(text) - 1) : text);
  const dayOfWeek =
    dow === "?" || dow === "*"
      ? "*"
      : dow
          .split(",")
          .map((part) => {
            const [range, step] = part.split("/");
            const shifted = range === "*" ? "*" : range.split("-").map(shiftDay).join("-");
            return step === undefined ? shifted : `${shifted}/${step}`;
          })
          .join(",");
  const fiveFields = `${minute} ${hour} ${dom === "?" ? "*" : dom} ${month} ${dayOfWeek}`;
  parseCron(fiveFields, key);
  return fiveFields;
}

const RATE_UNITS: Readonly<Record<string, number>> = { minute: 60, hour: 3600, day: DAY };

/**
 * The longest time between two runs of an AWS schedule expression, `cron(...)` or
 * `rate(<n> minute(s)|hour(s)|day(s))`, in seconds.
 */
export function awsScheduleIntervalSeconds(expression: string, key = "schedule"): number {
  const rate =
    typeof expression === "string" ? /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression) : null;
  if (rate) {
    const seconds = Number(rate[1]) * RATE_UNITS[rate[2]];
    if (seconds > 0) return seconds;
    throw new Error(`${key} must be a rate above zero (got ${JSON.stringify(expression)})`);
  }
  return cronIntervalSeconds(fromAwsCron(expression, key), key);
}
