// Two edge rules an operator relies on without seeing them: `pulumi up` renews the server
// certificate before the 30-day expiry warning (docs/requirements.md §4) but never on every
// deployment, and the access-log bucket lets Elastic Load Balancing write in every region, as the
// principal AWS documents for that region, under the ALB's prefix only.
import { ELB_LOG_DELIVERY_SERVICE, logDeliveryPolicy } from "../../components/edge/aws-access-logs";
import { CA_LIFETIME, serverCertificateLifetime } from "../../components/edge/tls";

describe("server certificate lifetime", () => {
  test.each([
    // validity days, renewal opens with this many days left
    [397, 45],
    [365, 45],
    [90, 45],
    [60, 30],
    [30, 15],
  ])("%d days: renewed by pulumi up once %d days are left", (days, renewalDays) => {
    expect(serverCertificateLifetime(days)).toEqual({
      validityPeriodHours: days * 24,
      earlyRenewalHours: renewalDays * 24,
    });
  });

  test("renewal opens before the 30-day warning for any validity from 62 days", () => {
    for (let days = 62; days <= 397; days++) {
      expect(serverCertificateLifetime(days).earlyRenewalHours).toBeGreaterThan(30 * 24);
    }
  });

  test("the CA outlives every server certificate it signs", () => {
    expect(CA_LIFETIME.validityPeriodHours - CA_LIFETIME.earlyRenewalHours).toBeGreaterThan(
      397 * 24,
    );
  });
});

describe("access-log bucket policy", () => {
  const bucketArn = "arn:aws:s3:::webstack-prod-logs";
  const statements = (legacy?: string) =>
    logDeliveryPolicy(bucketArn, "123456789012", legacy).Statement as Record<string, unknown>[];

  test("ELB log delivery may only put objects under the ALB's prefix for this account", () => {
    const [write] = statements();
    expect(write).toEqual({
      Sid: "ElbLogDelivery",
      Effect: "Allow",
      Principal: { Service: ELB_LOG_DELIVERY_SERVICE },
      Action: "s3:PutObject",
      Resource: `${bucketArn}/alb/AWSLogs/123456789012/*`,
    });
  });

  test("regions that deliver as the regional ELB account get that principal too", () => {
    const elb = "arn:aws:iam::114774131450:root";
    expect(statements(elb).map((s) => s.Principal)).toEqual([
      { Service: ELB_LOG_DELIVERY_SERVICE },
      { AWS: elb },
      "*",
    ]);
    expect(statements(elb)[1].Resource).toBe(`${bucketArn}/alb/AWSLogs/123456789012/*`);
    expect(statements().map((s) => s.Sid)).toEqual(["ElbLogDelivery", "DenyWithoutTls"]);
  });
});
