// MysqlCluster and RedisCluster refuse bad args before creating any child, with a message naming
// the component, the field, the value and what is allowed. The stack config catches these first;
// these checks guard components built from other code.
import type { AwsMysqlClusterArgs, DockerMysqlClusterArgs } from "../../components/mysql/contract";
import {
  rdsIdentifiers,
  validateAwsMysqlArgs,
  validateDockerMysqlArgs,
} from "../../components/mysql/validate";
import type { AwsRedisClusterArgs, DockerRedisClusterArgs } from "../../components/redis/contract";
import {
  BACKEND_CLIENT_HOST,
  BACKUP_JOB_HOST,
  CREATE_HOST,
  FIRST_EXPORTER_HOST,
  FIRST_NODE_HOST,
} from "../../components/redis/docker";
import {
  CLUSTER_SUBNET_MAX_PREFIX,
  cidrBase,
  ipv4,
  isIpv4,
  validateAwsRedisArgs,
  validateDockerRedisArgs,
} from "../../components/redis/validate";

const common = {
  engineVersion: "8.4",
  replicas: 1,
  storageGb: 100,
  database: "labelmedix",
  username: "app",
  parameters: {},
};
const awsMysql: AwsMysqlClusterArgs = {
  ...common,
  tier: "prod",
  identifierPrefix: "webstack-prod",
  instanceClass: "db.m6g.xlarge",
  maxStorageGb: 200,
  multiAz: true,
  backupRetentionDays: 7,
  backupWindow: "02:00-03:00",
  maintenanceWindow: "sun:04:00-sun:05:00",
  allowExtendedSupport: false,
  subnetIds: ["a", "b"],
  securityGroupId: "sg",
};
const dockerMysql: DockerMysqlClusterArgs = {
  ...common,
  tier: "test",
  namePrefix: "webstack-test",
  networkName: "webstack-test-data",
  image: "mysql:8.4.4",
  flavour: "mysql",
  vcpu: 1,
  memoryGb: 2,
  publishPort: false,
};
const awsRedis: AwsRedisClusterArgs = {
  tier: "prod",
  engineVersion: "7.1",
  snapshotRetentionDays: 7,
  identifierPrefix: "webstack-prod",
  nodeType: "cache.m6g.large",
  shards: 3,
  replicasPerShard: 1,
  clusterMode: true,
  snapshotWindow: "03:00-04:00",
  maintenanceWindow: "sun:05:00-sun:06:00",
  subnetIds: ["a", "b", "c"],
  securityGroupId: "sg",
};
const dockerRedis: DockerRedisClusterArgs = {
  tier: "dev",
  engineVersion: "7.1",
  snapshotRetentionDays: 7,
  namePrefix: "webstack-dev",
  networkName: "webstack-dev-data",
  image: "redis:7.2.7",
  memoryMb: 1024,
  layout: "single",
  clusterSubnet: "192.168.254.0/24",
};

test("the committed defaults pass", () => {
  expect(() => validateAwsMysqlArgs("prod-mysql", awsMysql)).not.toThrow();
  expect(() => validateDockerMysqlArgs("test-mysql", dockerMysql)).not.toThrow();
  expect(() => validateAwsRedisArgs("prod-redis", awsRedis)).not.toThrow();
  expect(() => validateDockerRedisArgs("dev-redis", dockerRedis)).not.toThrow();
});

describe("AWS MySQL", () => {
  test.each([
    [{ replicas: 6 }, "prod-mysql: replicas 6 is not allowed: use an integer from 0 to 5"],
    [{ replicas: 0 }, "prod-mysql: replicas 0 is not allowed: prod needs at least 1"],
    [
      { instanceClass: "db.x9.huge" },
      'prod-mysql: instanceClass "db.x9.huge" is not allowed: use one of db.t4g.micro',
    ],
    [{ multiAz: false }, "prod-mysql: multiAz false is not allowed: prod needs a multi-AZ primary"],
    [
      { backupRetentionDays: 3 },
      "prod-mysql: backupRetentionDays 3 is not allowed: prod needs at least 7",
    ],
    [
      { backupWindow: "04:30-05:30" },
      'prod-mysql: backupWindow "04:30-05:30" is not allowed: it overlaps maintenanceWindow sun:04:00-sun:05:00',
    ],
    [
      { maxStorageGb: 100 },
      "prod-mysql: maxStorageGb 100 is not allowed: use more than storageGb (100)",
    ],
    [
      { identifierPrefix: "Webstack_Prod" },
      'prod-mysql: identifierPrefix "Webstack_Prod" is not allowed: use lower-case letters, digits and single hyphens, starting with a letter, at most 47 characters',
    ],
    [
      { identifierPrefix: "a".repeat(48) },
      `prod-mysql: identifierPrefix "${"a".repeat(48)}" is not allowed: use lower-case letters, digits and single hyphens, starting with a letter, at most 47 characters`,
    ],
    [
      { subnetIds: ["a"] },
      "prod-mysql: subnetIds 1 is not allowed: RDS needs subnets in at least 2 AZs",
    ],
    [
      { parameters: { read_only: "OFF" } },
      "mysql.parameters.read_only is not allowed: webstack sets it (server_id,",
    ],
  ] as [Partial<AwsMysqlClusterArgs>, string][])("%j", (patch, message) => {
    expect(() => validateAwsMysqlArgs("prod-mysql", { ...awsMysql, ...patch })).toThrow(message);
  });

  test("RDS identifiers follow project and stack, and fit RDS's 63 characters", () => {
    expect(rdsIdentifiers("webstack-prod", 2)).toEqual({
      primary: "webstack-prod-mysql-primary",
      replicas: ["webstack-prod-mysql-replica-1", "webstack-prod-mysql-replica-2"],
    });
    expect(() =>
      validateAwsMysqlArgs("x", { ...awsMysql, identifierPrefix: "a".repeat(47) }),
    ).not.toThrow();
  });
});

describe("Docker MySQL", () => {
  test.each([
    [
      { publishPort: true },
      "test-mysql: publishPort true is not allowed: only dev may publish 3306 (on 127.0.0.1)",
    ],
    [
      { memoryGb: 0.25 },
      "test-mysql: memoryGb 0.25 is not allowed: use 0.5 to 512 (the buffer pool needs 512 MiB)",
    ],
    [
      { flavour: "percona" },
      'test-mysql: flavour "percona" is not allowed: use "mysql" or "mariadb"',
    ],
    [
      { namePrefix: "Webstack Test" },
      "test-mysql: namePrefix \"Webstack Test\" is not allowed: use lower-case letters, digits, '_', '.', '-'",
    ],
    [
      { username: "App-User" },
      'test-mysql: username "App-User" is not allowed: use a lower-case identifier of up to 32 characters',
    ],
    [{ replicas: -1 }, "test-mysql: replicas -1 is not allowed: use an integer from 0 to 5"],
  ] as [Partial<DockerMysqlClusterArgs>, string][])("%j", (patch, message) => {
    expect(() =>
      validateDockerMysqlArgs("test-mysql", { ...dockerMysql, ...patch } as DockerMysqlClusterArgs),
    ).toThrow(message);
  });
});

describe("AWS Redis", () => {
  test.each([
    [{ shards: 11 }, "prod-redis: shards 11 is not allowed: use an integer from 1 to 10"],
    [{ shards: 2 }, "prod-redis: shards 2 is not allowed: prod needs at least 3"],
    [
      { shards: 2, clusterMode: false, tier: "staging" },
      "prod-redis: shards 2 is not allowed: more than 1 shard needs clusterMode",
    ],
    [
      { replicasPerShard: 0 },
      "prod-redis: replicasPerShard 0 is not allowed: prod needs automatic failover, so at least 1",
    ],
    [
      { nodeType: "cache.q1.tiny" },
      'prod-redis: nodeType "cache.q1.tiny" is not allowed: use one of cache.t4g.micro',
    ],
    [
      { snapshotRetentionDays: 1 },
      "prod-redis: snapshotRetentionDays 1 is not allowed: prod needs at least 7",
    ],
    [
      { snapshotWindow: "05:00-06:00" },
      'prod-redis: snapshotWindow "05:00-06:00" is not allowed: it overlaps maintenanceWindow sun:05:00-sun:06:00',
    ],
    [
      { identifierPrefix: "a".repeat(35) },
      `prod-redis: identifierPrefix "${"a".repeat(35)}" is not allowed: use lower-case letters, digits and single hyphens, starting with a letter, at most 34 characters`,
    ],
    [
      { engineVersion: "3.2" },
      'redis.engineVersion "3.2" is not allowed: ElastiCache runs Redis 4.0 or later',
    ],
  ] as [Partial<AwsRedisClusterArgs>, string][])("%j", (patch, message) => {
    expect(() => validateAwsRedisArgs("prod-redis", { ...awsRedis, ...patch })).toThrow(message);
  });
});

describe("Docker Redis", () => {
  test.each([
    [
      { maxmemoryMb: 1024 },
      "dev-redis: maxmemoryMb 1024 is not allowed: use less than memoryMb (1024): Redis needs headroom to fork",
    ],
    [{ memoryMb: 32 }, "dev-redis: memoryMb 32 is not allowed: use an integer from 64 to 262144"],
    [
      { layout: "sentinel" },
      'dev-redis: layout "sentinel" is not allowed: use "single" or "cluster"',
    ],
    [
      { clusterSubnet: "192.168.254.0/28" },
      'dev-redis: clusterSubnet "192.168.254.0/28" is not allowed: use an IPv4 CIDR block from /16 to /27',
    ],
    [
      { clusterSubnet: "300.1.1.0/24" },
      'dev-redis: clusterSubnet "300.1.1.0/24" is not allowed: use an IPv4 CIDR block from /16 to /27',
    ],
  ] as [Partial<DockerRedisClusterArgs>, string][])("%j", (patch, message) => {
    expect(() =>
      validateDockerRedisArgs("dev-redis", { ...dockerRedis, ...patch } as DockerRedisClusterArgs),
    ).toThrow(message);
  });

  test.each([
    ["192.168.254.0/24", "192.168.254.10", "192.168.254.20"],
    ["10.99.7.130/25", "10.99.7.138", "10.99.7.148"],
    ["172.31.255.224/27", "172.31.255.234", "172.31.255.244"],
  ])("cluster subnet %s: first node %s, create job %s", (cidr, firstNode, createJob) => {
    const subnet = cidrBase(cidr)!;
    expect(ipv4(subnet.base + 10)).toBe(firstNode);
    expect(ipv4(subnet.base + 20)).toBe(createJob);
  });
  test("every fixed address of the cluster network fits the smallest subnet allowed", () => {
    const six = (first: number) => Array.from({ length: 6 }, (_, n) => first + n);
    const hosts = [
      ...six(FIRST_NODE_HOST),
      CREATE_HOST,
      BACKUP_JOB_HOST,
      ...six(FIRST_EXPORTER_HOST),
      BACKEND_CLIENT_HOST,
    ];
    expect(new Set(hosts).size).toBe(15);
    // A /27 has hosts .1–.30; Docker takes .1 as the gateway.
    expect(CLUSTER_SUBNET_MAX_PREFIX).toBe(27);
    const lastUsable = 2 ** (32 - CLUSTER_SUBNET_MAX_PREFIX) - 2;
    expect(Math.min(...hosts)).toBeGreaterThan(1);
    expect(Math.max(...hosts)).toBeLessThanOrEqual(lastUsable);
  });

  test.each([
    ["192.168.254.28", true],
    ["0.0.0.0", true],
    ["192.168.254.256", false],
    ["192.168.254", false],
    ["192.168.254.28/27", false],
    [" 192.168.254.28", false],
    ["redis-0", false],
  ])("isIpv4(%j) is %s", (text, expected) => {
    expect(isIpv4(text)).toBe(expected);
  });
});
