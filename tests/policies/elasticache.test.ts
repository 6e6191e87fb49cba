// ElastiCache policies: a compliant prod replication group, then one property changed at a time.
import { FakeResource, tagsFor, violations } from "../support/policy";

function group(tier = "prod", change: Record<string, unknown> = {}): FakeResource {
  return {
    type: "aws:elasticache/replicationGroup:ReplicationGroup",
    name: "cache",
    props: {
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      authToken: "a-generated-token-of-32-characters",
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      snapshotRetentionLimit: 7,
      clusterMode: "enabled",
      numNodeGroups: 3,
      replicasPerNodeGroup: 1,
      tags: tagsFor(tier),
      ...change,
    },
  };
}

const ALL = [
  "webstack-elasticache-encryption",
  "webstack-elasticache-auth",
  "webstack-elasticache-failover",
  "webstack-elasticache-snapshots",
  "webstack-elasticache-cluster-shards",
];

test.each(ALL)("the compliant prod group passes %s", async (policy) => {
  expect(await violations(policy, [group()])).toEqual([]);
});

test.each([
  [
    "webstack-elasticache-encryption",
    { transitEncryptionEnabled: false },
    "Redis must require TLS (transitEncryptionEnabled: true).",
  ],
  [
    "webstack-elasticache-encryption",
    { transitEncryptionMode: "preferred" },
    'Redis must require TLS (transitEncryptionMode "required", not "preferred").',
  ],
  [
    "webstack-elasticache-encryption",
    { atRestEncryptionEnabled: false },
    "Redis must encrypt data at rest (atRestEncryptionEnabled: true).",
  ],
  [
    "webstack-elasticache-auth",
    { authToken: undefined },
    "Redis must require an AUTH token of at least 16 characters.",
  ],
  [
    "webstack-elasticache-auth",
    { authToken: "short" },
    "Redis must require an AUTH token of at least 16 characters.",
  ],
  [
    "webstack-elasticache-failover",
    { automaticFailoverEnabled: false },
    "Automatic failover must be on in prod.",
  ],
  [
    "webstack-elasticache-failover",
    { multiAzEnabled: false },
    "Redis must span availability zones in prod.",
  ],
  [
    "webstack-elasticache-snapshots",
    { snapshotRetentionLimit: 1 },
    "Snapshot retention is 1 days; prod requires at least 7.",
  ],
  [
    "webstack-elasticache-cluster-shards",
    { numNodeGroups: 2 },
    "Redis has 2 shards; prod requires at least 3.",
  ],
  [
    "webstack-elasticache-cluster-shards",
    { clusterMode: "disabled" },
    'Redis must run in cluster mode in prod (clusterMode "enabled").',
  ],
])("%s: group with %j", async (policy, change, message) => {
  expect(await violations(policy, [group("prod", change)])).toEqual([message]);
});

test("staging needs failover and snapshots but not cluster mode", async () => {
  const staging = group("staging", { clusterMode: "disabled", numNodeGroups: 1 });
  expect(await violations("webstack-elasticache-cluster-shards", [staging])).toEqual([]);
  expect(
    await violations("webstack-elasticache-failover", [
      group("staging", { multiAzEnabled: false }),
    ]),
  ).toEqual(["Redis must span availability zones in staging."]);
});

test("RBAC user groups satisfy the AUTH policy without a token", async () => {
  expect(
    await violations("webstack-elasticache-auth", [
      group("prod", { authToken: undefined, userGroupIds: ["app-users"] }),
    ]),
  ).toEqual([]);
});
