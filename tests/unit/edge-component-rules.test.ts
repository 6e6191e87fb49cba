// The small rules the edge components follow: when certificates renew (before the 30-day
// expiry warning, never on every deployment), which backend settings may be plain variables,
// where the Docker backend sits on the Redis cluster network, and what the access-log bucket
// lets ELB write and the uploads bucket lets the app hosts do.
import {
  checkAppImages,
  containerEnvironment,
  isPinnedImage,
  validateSettingNames,
} from "../../components/edge/app-containers";
import { uploadsBucketSettings, uploadsDirSettings } from "../../components/edge/backend-settings";
import { CA_LIFETIME, serverCertificateLifetime } from "../../components/edge/certificate-lifetime";
import {
  ELB_LOG_DELIVERY_SERVICE,
  logDeliveryPolicy,
} from "../../components/edge/elb-log-delivery";
import {
  redisClientAttachments,
  validateRedisClientNetwork,
} from "../../components/edge/redis-network";
import { uploadsAccessPolicy } from "../../components/edge/uploads-access";

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
      validityHours: days * 24,
      earlyRenewalHours: renewalDays * 24,
    });
  });

  test("renewal opens before the 30-day warning for any validity from 62 days", () => {
    for (let days = 62; days <= 397; days++) {
      expect(serverCertificateLifetime(days).earlyRenewalHours).toBeGreaterThan(30 * 24);
    }
  });

  test("the CA outlives every server certificate it signs", () => {
    expect(CA_LIFETIME.validityHours - CA_LIFETIME.earlyRenewalHours).toBeGreaterThan(397 * 24);
  });

  test.each([29, 398, 36.5])("%d days is refused, naming the key", (days) => {
    expect(() => serverCertificateLifetime(days)).toThrow(
      `edge.certificateValidityDays must be an integer from 30 to 397 (got ${days})`,
    );
  });
});

describe("backend settings", () => {
  test("secrets become *_FILE variables pointing into /run/secrets, next to the plain ones", () => {
    expect(
      containerEnvironment(3001, { DATABASE_HOST: "db" }, [
        "DATABASE_PASSWORD",
        "REDIS_AUTH_TOKEN",
      ]),
    ).toEqual({
      NODE_ENV: "production",
      PORT: "3001",
      DATABASE_HOST: "db",
      DATABASE_PASSWORD_FILE: "/run/secrets/database_password",
      REDIS_AUTH_TOKEN_FILE: "/run/secrets/redis_auth_token",
    });
  });

  test.each([
    [
      ["DATABASE_PASSWORD"],
      [],
      "backend.environment.DATABASE_PASSWORD looks like a secret; pass it in backend.secrets so it reaches the container as a file",
    ],
    [
      ["REDIS_AUTH_TOKEN"],
      [],
      "backend.environment.REDIS_AUTH_TOKEN looks like a secret; pass it in backend.secrets so it reaches the container as a file",
    ],
    [
      ["STRIPE_API_KEY"],
      [],
      "backend.environment.STRIPE_API_KEY looks like a secret; pass it in backend.secrets so it reaches the container as a file",
    ],
    [
      ["database_host"],
      [],
      'backend setting "database_host" must be an upper-case variable name such as DATABASE_HOST',
    ],
    [
      ["DATABASE_PASSWORD_FILE"],
      ["DATABASE_PASSWORD"],
      "backend.secrets.DATABASE_PASSWORD collides with backend.environment; a secret sets DATABASE_PASSWORD_FILE itself",
    ],
  ])("plain %j, secret %j is refused", (plain, secret, message) => {
    expect(() => validateSettingNames(plain, secret)).toThrow(message);
  });

  test("hosts, ports and names pass as plain settings", () => {
    expect(() =>
      validateSettingNames(
        ["DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "DATABASE_USER", "REDIS_TLS"],
        ["DATABASE_PASSWORD"],
      ),
    ).not.toThrow();
  });
});

describe("app images", () => {
  test.each([
    ["ghcr.io/labelmedix/backend:1.0.0", true],
    ["registry:5000/backend:2.1", true],
    [`ghcr.io/labelmedix/backend@sha256:${"d".repeat(64)}`, true],
    ["ghcr.io/labelmedix/backend:latest", false],
    ["ghcr.io/labelmedix/backend", false],
    ["registry:5000/backend", false],
  ])("%s pinned: %s", (image, pinned) => {
    expect(isPinnedImage(image)).toBe(pinned);
  });

  test("an unpinned image is refused, naming the field", () => {
    expect(() =>
      checkAppImages("prod-edge", {
        frontendImage: "ghcr.io/labelmedix/frontend:1.0.0",
        backendImage: "ghcr.io/labelmedix/backend:latest",
      }),
    ).toThrow(
      'prod-edge: backendImage must be pinned to a version tag or digest, never "latest" or no tag (got "ghcr.io/labelmedix/backend:latest")',
    );
  });
});

describe("the Docker backend on the Redis cluster network", () => {
  const cluster = { name: "webstack-dev-redis-cluster", address: "192.168.254.28" };

  test("one more attachment at the fixed address; none when Redis is on the data network", () => {
    expect(() => validateRedisClientNetwork("edge", cluster, "webstack-dev-data")).not.toThrow();
    expect(redisClientAttachments(cluster)).toEqual([
      { name: "webstack-dev-redis-cluster", ipv4Address: "192.168.254.28" },
    ]);
    expect(() => validateRedisClientNetwork("edge", undefined, "webstack-dev-data")).not.toThrow();
    expect(redisClientAttachments(undefined)).toEqual([]);
  });

  test.each([
    [
      { ...cluster, address: "192.168.254" },
      'edge: redisNetwork.address must be an IPv4 address such as 192.168.254.28 (got "192.168.254")',
    ],
    [
      { ...cluster, address: "redis-client" },
      'edge: redisNetwork.address must be an IPv4 address such as 192.168.254.28 (got "redis-client")',
    ],
    [
      { ...cluster, name: "webstack-dev-data" },
      'edge: redisNetwork.name must be the Redis cluster network, not dataNetworkName "webstack-dev-data": the backend is on that one already (leave redisNetwork out)',
    ],
  ])("%j is refused", (network, message) => {
    expect(() => validateRedisClientNetwork("edge", network, "webstack-dev-data")).toThrow(
      new Error(message),
    );
  });
});

describe("access-log bucket policy", () => {
  const bucketArn = "arn:aws:s3:::webstack-prod-logs";
  const statements = (legacy?: string) =>
    logDeliveryPolicy({
      bucketArn,
      prefix: "alb",
      accountId: "123456789012",
      legacyElbAccountArn: legacy,
    }).Statement as Record<string, unknown>[];

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
    expect(statements().map((s) => s.Sid)).toEqual(["ElbLogDelivery", "DenyWithoutTls"]);
  });

  test("nobody may use the bucket without TLS", () => {
    expect(statements().at(-1)).toEqual({
      Sid: "DenyWithoutTls",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  test("a prefix ELB would reject is refused", () => {
    expect(() =>
      logDeliveryPolicy({ bucketArn, prefix: "AWSLogs", accountId: "123456789012" }),
    ).toThrow(
      `access log prefix must be lower-case letters, digits, '/', '_' or '-' without "AWSLogs" (got "AWSLogs")`,
    );
  });
});

describe("the app hosts' access to the uploads bucket", () => {
  const bucketArn = "arn:aws:s3:::webstack-prod-uploads-bucket-1a2b3c";

  test("list on the bucket; get, put, delete and abort uploads on its objects; on that bucket only", () => {
    expect(uploadsAccessPolicy(bucketArn)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ListUploads", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
        {
          Sid: "ReadWriteUploads",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
          Resource: `${bucketArn}/*`,
        },
      ],
    });
  });

  test("the backend is told the bucket and its region on AWS, the volume's path on Docker", () => {
    expect(uploadsBucketSettings({ bucketName: "b-1", region: "ap-southeast-1" })).toEqual({
      UPLOADS_BUCKET: "b-1",
      AWS_REGION: "ap-southeast-1",
    });
    expect(uploadsDirSettings("/var/lib/webstack/uploads")).toEqual({
      UPLOADS_DIR: "/var/lib/webstack/uploads",
    });
    // Plain settings, not secrets: the backend's settings check lets them through as variables.
    expect(() =>
      validateSettingNames(["UPLOADS_BUCKET", "AWS_REGION", "UPLOADS_DIR"], []),
    ).not.toThrow();
  });
});
