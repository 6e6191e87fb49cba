// RDS policies: a compliant prod primary and replica, then one property changed at a time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownStringValue } = require("@pulumi/policy/proxy");
import { FakeResource, resultOf, tagsFor, violations } from "../support/policy";

const RDS = "aws:rds/instance:Instance";

const DEEP_MONITORING = {
  performanceInsightsEnabled: true,
  monitoringInterval: 60,
  monitoringRoleArn: "arn:aws:iam::123456789012:role/rds-monitoring",
};

function primary(tier = "prod", change: Record<string, unknown> = {}): FakeResource {
  return {
    type: RDS,
    name: "db-primary",
    protect: true,
    props: {
      ...DEEP_MONITORING,
      identifier: "webstack-prod-primary",
      engine: "mysql",
      engineVersion: "8.4",
      storageEncrypted: true,
      publiclyAccessible: false,
      backupRetentionPeriod: 7,
      multiAz: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "webstack-prod-primary-final",
      enabledCloudwatchLogsExports: ["error", "slowquery"],
      tags: tagsFor(tier),
      ...change,
    },
  };
}

function replica(tier = "prod", change: Record<string, unknown> = {}): FakeResource {
  return {
    type: RDS,
    name: "db-replica-0",
    protect: true,
    props: {
      ...DEEP_MONITORING,
      identifier: "webstack-prod-replica-0",
      replicateSourceDb: "webstack-prod-primary",
      storageEncrypted: true,
      publiclyAccessible: false,
      deletionProtection: true,
      enabledCloudwatchLogsExports: ["error", "slowquery"],
      tags: tagsFor(tier),
      ...change,
    },
  };
}

const ALL = [
  "webstack-rds-storage-encrypted",
  "webstack-rds-not-public",
  "webstack-rds-backup-retention",
  "webstack-rds-multi-az",
  "webstack-rds-deletion-protection",
  "webstack-rds-deep-monitoring",
  "webstack-rds-engine-supported",
  "webstack-rds-log-exports",
  "webstack-rds-read-replica",
];
const TODAY = { "webstack-rds-engine-supported": { today: "2026-11-22" } };

test("a line past standard support passes where the stack opted in to Extended Support", async () => {
  const optedIn = {
    engineVersion: "8.0.39",
    engineLifecycleSupport: "open-source-rds-extended-support",
  };
  expect(
    await violations(
      "webstack-rds-engine-supported",
      [primary("prod", optedIn), replica("prod", optedIn)],
      TODAY,
    ),
  ).toEqual([]);
});

test.each(ALL)("the compliant prod primary and replica pass %s", async (policy) => {
  expect(await violations(policy, [primary(), replica()], TODAY)).toEqual([]);
});

test.each([
  [
    "webstack-rds-storage-encrypted",
    { storageEncrypted: false },
    "RDS storage must be encrypted (storageEncrypted: true).",
  ],
  [
    "webstack-rds-not-public",
    { publiclyAccessible: true },
    "RDS instances must not be publicly accessible.",
  ],
  [
    "webstack-rds-backup-retention",
    { backupRetentionPeriod: 1 },
    "Backup retention is 1 days; prod requires at least 7.",
  ],
  ["webstack-rds-multi-az", { multiAz: false }, "RDS primary must be multi-AZ in prod."],
  [
    "webstack-rds-deletion-protection",
    { deletionProtection: false },
    "Deletion protection must be on in prod.",
  ],
  [
    "webstack-rds-deletion-protection",
    { skipFinalSnapshot: true },
    "A final snapshot must be taken on deletion in prod (finalSnapshotIdentifier set, skipFinalSnapshot false).",
  ],
  [
    "webstack-rds-deep-monitoring",
    { performanceInsightsEnabled: false },
    "Performance Insights must be on in prod (performanceInsightsEnabled: true).",
  ],
  [
    "webstack-rds-deep-monitoring",
    { monitoringInterval: 0 },
    "Enhanced monitoring must be on in prod: monitoringInterval is 0, must be one of 1, 5, 10, 15, 30, 60 seconds, with a monitoringRoleArn.",
  ],
  [
    "webstack-rds-engine-supported",
    { engineVersion: "8.0.39" },
    'MySQL 8.0.39 left standard support on 2026-07-31; upgrade, or opt in to RDS Extended Support (engineLifecycleSupport "open-source-rds-extended-support", config mysql.allowExtendedSupport).',
  ],
  [
    "webstack-rds-engine-supported",
    { engineVersion: "5.6.51" },
    "MySQL 5.6.51 is not a supported line (5.7, 8.0, 8.4).",
  ],
  [
    "webstack-rds-log-exports",
    { enabledCloudwatchLogsExports: ["error"] },
    "RDS must export slowquery logs to CloudWatch.",
  ],
])("%s: primary with %j", async (policy, change, message) => {
  expect(await violations(policy, [primary("prod", change), replica()], TODAY)).toEqual([message]);
});

test("a prod primary without Pulumi protect violates deletion protection", async () => {
  const unprotected = { ...primary(), protect: false };
  expect(await violations("webstack-rds-deletion-protection", [unprotected, replica()])).toEqual([
    "Pulumi protect must be on in prod (resource option protect: true), so no update deletes the database.",
  ]);
});

test("a prod primary without a replica violates the read-replica stack policy", async () => {
  expect(await violations("webstack-rds-read-replica", [primary()])).toEqual([
    "RDS primary db-primary has 0 read replicas; prod requires at least 1.",
  ]);
});

test("a replica of another primary does not count", async () => {
  const stray = replica("prod", { replicateSourceDb: "someone-else" });
  expect(await violations("webstack-rds-read-replica", [primary(), stray])).toEqual([
    "RDS primary db-primary has 0 read replicas; prod requires at least 1.",
  ]);
});

test("dev needs no replica, no multi-AZ and no deletion protection", async () => {
  const dev = primary("dev", {
    multiAz: false,
    deletionProtection: false,
    skipFinalSnapshot: true,
    backupRetentionPeriod: 1,
  });
  for (const policy of [
    "webstack-rds-read-replica",
    "webstack-rds-multi-az",
    "webstack-rds-deletion-protection",
    "webstack-rds-backup-retention",
  ]) {
    expect(await violations(policy, [dev])).toEqual([]);
  }
});

test("an untagged instance is held to the strictest (prod) floor", async () => {
  const untagged = primary("prod", { tags: {}, multiAz: false });
  expect(await violations("webstack-rds-multi-az", [untagged])).toEqual([
    "RDS primary must be multi-AZ in prod.",
  ]);
});

test("pack config may tighten a floor but never loosen it", async () => {
  const tighter = { "webstack-rds-backup-retention": { minimumDays: { prod: 14 } } };
  expect(await violations("webstack-rds-backup-retention", [primary()], tighter)).toEqual([
    "Backup retention is 7 days; prod requires at least 14.",
  ]);
  const looser = { "webstack-rds-backup-retention": { minimumDays: { prod: 1 } } };
  expect(
    await violations(
      "webstack-rds-backup-retention",
      [primary("prod", { backupRetentionPeriod: 3 })],
      looser,
    ),
  ).toEqual(["Backup retention is 3 days; prod requires at least 7."]);
});

test("a replica does not need its own backup retention or final snapshot", async () => {
  expect(await violations("webstack-rds-backup-retention", [replica()])).toEqual([]);
  expect(await violations("webstack-rds-deletion-protection", [replica()])).toEqual([]);
});

test("unknown values during preview do not crash a policy: they become advisory notes", async () => {
  const previewing = primary("prod", { storageEncrypted: unknownStringValue });
  const result = await resultOf("webstack-rds-storage-encrypted", [previewing]);
  expect(result.violations).toEqual([]);
  expect(result.notes).toEqual([expect.stringContaining("db-primary: can't run during preview")]);
});
