// Five-field cron as the backup container reads it: validation with messages naming the key,
// the longest gap between two runs (what retention is checked against), and the conversion to
// AWS's six-field syntax with its 1 = Sunday day numbering and `?`.
import {
  awsScheduleIntervalSeconds,
  cronIntervalSeconds,
  fromAwsCron,
  parseCron,
  toAwsCron,
} from "../../components/catalog/cron";

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

describe("parseCron", () => {
  test.each([
    ["0 2 * * *", DAY],
    ["15 * * * *", HOUR],
    ["*/15 * * * *", 15 * MINUTE],
    ["0 4 * * 0", 7 * DAY],
    ["0 4 * * 7", 7 * DAY],
    ["30 2 * * SUN", 7 * DAY],
    ["0 2 1 * *", 31 * DAY],
    ["0 0 1,15 * *", 17 * DAY],
    ["0 9-17 * * 1-5", 64 * HOUR],
    // Both day fields restricted: Fridays or the 13th, so never more than a week apart.
    ["0 0 13 * 5", 7 * DAY],
    ["0 3 1 JAN,JUL *", 184 * DAY],
    ["0 0 29 2 *", 1461 * DAY],
  ])("%s runs at least every %d s", (expression, seconds) => {
    expect(cronIntervalSeconds(expression)).toBe(seconds);
  });

  test("day of week 7 is Sunday, like 0", () => {
    expect(parseCron("0 0 * * 7").daysOfWeek).toEqual([0]);
    expect(parseCron("0 0 * * 5-7").daysOfWeek).toEqual([0, 5, 6]);
  });

  test.each([
    [
      "0 2 * *",
      'backups.mysql-full.schedule must be a cron expression with 5 fields (minute hour day-of-month month day-of-week) (got "0 2 * *")',
    ],
    [
      "0 2 * * * *",
      'backups.mysql-full.schedule must be a cron expression with 5 fields (minute hour day-of-month month day-of-week) (got "0 2 * * * *")',
    ],
    [
      "60 2 * * *",
      'backups.mysql-full.schedule must have a minute field of values from 0 to 59, ranges, lists or steps (got "60" in "60 2 * * *")',
    ],
    [
      "0 24 * * *",
      'backups.mysql-full.schedule must have a hour field of values from 0 to 23, ranges, lists or steps (got "24" in "0 24 * * *")',
    ],
    [
      "0 2 0 * *",
      'backups.mysql-full.schedule must have a day of month field of values from 1 to 31, ranges, lists or steps (got "0" in "0 2 0 * *")',
    ],
    [
      "0 2 * 13 *",
      'backups.mysql-full.schedule must have a month field of values from 1 to 12, ranges, lists or steps (got "13" in "0 2 * 13 *")',
    ],
    [
      "0 2 * * 8",
      'backups.mysql-full.schedule must have a day of week field of values from 0 to 7, ranges, lists or steps (got "8" in "0 2 * * 8")',
    ],
    [
      "*/0 2 * * *",
      'backups.mysql-full.schedule must have a minute field of values from 0 to 59, ranges, lists or steps (got "*/0" in "*/0 2 * * *")',
    ],
    [
      "5-1 2 * * *",
      'backups.mysql-full.schedule must have a minute field of values from 0 to 59, ranges, lists or steps (got "5-1" in "5-1 2 * * *")',
    ],
    [
      "0 2 * * FUNDAY",
      'backups.mysql-full.schedule must have a day of week field of values from 0 to 7, ranges, lists or steps (got "FUNDAY" in "0 2 * * FUNDAY")',
    ],
    [
      "@daily",
      'backups.mysql-full.schedule must be a cron expression with 5 fields (minute hour day-of-month month day-of-week) (got "@daily")',
    ],
    [
      "0 2 31 2 *",
      'backups.mysql-full.schedule must be a cron expression that fires (got "0 2 31 2 *")',
    ],
  ])("refuses %j", (expression, message) => {
    expect(() => parseCron(expression, "backups.mysql-full.schedule")).toThrow(message);
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

  test("an expression restricting both day fields cannot run on AWS", () => {
    expect(() => toAwsCron("0 0 13 * 5", "backups.config.schedule")).toThrow(
      'backups.config.schedule must leave day-of-month or day-of-week as "*" to run on AWS (got "0 0 13 * 5")',
    );
  });
});

describe("fromAwsCron", () => {
  test.each([
    ["cron(0 2 * * ? *)", "0 2 * * *"],
    ["cron(15 * * * ? *)", "15 * * * *"],
    ["cron(0 2 ? * SUN *)", "0 2 * * SUN"],
    ["cron(0 5 ? * 1 *)", "0 5 * * 0"],
    ["cron(0 9 ? * 2-6 *)", "0 9 * * 1-5"],
    ["cron(0 9 ? * MON-FRI *)", "0 9 * * MON-FRI"],
    ["cron(0 2 1 * ? *)", "0 2 1 * *"],
    ["cron(*/30 3 * JAN ? *)", "*/30 3 * JAN *"],
  ])("%s is %s in five fields", (aws, expression) => {
    expect(fromAwsCron(aws)).toBe(expression);
  });

  test.each(["0 2 * * *", "0 2 * * 0", "0 2 1 * *", "0 9 * * 1-5", "*/30 3 * JAN *"])(
    "undoes toAwsCron for %s: both run equally often",
    (expression) => {
      expect(cronIntervalSeconds(fromAwsCron(toAwsCron(expression)))).toBe(
        cronIntervalSeconds(expression),
      );
    },
  );

  test.each([
    [
      "0 2 * * ? *",
      "must be an AWS cron(minute hour day-of-month month day-of-week year) expression",
    ],
    ["cron(0 2 * * ? 2027)", "must run every year (year field *)"],
    ["cron(0 2 L * ? *)", "uses L, W or #, which have no five-field cron equivalent"],
    ["cron(0 2 ? * 6#3 *)", "uses L, W or #, which have no five-field cron equivalent"],
    ["cron(0 2 1 * MON *)", "must leave day-of-month or day-of-week as ?"],
  ])("refuses %j", (aws, why) => {
    expect(() => fromAwsCron(aws, "plan.rules[0].schedule")).toThrow(
      `plan.rules[0].schedule ${why} (got ${JSON.stringify(aws)})`,
    );
  });
});

describe("awsScheduleIntervalSeconds", () => {
  test.each([
    ["cron(0 2 * * ? *)", 86_400],
    ["cron(0 5 ? * SUN *)", 7 * 86_400],
    // The longest month gap: 1 January to 1 February.
    ["cron(0 2 1 * ? *)", 31 * 86_400],
    ["rate(12 hours)", 12 * 3600],
    ["rate(1 day)", 86_400],
    ["rate(30 minutes)", 1800],
  ])("%s runs at least every %d seconds", (expression, seconds) => {
    expect(awsScheduleIntervalSeconds(expression)).toBe(seconds);
  });

  test("a zero rate never runs", () => {
    expect(() => awsScheduleIntervalSeconds("rate(0 days)", "plan.schedule")).toThrow(
      'plan.schedule must be a rate above zero (got "rate(0 days)")',
    );
  });
});
