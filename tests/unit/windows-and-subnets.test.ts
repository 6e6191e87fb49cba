import { dailyOverlapsWeekly, dailyWindowMinutes } from "../../components/config/windows";
import { planSubnets } from "../../components/network/cidr";

describe("maintenance and backup windows", () => {
  test.each([
    ["02:00-03:00", "sun:04:00-sun:05:00", false],
    ["03:30-04:30", "sun:04:00-sun:05:00", true],
    ["04:59-05:30", "sun:04:00-sun:05:00", true],
    ["05:00-06:00", "sun:04:00-sun:05:00", false],
    ["23:30-00:30", "mon:00:00-mon:01:00", true],
    ["23:00-23:59", "sun:23:30-mon:00:30", true],
    ["01:00-02:00", "sat:22:00-sat:23:00", false],
  ])("daily %s vs weekly %s overlap: %s", (daily, weekly, overlap) => {
    expect(dailyOverlapsWeekly(daily, weekly)).toBe(overlap);
  });

  test.each([
    ["02:00-03:00", 60],
    ["23:30-00:15", 45],
  ])("%s lasts %i minutes", (window, minutes) => {
    expect(dailyWindowMinutes(window)).toBe(minutes);
  });
});

describe("subnet plan", () => {
  test("a /16 across 3 AZs: /20 public blocks from the start, private blocks from the middle", () => {
    expect(planSubnets("10.40.0.0/16", 3)).toEqual({
      publicCidrs: ["10.40.0.0/20", "10.40.16.0/20", "10.40.32.0/20"],
      privateCidrs: ["10.40.128.0/20", "10.40.144.0/20", "10.40.160.0/20"],
    });
  });

  test("adding a third AZ keeps the first two subnets' ranges", () => {
    const two = planSubnets("10.30.0.0/16", 2);
    const three = planSubnets("10.30.0.0/16", 3);
    expect(three.publicCidrs.slice(0, 2)).toEqual(two.publicCidrs);
    expect(three.privateCidrs.slice(0, 2)).toEqual(two.privateCidrs);
  });

  test("a /22 VPC gets /26 subnets that stay inside it", () => {
    expect(planSubnets("10.0.4.0/22", 2)).toEqual({
      publicCidrs: ["10.0.4.0/26", "10.0.4.64/26"],
      privateCidrs: ["10.0.6.0/26", "10.0.6.64/26"],
    });
  });
});
