// Backup schedules: the longest gap between two runs of real schedules (expected values read off
// the calendar), the refusals naming the key, and the conversion to AWS's six-field syntax with
// its `?` and 1 = Sunday day numbering.
import {
  awsScheduleIntervalSeconds,
  cronIntervalSeconds,
  toAwsCron,
} from "../../components/catalog/cron";

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

describe("cronIntervalSeconds", () => {
  test.each([
    ["0 2 * * *", DAY],
    ["15 * * * *", HOUR],
    ["*/15 * * * *", 15 * MINUTE],
    ["0 4 * * 0", 7 * DAY],
    ["0 4 * * 7", 7 * DAY],
    ["30 2 * * SUN", 7 * DAY],
    // 31 January to 1 March is never a gap: the longest is a 31-day month.
    ["0 2 1 * *", 31 * DAY],
    // 15 January to 1 February.
    ["0 0 1,15 * *", 17 * DAY],
    // Friday 17:00 to Monday 09:00.
    ["0 9-17 * * 1-5", 64 * HOUR],
    // Both day fields restricted: Fridays or the 13th, so never more than a week apart.
    ["0 0 13 * 5", 7 * DAY],
    // A day field starting with "*" makes both fields count: odd days that are Mondays. Mondays
    // alternate between odd and even dates and months end on both, so at most three weeks apart.
    ["0 0 */2 * 1", 21 * DAY],
    // 1 July to 1 January.
    ["0 3 1 JAN,JUL *", 184 * DAY],
    // Leap days, four years apart.
    ["0 0 29 2 *", 1461 * DAY],
  ])("%s runs at least every %d s", (expression, seconds) => {
    expect(cronIntervalSeconds(expression)).toBe(seconds);
  });

  const INVALID =
    "must be a valid cron expression: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 0-7 or SUN-SAT, a range running upwards, a step above 0";
  const FIELDS =
    "must be a cron expression with 5 fields (minute hour day-of-month month day-of-week) of numbers, names, *, ranges, lists and steps";
  test.each([
    ["0 2 * *", FIELDS],
    ["0 2 * * * *", FIELDS],
    ["@daily", FIELDS],
    ["0 2 ? * 1", FIELDS],
    ["0 2 L * *", FIELDS],
    ["0 2 * * 5#3", FIELDS],
    ["60 2 * * *", INVALID],
    ["0 24 * * *", INVALID],
    ["0 2 0 * *", INVALID],
    ["0 2 * 13 *", INVALID],
    ["0 2 * * 8", INVALID],
    ["*/0 2 * * *", INVALID],
    ["5-1 2 * * *", INVALID],
    ["0 2 * * FUN", INVALID],
    ["0 2 31 2 *", "must be a cron expression that fires"],
  ])("refuses %j", (expression, why) => {
    expect(() => cronIntervalSeconds(expression, "backups.mysql-full.schedule")).toThrow(
      `backups.mysql-full.schedule ${why} (got ${JSON.stringify(expression)})`,
    );
  });
});

describe("toAwsCron", () => {
  test.each([
    ["0 2 * * *", "cron(0 2 * * ? *)"],
    ["15 * * * *", "cron(15 * * * ? *)"],
    ["0 2 * * 0", "cron(0 2 ? * SUN *)"],
    ["0 2 * * 7", "cron(0 2 ? * SUN *)"],
    ["0 2 1 * *", "cron(0 2 1 * ? *)"],
    ["0 9 * * 1-5", "cron(0 9 ? * MON,TUE,WED,THU,FRI *)"],
    ["0 0 * * 5-7", "cron(0 0 ? * SUN,FRI,SAT *)"],
    ["*/30 3 * JAN *", "cron(*/30 3 * JAN ? *)"],
  ])("%s is %s on AWS", (expression, aws) => {
    expect(toAwsCron(expression)).toBe(aws);
  });

  test.each(["0 2 * * *", "0 2 * * 0", "0 2 1 * *", "0 9 * * 1-5", "*/30 3 * JAN *"])(
    "%s runs as often on AWS",
    (expression) => {
      expect(awsScheduleIntervalSeconds(toAwsCron(expression))).toBe(
        cronIntervalSeconds(expression),
      );
    },
  );

  test("an expression restricting both day fields cannot run on AWS", () => {
    expect(() => toAwsCron("0 0 13 * 5", "backups.config.schedule")).toThrow(
      'backups.config.schedule must leave day-of-month or day-of-week as "*" to run on AWS (got "0 0 13 * 5")',
    );
  });
});

describe("awsScheduleIntervalSeconds", () => {
  test.each([
    ["cron(0 2 * * ? *)", DAY],
    ["cron(15 * * * ? *)", HOUR],
    ["cron(0 5 ? * SUN *)", 7 * DAY],
    // AWS counts 1 = Sunday … 7 = Saturday: 2-6 is Monday to Friday.
    ["cron(0 9 ? * 2-6 *)", 3 * DAY],
    ["cron(0 9 ? * MON-FRI *)", 3 * DAY],
    ["cron(0 2 1 * ? *)", 31 * DAY],
    // The last day of the month: 29 February to 31 March.
    ["cron(0 2 L * ? *)", 31 * DAY],
    // The third Friday: 15 March to 19 April 2024.
    ["cron(0 2 ? * 6#3 *)", 35 * DAY],
    ["rate(12 hours)", 12 * HOUR],
    ["rate(1 day)", DAY],
    ["rate(30 minutes)", 30 * MINUTE],
  ])("%s runs at least every %d seconds", (expression, seconds) => {
    expect(awsScheduleIntervalSeconds(expression)).toBe(seconds);
  });

  test.each([
    [
      "0 2 * * ? *",
      "must be an AWS cron(minute hour day-of-month month day-of-week year) expression",
    ],
    ["cron(0 2 * * ? 2027)", "must run every year (year field *)"],
    ["cron(0 2 1 * MON *)", "must leave day-of-month or day-of-week as ?"],
    ["rate(0 days)", "must be a rate above zero"],
  ])("refuses %j", (aws, why) => {
    expect(() => awsScheduleIntervalSeconds(aws, "plan.rules[0].schedule")).toThrow(
      `plan.rules[0].schedule ${why} (got ${JSON.stringify(aws)})`,
    );
  });
});
