// Program level: the real program for each stack under the mock runtime registers the data tier
// docs/requirements.md §1–§3 promise — RDS primary and replica, ElastiCache shape, the Docker containers —
// with encryption, protection and private networking, and never shows a password in plain text.
import { AWS_IDENTIFIER, AWS_IDENTIFIER_LIMITS } from "../../components/catalog/aws-identifiers";
import { ConfigError } from "../../components/config";
import { policies } from "../../policies/policies";
import { evaluatePolicies } from "../../tools/policy/evaluate";
import { readPackConfig } from "../../tools/policy/report";
import { WebstackMocks, redactSecrets } from "../../tools/mock-runtime/mocks";
import type { RecordedResource } from "../../tools/mock-runtime/mocks";
import { runStack, StackRun } from "../../tools/mock-runtime/run-stack";
import {
  computedOf,
  configObject,
  CONTAINER_HOUSE_SETTINGS,
  PROJECT_DIR,
  idOf,
  inputsOf,
  named,
  ofType,
  stackConfig,
  STACKS,
  synth,
  uploadOf,
  withSection,
} from "../support/program";

const RDS = "aws:rds/instance:Instance";
const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

/** Resources the data tier registered (other parts add containers, roles and templates too). */
const inDataTier = (resource: RecordedResource) => resource.urn.includes("webstack:data:");
const dataOfType = (run: StackRun, type: string) => ofType(run, type).filter(inDataTier);

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of STACKS) runs[stack] = await synth(stack);
});

type Inputs = Record<string, unknown>;

function rdsInstances(run: StackRun) {
  const all = ofType(run, RDS);
  const primaries = all.filter((r) => inputsOf(r).replicateSourceDb === undefined);
  const replicas = all.filter((r) => inputsOf(r).replicateSourceDb !== undefined);
  return { all, primaries, replicas };
}

describe.each([
  ["prod", { multiAz: true, deep: true, logDays: 30, sgSuffix: "db" }],
  ["staging", { multiAz: false, deep: false, logDays: 7, sgSuffix: "db" }],
])("%s RDS", (stack, expected) => {
  test("exactly one primary and one read replica of it, both encrypted and private", () => {
    const { all, primaries, replicas } = rdsInstances(runs[stack]);
    expect(primaries).toHaveLength(1);
    expect(replicas).toHaveLength(1);
    const primary = inputsOf(primaries[0]);
    expect(primary.identifier).toBe(`webstack-${stack}-mysql-primary`);
    expect(inputsOf(replicas[0])).toMatchObject({
      identifier: `webstack-${stack}-mysql-replica-1`,
      replicateSourceDb: primary.identifier,
    });
    const dbGroup = named(runs[stack], `${stack}-network-db-sg`);
    for (const instance of all.map(inputsOf)) {
      expect(instance).toMatchObject({
        storageEncrypted: true,
        storageType: "gp3",
        publiclyAccessible: false,
        vpcSecurityGroupIds: [idOf(dbGroup)],
        copyTagsToSnapshot: true,
        autoMinorVersionUpgrade: true,
        enabledCloudwatchLogsExports: ["error", "slowquery"],
      });
    }
  });

  test(`the primary is ${expected.multiAz ? "" : "not "}multi-AZ, backed up and leaves a final snapshot`, () => {
    const primary = inputsOf(rdsInstances(runs[stack]).primaries[0]);
    expect(primary).toMatchObject({
      engine: "mysql",
      engineVersion: "8.4",
      multiAz: expected.multiAz,
      backupRetentionPeriod: 7,
      backupWindow: "02:00-03:00",
      maintenanceWindow: "sun:04:00-sun:05:00",
      skipFinalSnapshot: false,
      deletionProtection: true,
      deleteAutomatedBackups: false,
      dbName: "labelmedix",
      username: "app",
    });
    const suffix = named(runs[stack], `${stack}-mysql-final-snapshot-suffix`);
    expect(primary.finalSnapshotIdentifier).toBe(
      `webstack-${stack}-mysql-primary-final-${computedOf(suffix, "hex")}`,
    );
  });

  test("both instances are protected from deletion, in AWS and in Pulumi", () => {
    for (const instance of rdsInstances(runs[stack]).all) {
      expect([instance.name, instance.protect, inputsOf(instance).deletionProtection]).toEqual([
        instance.name,
        true,
        true,
      ]);
    }
  });

  test("the DB subnet group holds the private subnets only; the replica inherits it", () => {
    const run = runs[stack];
    const [group] = ofType(run, "aws:rds/subnetGroup:SubnetGroup");
    const privateSubnets = ofType(run, "aws:ec2/subnet:Subnet")
      .filter((s) => s.name.includes("-private-"))
      .map(idOf);
    expect(inputsOf(group).subnetIds).toEqual(privateSubnets);
    const { primaries, replicas } = rdsInstances(run);
    expect(inputsOf(primaries[0]).dbSubnetGroupName).toBe(computedOf(group, "name"));
    expect(inputsOf(replicas[0]).dbSubnetGroupName).toBeUndefined();
  });

  test("the parameter group carries the rendered settings, sized for the instance class", () => {
    const run = runs[stack];
    const [group] = ofType(run, "aws:rds/parameterGroup:ParameterGroup");
    const inputs = inputsOf(group);
    expect(inputs.family).toBe("mysql8.4");
    const values = Object.fromEntries(
      (inputs.parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]),
    );
    expect(values).toMatchObject({
      binlog_format: "ROW",
      "gtid-mode": "ON",
      enforce_gtid_consistency: "ON",
      character_set_server: "utf8mb4",
      slow_query_log: "1",
      log_output: "FILE",
    });
    // 70 % of the class's memory, rounded down to whole chunks × instances (see docs/data.md).
    const memoryGiB = stack === "prod" ? 16 : 8;
    const pool = Number(values.innodb_buffer_pool_size);
    expect(pool).toBeLessThanOrEqual(memoryGiB * 0.7 * 1024 ** 3);
    expect(pool).toBeGreaterThan(memoryGiB * 0.6 * 1024 ** 3);
    for (const instance of rdsInstances(run).all) {
      expect(inputsOf(instance).parameterGroupName).toBe(computedOf(group, "name"));
    }
  });

  test(`Performance Insights and enhanced monitoring ${expected.deep ? "on" : "off"}`, () => {
    const run = runs[stack];
    const roles = dataOfType(run, "aws:iam/role:Role");
    for (const instance of rdsInstances(run).all.map(inputsOf)) {
      expect(instance.performanceInsightsEnabled).toBe(expected.deep);
      expect(instance.monitoringInterval).toBe(expected.deep ? 60 : 0);
      expect(instance.monitoringRoleArn).toBe(
        expected.deep ? computedOf(roles[0], "arn") : undefined,
      );
    }
    expect(roles).toHaveLength(expected.deep ? 1 : 0);
    if (expected.deep) {
      expect(JSON.parse(inputsOf(roles[0]).assumeRolePolicy as string).Statement).toEqual([
        {
          Effect: "Allow",
          Principal: { Service: "monitoring.rds.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ]);
      const [attachment] = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
      expect(inputsOf(attachment).policyArn).toMatch(
        /^arn:.*:iam::aws:policy\/service-role\/AmazonRDSEnhancedMonitoringRole$/,
      );
    }
  });

  test(`each instance's error and slow-query logs are kept ${expected.logDays} days`, () => {
    const groups = ofType(runs[stack], LOG_GROUP).map(inputsOf);
    for (const instance of rdsInstances(runs[stack]).all) {
      for (const log of ["error", "slowquery"]) {
        expect(groups).toContainEqual(
          expect.objectContaining({
            name: `/aws/rds/instance/${inputsOf(instance).identifier}/${log}`,
            retentionInDays: expected.logDays,
          }),
        );
      }
    }
  });
});

test.each(["dev", "test"])("%s registers no RDS or ElastiCache", (stack) => {
  expect(ofType(runs[stack], RDS)).toEqual([]);
  expect(ofType(runs[stack], RG)).toEqual([]);
});

test.each(["staging", "prod"])(
  "%s: RDS and ElastiCache identifiers are the name prefix plus at most the catalog's longest suffix",
  (stack) => {
    const prefix = `webstack-${stack}`;
    const [rds, elasticache] = AWS_IDENTIFIER_LIMITS;
    const ids = [
      ...ofType(runs[stack], RDS).map((r) => [inputsOf(r).identifier, rds] as const),
      ...ofType(runs[stack], RG).map((r) => [inputsOf(r).replicationGroupId, elasticache] as const),
    ];
    expect(ids.length).toBeGreaterThanOrEqual(3);
    for (const [id, limit] of ids) {
      expect(id).toMatch(AWS_IDENTIFIER);
      expect(String(id).startsWith(prefix)).toBe(true);
      expect(String(id).length - prefix.length).toBeLessThanOrEqual(limit.longestSuffix.length);
    }
  },
);

describe("ElastiCache", () => {
  test("prod: cluster mode, 3 shards × 1 replica, both encryptions, failover across AZs", () => {
    const [group] = ofType(runs.prod, RG);
    expect(inputsOf(group)).toMatchObject({
      replicationGroupId: "webstack-prod-redis",
      engine: "redis",
      engineVersion: "7.1",
      nodeType: "cache.m6g.large",
      clusterMode: "enabled",
      numNodeGroups: 3,
      replicasPerNodeGroup: 1,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      snapshotRetentionLimit: 7,
      snapshotWindow: "03:00-04:00",
      maintenanceWindow: "sun:05:00-sun:06:00",
    });
    expect(group.protect).toBe(true);
    expect(runs.prod.outputs.redisEndpoint).toBe(computedOf(group, "configurationEndpointAddress"));
    expect(runs.prod.outputs.redisTls).toBe(true);
  });

  test("staging: one shard with one replica, failover and multi-AZ, primary endpoint", () => {
    const [group] = ofType(runs.staging, RG);
    expect(inputsOf(group)).toMatchObject({
      clusterMode: "disabled",
      numNodeGroups: 1,
      replicasPerNodeGroup: 1,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
    });
    expect(group.protect).toBe(true);
    expect(runs.staging.outputs.redisEndpoint).toBe(computedOf(group, "primaryEndpointAddress"));
  });

  test.each([
    ["prod", [["cluster-enabled", "yes"]], 30],
    ["staging", [], 7],
  ] as const)(
    "%s: private subnets, cache security group, LRU parameters (+%j), slow log kept %i days",
    (stack, extra, days) => {
      const run = runs[stack];
      const group = inputsOf(ofType(run, RG)[0]);
      const [subnets] = ofType(run, "aws:elasticache/subnetGroup:SubnetGroup");
      const [params] = ofType(run, "aws:elasticache/parameterGroup:ParameterGroup");
      const privateSubnets = ofType(run, "aws:ec2/subnet:Subnet")
        .filter((s) => s.name.includes("-private-"))
        .map(idOf);
      expect(inputsOf(subnets).subnetIds).toEqual(privateSubnets);
      expect(group.subnetGroupName).toBe(computedOf(subnets, "name"));
      expect(group.securityGroupIds).toEqual([idOf(named(run, `${stack}-network-cache-sg`))]);
      expect(inputsOf(params).family).toBe("redis7");
      const values = (inputsOf(params).parameters as { name: string; value: string }[]).map((p) => [
        p.name,
        p.value,
      ]);
      expect(values).toEqual(
        expect.arrayContaining([["maxmemory-policy", "allkeys-lru"], ...extra.map((e) => [...e])]),
      );
      expect(values.some(([name]) => name === "cluster-enabled")).toBe(extra.length > 0);
      expect(group.parameterGroupName).toBe(computedOf(params, "name"));
      const slowLog = ofType(run, LOG_GROUP).find((g) => g.name === `${stack}-redis-slow-log`)!;
      expect(inputsOf(slowLog).retentionInDays).toBe(days);
      expect(group.logDeliveryConfigurations).toEqual([
        {
          destination: inputsOf(slowLog).name,
          destinationType: "cloudwatch-logs",
          logFormat: "json",
          logType: "slow-log",
        },
      ]);
    },
  );
});

describe.each(STACKS)("%s outputs", (stack) => {
  test("the application's connection outputs exist; passwords and tokens are secret", () => {
    const { outputs, secretOutputs } = runs[stack];
    for (const key of [
      "databaseWriteEndpoint",
      "databaseReadEndpoint",
      "databasePort",
      "databaseName",
      "databaseUser",
      "databasePassword",
      "redisEndpoint",
      "redisPort",
      "redisTls",
      "redisAuthToken",
    ]) {
      expect([key, outputs[key]]).toEqual([key, expect.anything()]);
    }
    expect(outputs.databasePort).toBe(3306);
    expect(outputs.redisPort).toBe(6379);
    expect(outputs.databaseName).toBe("labelmedix");
    expect([...secretOutputs].sort()).toEqual(["databasePassword", "redisAuthToken"]);
  });

  test("reads go to a replica wherever one exists", () => {
    const { outputs } = runs[stack];
    if (stack === "dev") expect(outputs.databaseReadEndpoint).toBe(outputs.databaseWriteEndpoint);
    else expect(outputs.databaseReadEndpoint).not.toBe(outputs.databaseWriteEndpoint);
  });
});

/** Every string under a key that names a secret, anywhere in `value`, with its path. */
function secretLookingStrings(value: unknown, path = ""): [string, string][] {
  if (Array.isArray(value))
    return value.flatMap((v, i) => secretLookingStrings(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value as Inputs).flatMap(([key, v]) => {
      const here = path ? `${path}.${key}` : key;
      return typeof v === "string" && /pass(word)?|secret|token|auth/i.test(key)
        ? [[here, v] as [string, string]]
        : secretLookingStrings(v, here);
    });
  }
  return [];
}

describe.each(STACKS)("%s secrets", (stack) => {
  test("no generated password appears in the redacted resources synth writes", () => {
    const redacted = runs[stack].resources.map((r) => ({
      name: r.name,
      inputs: redactSecrets(r.inputs),
    }));
    const generators = ofType(runs[stack], "random:index/randomPassword:RandomPassword");
    expect(generators.length).toBeGreaterThanOrEqual(2);
    const leaks = redacted.flatMap((r) =>
      generators
        .map((g) => computedOf(g, "result"))
        .filter((value) => JSON.stringify(r.inputs).includes(value))
        .map((value) => `${r.name} shows ${value}`),
    );
    expect(leaks).toEqual([]);
    const plain = redacted
      .filter((r) => inDataTier(named(runs[stack], r.name)))
      .flatMap((r) => secretLookingStrings(r.inputs).filter(([, v]) => v !== "[secret]"));
    expect(plain).toEqual([]);
  });

  test("containers get secrets as files: every secret-named variable is a *_FILE path", () => {
    for (const container of ofType(runs[stack], CONTAINER)) {
      const envs = (inputsOf(container).envs as string[] | undefined) ?? [];
      const secretNamed = envs
        .map((e) => e.slice(0, e.indexOf("=")))
        .filter((n) => /pass|secret|token|auth|key/i.test(n));
      expect(secretNamed.filter((n) => !n.endsWith("_FILE"))).toEqual([]);
    }
  });
});

describe.each(["dev", "test"])("%s Docker data containers", (stack) => {
  const prefix = `webstack-${stack}`;
  const config = (key: string) => configObject(stackConfig(stack), key);

  test("pinned images, restart policy, health checks and log rotation on every server", () => {
    const servers = dataOfType(runs[stack], CONTAINER);
    expect(servers.map((c) => inputsOf(c).name).sort()).toEqual(
      [
        `${prefix}-mysql-primary`,
        ...(stack === "test" ? [`${prefix}-mysql-replica-1`] : []),
        `${prefix}-redis`,
      ].sort(),
    );
    for (const container of servers) {
      const inputs = inputsOf(container);
      const isMysql = String(inputs.name).includes("-mysql-");
      expect(inputs.image).toBe(isMysql ? "mysql:8.4.4" : "redis:7.2.7");
      expect(inputs).toMatchObject(CONTAINER_HOUSE_SETTINGS);
      const tests = (inputs.healthcheck as { tests: string[] }).tests;
      if (isMysql) expect(tests).toEqual(["CMD", "mysqladmin", "ping", "--silent"]);
      else expect(tests[0]).toBe("CMD-SHELL");
    }
    for (const image of dataOfType(runs[stack], "docker:index/remoteImage:RemoteImage")) {
      expect(inputsOf(image).name).toMatch(/^(mysql:8\.4\.4|redis:7\.2\.7)$/);
    }
  });

  test("only the internal data network; only dev publishes, on 127.0.0.1, through a bridge with a gateway", () => {
    // Docker maps no published port of a container whose networks are all internal
    // (moby/moby#36174), so the published primary must also sit on a non-internal network.
    const publishes = stack === "dev";
    const networks = new Map(
      dataOfType(runs[stack], "docker:index/network:Network").map((n) => [
        inputsOf(n).name,
        inputsOf(n).internal,
      ]),
    );
    expect(networks.get(`${prefix}-mysql-published`)).toBe(publishes ? false : undefined);
    for (const container of dataOfType(runs[stack], CONTAINER)) {
      const inputs = inputsOf(container);
      const isPublished = publishes && inputs.name === `${prefix}-mysql-primary`;
      expect([
        inputs.name,
        (inputs.networksAdvanced as { name: string }[]).map((n) => n.name),
      ]).toEqual([
        inputs.name,
        isPublished ? [`${prefix}-mysql-published`, `${prefix}-data`] : [`${prefix}-data`],
      ]);
      const published = (inputs.ports as { ip: string; internal: number }[] | undefined) ?? [];
      const expected = isPublished ? [{ internal: 3306, external: 3306, ip: "127.0.0.1" }] : [];
      expect([inputs.name, published]).toEqual([inputs.name, expected]);
    }
  });

  test("data lives on named volumes that survive the container and pulumi destroy", () => {
    const volumes = dataOfType(runs[stack], VOLUME);
    expect(volumes.length).toBe(stack === "test" ? 3 : 2);
    for (const volume of volumes) {
      expect(volume.retainOnDelete).toBe(true);
      expect(inputsOf(volume).name).toMatch(new RegExp(`^${prefix}-`));
    }
    for (const container of dataOfType(runs[stack], CONTAINER)) {
      const inputs = inputsOf(container);
      const [mount] = inputs.volumes as { volumeName: string; containerPath: string }[];
      const isMysql = String(inputs.name).includes("-mysql-");
      expect(mount.containerPath).toBe(isMysql ? "/var/lib/mysql" : "/data");
      expect(volumes.map((v) => inputsOf(v).name)).toContain(mount.volumeName);
    }
  });

  test("MySQL gets the rendered my.cnf, its first-start script and its secrets as files", () => {
    const primary = named(runs[stack], `${stack}-mysql-primary`);
    const cnf = uploadOf(primary, "/etc/mysql/conf.d/webstack.cnf");
    expect(cnf.permissions).toBe("0644");
    expect(cnf.content).toBe(runs[stack].files["mysql/primary.cnf"]);
    expect(cnf.content).toMatch(/^server_id = 1$/m);
    // 2 GiB container: the documented 1408 MiB pool.
    expect(cnf.content).toMatch(/^innodb_buffer_pool_size = 1408M$/m);
    expect(inputsOf(primary).memory).toBe(Number(config("webstack:mysql").memoryGb) * 1024);
    const init = uploadOf(primary, "/docker-entrypoint-initdb.d/50-webstack.sh");
    expect(init.permissions).toBe("0755");
    expect(init.content).toBe(runs[stack].files["mysql/first-start.sh"]);
    const envs = inputsOf(primary).envs as string[];
    expect(envs).toEqual([
      "MYSQL_ROOT_PASSWORD_FILE=/run/secrets/mysql-root-password",
      "WEBSTACK_DB_PASSWORD_FILE=/run/secrets/mysql-app-password",
      "WEBSTACK_REPLICATION_PASSWORD_FILE=/run/secrets/mysql-replication-password",
      // The backup job's and the exporters' logins (operations users).
      "WEBSTACK_BACKUP_PASSWORD_FILE=/run/secrets/mysql-backup-password",
      "WEBSTACK_MONITOR_PASSWORD_FILE=/run/secrets/mysql-monitor-password",
      "WEBSTACK_ROLE=primary",
      "WEBSTACK_DATABASE=labelmedix",
      "WEBSTACK_DB_USER=app",
      "WEBSTACK_BACKUP_USER=webstack_backup",
      "WEBSTACK_RESTORE_TEST_PREFIX=webstack_restore_test",
      "WEBSTACK_MONITOR_USER=webstack_monitor",
      "WEBSTACK_FLAVOUR=mysql",
      "WEBSTACK_REPLICATION_USER=replicator",
    ]);
    for (const variable of envs.filter((e) => e.includes("_FILE="))) {
      const secret = uploadOf(primary, variable.split("=")[1]);
      expect(secret).toMatchObject({ permissions: "0400", owner: "999" });
    }
  });

  test("Redis runs the rendered redis.conf and authenticates its health check from a file", () => {
    const redis = named(runs[stack], `${stack}-redis-redis`);
    const inputs = inputsOf(redis);
    expect(inputs.command).toEqual(["redis-server", "/usr/local/etc/redis/redis.conf"]);
    const conf = uploadOf(redis, "/usr/local/etc/redis/redis.conf");
    expect(conf.content).toBe(runs[stack].files["redis/redis.conf"]);
    expect(conf.content).toMatch(/^maxmemory 768mb$/m);
    expect(conf.content).toMatch(/^maxmemory-policy allkeys-lru$/m);
    const token = named(runs[stack], `${stack}-redis-auth-token`);
    expect(conf.content).toContain(`requirepass "${computedOf(token, "result")}"`);
    expect(uploadOf(redis, "/run/secrets/redis-password").content).toBe(
      computedOf(token, "result"),
    );
    expect((inputs.healthcheck as { tests: string[] }).tests[1]).toContain(
      "/run/secrets/redis-password",
    );
    // The secret-bearing uploads are secret in the recorded inputs, so synth shows "[secret]".
    expect(redactSecrets(redis.inputs)).toMatchObject({ uploads: "[secret]" });
    expect(runs[stack].outputs.redisTls).toBe(false);
  });
});

test("test: one replica container that follows the primary and cannot write", () => {
  const run = runs.test;
  const primary = named(run, "test-mysql-primary");
  const replica = named(run, "test-mysql-replica-1");
  const aliases = (c: RecordedResource) =>
    (inputsOf(c).networksAdvanced as { aliases: string[] }[])[0].aliases;
  expect(aliases(primary)).toEqual(["mysql-primary"]);
  const setup = uploadOf(replica, "/docker-entrypoint-initdb.d/50-webstack.sh").content;
  expect(setup).toBe(run.files["mysql/first-start.sh"]);
  const cnf = uploadOf(replica, "/etc/mysql/conf.d/webstack.cnf").content;
  expect(cnf).toBe(run.files["mysql/replica-1.cnf"]);
  expect(cnf).toMatch(/^server_id = 2$/m);
  expect(cnf).toMatch(/^read_only = ON$/m);
  // The replica must not create users or a database of its own before following the primary.
  expect(inputsOf(replica).envs).toEqual([
    "MYSQL_ROOT_PASSWORD_FILE=/run/secrets/mysql-root-password",
    "WEBSTACK_REPLICATION_PASSWORD_FILE=/run/secrets/mysql-replication-password",
    "MYSQL_INITDB_SKIP_TZINFO=1",
    "WEBSTACK_ROLE=replica",
    "WEBSTACK_PRIMARY_HOST=mysql-primary",
    "WEBSTACK_FLAVOUR=mysql",
    "WEBSTACK_REPLICATION_USER=replicator",
  ]);
  expect(run.outputs.databaseReadEndpoint).toBe("mysql-replica-1");
  // Both containers get the same generated secrets.
  for (const file of [
    "/run/secrets/mysql-root-password",
    "/run/secrets/mysql-replication-password",
  ]) {
    expect(uploadOf(replica, file).content).toBe(uploadOf(primary, file).content);
  }
});

describe("Docker cluster layout (redis.layout: cluster)", () => {
  let run: StackRun;
  beforeAll(async () => {
    // The smallest subnet the config allows: every fixed address must fit it.
    const cluster = { layout: "cluster", clusterSubnet: "192.168.77.0/27" };
    run = await synth("dev", withSection(stackConfig("dev"), "webstack:redis", cluster));
  });

  test("six nodes with fixed addresses on an internal network of their own", () => {
    const network = ofType(run, "docker:index/network:Network").find(
      (n) => inputsOf(n).name === "webstack-dev-redis-cluster",
    )!;
    expect(inputsOf(network)).toMatchObject({
      internal: true,
      ipamConfigs: [{ subnet: "192.168.77.0/27" }],
    });
    const nodes = ofType(run, CONTAINER).filter((c) => /-redis-redis-\d$/.test(c.name));
    expect(nodes).toHaveLength(6);
    nodes.forEach((node, n) => {
      const inputs = inputsOf(node);
      expect(inputs.networksAdvanced).toEqual([
        {
          name: "webstack-dev-redis-cluster",
          ipv4Address: `192.168.77.${10 + n}`,
          aliases: [`redis-${n}`],
        },
      ]);
      expect(inputs.ports ?? []).toEqual([]);
      expect(uploadOf(node, "/usr/local/etc/redis/redis.conf").content).toBe(
        run.files[`redis/node-${n}.conf`],
      );
      expect(run.files[`redis/node-${n}.conf`]).toMatch(/^cluster-enabled yes$/m);
    });
    const volumes = ofType(run, VOLUME).filter((v) => /-redis-redis-\d-data$/.test(v.name));
    expect(volumes.map((v) => v.retainOnDelete)).toEqual(Array(6).fill(true));
    expect(run.outputs.redisEndpoint).toBe("redis-0");
  });

  test("the policy pack finds nothing in the cluster layout either", async () => {
    expect(await dataFindings(run)).toEqual([]);
  });

  test("a one-shot create job joins the six nodes with the password from a file", () => {
    const job = named(run, "dev-redis-cluster-create");
    const inputs = inputsOf(job);
    expect(inputs).toMatchObject({ restart: "no", mustRun: false, image: "redis:7.2.7" });
    expect(inputs.command).toEqual(["sh", "/usr/local/bin/create-cluster.sh"]);
    expect(inputs.envs).toEqual([
      "REDIS_NODES=" + [10, 11, 12, 13, 14, 15].map((h) => `192.168.77.${h}:6379`).join(" "),
      "REDIS_PASSWORD_FILE=/run/secrets/redis-password",
    ]);
    const script = uploadOf(job, "/usr/local/bin/create-cluster.sh").content;
    expect(script).toBe(run.files["redis/create-cluster.sh"]);
    const token = named(run, "dev-redis-auth-token");
    expect(uploadOf(job, "/run/secrets/redis-password").content).toBe(computedOf(token, "result"));
  });

  test("every container on the cluster network has its own fixed address inside the /27", () => {
    const addresses = ofType(run, CONTAINER).flatMap((c) =>
      ((inputsOf(c).networksAdvanced as { name: string; ipv4Address?: string }[]) ?? [])
        .filter((n) => n.name === "webstack-dev-redis-cluster")
        .map((n) => [inputsOf(c).name, n.ipv4Address]),
    );
    // Six nodes, the create job, the backup job, six exporters and the backend.
    expect(addresses).toHaveLength(15);
    const hosts = addresses.map(([, address]) =>
      Number(/^192\.168\.77\.(\d+)$/.exec(String(address))?.[1]),
    );
    expect(new Set(hosts).size).toBe(15);
    // A /27 has hosts .1–.30; Docker's gateway takes .1.
    for (const host of hosts) expect(host > 1 && host <= 30).toBe(true);
  });
});

/** Policy findings on the data tier's resources (the edge part owns the load balancer rule). */
async function dataFindings(run: StackRun): Promise<string[]> {
  const dataNames = new Set(run.resources.filter(inDataTier).map((r) => r.name));
  const results = await evaluatePolicies(
    policies,
    run.resources,
    readPackConfig(PROJECT_DIR, run.stack),
  );
  return results
    .filter((r) => r.policy !== "webstack-security-internet-only-at-load-balancer")
    .flatMap((r) => [
      ...r.violations
        .filter((v) => v.resource === undefined || dataNames.has(v.resource))
        .map((v) => `${r.policy}: ${v.resource}: ${v.message}`),
      ...r.notes.map((note) => `${r.policy}: ${note}`),
    ]);
}

test.each(STACKS)("%s: the policy pack finds nothing in the data tier", async (stack) => {
  expect(await dataFindings(runs[stack])).toEqual([]);
});

describe("bad input is a config error naming the key, before anything is registered", () => {
  test.each<[string, string, string, Inputs, string]>([
    ["6 replicas", "prod", "mysql", { replicas: 6 }, "webstack:mysql.replicas"],
    ["0 shards", "prod", "redis", { shards: 0 }, "webstack:redis.shards"],
    ["11 shards", "prod", "redis", { shards: 11 }, "webstack:redis.shards"],
    [
      "an unknown instance class",
      "prod",
      "mysql",
      { instanceClass: "db.x9.huge" },
      "webstack:mysql.instanceClass",
    ],
    [
      "an unknown node type",
      "staging",
      "redis",
      { nodeType: "cache.q1.tiny" },
      "webstack:redis.nodeType",
    ],
    [
      "maxmemory above the node",
      "dev",
      "redis",
      { memoryMb: 512, maxmemoryMb: 600 },
      "webstack:redis.maxmemoryMb",
    ],
    [
      "a backup window overlapping maintenance",
      "prod",
      "mysql",
      { backupWindow: "04:30-05:30" },
      "webstack:mysql.backupWindow",
    ],
    [
      "a snapshot window overlapping maintenance",
      "staging",
      "redis",
      { snapshotWindow: "05:30-06:30" },
      "webstack:redis.snapshotWindow",
    ],
    [
      "a parameter webstack owns",
      "dev",
      "mysql",
      { parameters: { server_id: 7 } },
      "webstack:mysql.parameters.server_id",
    ],
  ])("%s (%s)", async (_what, stack, section, patch, key) => {
    const mocks = new WebstackMocks();
    const config = withSection(stackConfig(stack), `webstack:${section}`, patch);
    const failure = runStack(stack, config, undefined, mocks);
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(`Pulumi.${stack}.yaml: ${key} `);
    expect(mocks.resources).toEqual([]);
  });
});
