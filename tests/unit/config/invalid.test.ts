// Every class of invalid input is refused with one error naming the file, the key, what is
// allowed and the value found.
import { ConfigError, parseStackConfig } from "../../../components/config";
import type { RawStackConfig } from "../../../components/config";
import { configObject, stackConfig, withConfig } from "../../support/program";

const TODAY = "2026-11-22";

function problemsFor(
  stack: string,
  changes: Record<string, unknown>,
  secretKeys: string[] = [],
  today = TODAY,
): string[] {
  const config = withConfig(stackConfig(stack), changes, secretKeys);
  const raw: RawStackConfig = {
    project: "webstack",
    stack,
    values: config.values,
    secretKeys: new Set(config.secretKeys),
  };
  try {
    parseStackConfig(raw, today);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

/** Merges `patch` into one section of the committed stack file. */
function section(stack: string, key: string, patch: Record<string, unknown>) {
  return {
    [`webstack:${key}`]: { ...configObject(stackConfig(stack), `webstack:${key}`), ...patch },
  };
}

describe("one field wrong: the exact message", () => {
  test.each([
    [
      "prod",
      section("prod", "mysql", { replicas: -1 }),
      "Pulumi.prod.yaml: webstack:mysql.replicas must be an integer from 0 to 5 (got -1)",
    ],
    [
      "prod",
      section("prod", "mysql", { replicas: 1.5 }),
      "Pulumi.prod.yaml: webstack:mysql.replicas must be an integer from 0 to 5 (got 1.5)",
    ],
    [
      "prod",
      section("prod", "mysql", { replicas: "two" }),
      'Pulumi.prod.yaml: webstack:mysql.replicas must be an integer from 0 to 5 (got "two")',
    ],
    [
      "prod",
      section("prod", "redis", { shards: 11 }),
      "Pulumi.prod.yaml: webstack:redis.shards must be an integer from 1 to 10 (got 11)",
    ],
    [
      "dev",
      { "webstack:target": "kubernetes" },
      'Pulumi.dev.yaml: webstack:target must be one of "docker", "aws" (got "kubernetes")',
    ],
    [
      "prod",
      section("prod", "mysql", { instanceClass: "db.x9.huge" }),
      "Pulumi.prod.yaml: webstack:mysql.instanceClass must be a known RDS instance class",
    ],
    [
      "prod",
      section("prod", "redis", { nodeType: "cache.q1.tiny" }),
      "Pulumi.prod.yaml: webstack:redis.nodeType must be a known ElastiCache node type",
    ],
    [
      "test",
      { "webstack:domains": ["test.labelmedix.com", "Bad_Name!"] },
      'Pulumi.test.yaml: webstack:domains[1] must be a valid lower-case hostname (dot-separated labels of a-z, 0-9 and inner hyphens) (got "Bad_Name!")',
    ],
    [
      "dev",
      section("dev", "edge", { rateLimits: { api: { ratePerSecond: 0, burst: 20 } } }),
      "Pulumi.dev.yaml: webstack:edge.rateLimits.api.ratePerSecond must be an integer from 1 to 10 (got 0)",
    ],
    [
      "dev",
      section("dev", "edge", { rateLimits: { login: { ratePerSecond: 1, burst: -5 } } }),
      "Pulumi.dev.yaml: webstack:edge.rateLimits.login.burst must be an integer from 1 to 100000 (got -5)",
    ],
    [
      "dev",
      section("dev", "app", { backendPort: 70000 }),
      "Pulumi.dev.yaml: webstack:app.backendPort must be an integer from 1 to 65535 (got 70000)",
    ],
    [
      "dev",
      section("dev", "edge", { tlsProtocols: ["TLSv1", "TLSv1.2"] }),
      'Pulumi.dev.yaml: webstack:edge.tlsProtocols must list only "TLSv1.2" and "TLSv1.3" (older protocols are refused) (got ["TLSv1","TLSv1.2"])',
    ],
    [
      "dev",
      section("dev", "mysql", { image: "mysql:latest" }),
      'Pulumi.dev.yaml: webstack:mysql.image must be a valid image reference pinned to a version tag or digest, e.g. "mysql:8.4.4" (never "latest" or no tag) (got "mysql:latest")',
    ],
    [
      "dev",
      section("dev", "mysql", { username: "root" }),
      'Pulumi.dev.yaml: webstack:mysql.username must not be a reserved account name (root, admin, rdsadmin, mysql, replication, repl, replicator, webstack_backup, webstack_monitor) (got "root")',
    ],
  ])("%s %j", (stack, changes, expected) => {
    const problems = problemsFor(stack, changes);
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(expected)).toBe(true);
  });
});

describe("unknown keys are errors, never ignored", () => {
  test("a typo in a nested key names the key and suggests the right one", () => {
    const mysql = configObject(stackConfig("prod"), "webstack:mysql");
    expect(problemsFor("prod", { "webstack:mysql": { ...mysql, replicaz: 2 } })).toEqual([
      expect.stringMatching(
        /^Pulumi\.prod\.yaml: webstack:mysql\.replicaz is not a known key \(known: .*\); did you mean "replicas"\? \(got 2\)$/,
      ),
    ]);
  });

  test("an unknown top-level key", () => {
    expect(problemsFor("dev", { "webstack:mysqll": { replicas: 0 } })).toEqual([
      expect.stringMatching(
        /^Pulumi\.dev\.yaml: webstack:mysqll is not a known key .*did you mean "mysql"\?/,
      ),
    ]);
  });

  test("a key in an unknown namespace (a typo of webstack)", () => {
    expect(problemsFor("dev", { "webstak:owner": "x" })).toEqual([
      'Pulumi.dev.yaml: webstak:owner is in an unknown namespace (known: webstack, aws, docker, random, tls, pulumi) (got "x")',
    ]);
  });

  test.each(["password", "rootPassword", "apiToken"])(
    "a password-like key (%s) is refused with the reason",
    (key) => {
      const mysql = configObject(stackConfig("dev"), "webstack:mysql");
      const [message] = problemsFor("dev", {
        "webstack:mysql": { ...mysql, [key]: "rootpassword" },
      });
      expect(message).toContain(
        `webstack:mysql.${key} is not allowed: passwords and tokens are generated`,
      );
    },
  );
});

describe("secrets", () => {
  test("a secret key in plain text is refused without echoing the value", () => {
    const [message] = problemsFor("dev", { "webstack:alertWebhookUrl": "https://hooks.example/x" });
    expect(message).toBe(
      'Pulumi.dev.yaml: webstack:alertWebhookUrl must be stored encrypted: run "pulumi config set --secret alertWebhookUrl <value>" (got "[plain text withheld]")',
    );
    expect(message).not.toContain("hooks.example");
  });

  test.each(["password", "rootpassword", "secure-password"])(
    "the seeds' weak password %s is refused even as an encrypted secret",
    (weak) => {
      const problems = problemsFor("test", { "webstack:smtpPassword": weak }, [
        "webstack:smtpPassword",
      ]);
      expect(problems).toEqual([
        'Pulumi.test.yaml: webstack:smtpPassword is a well-known weak value; choose a strong one (got "[secret withheld]")',
      ]);
    },
  );

  test.each([
    ["dev", "alertWebhookUrl", "hooks.example.com/alerts", "an http or https URL"],
    ["dev", "slackWebhookUrl", "ftp://hooks.example.com/x", "an http or https URL"],
    ["dev", "deadMansSwitchUrl", "https://", "an http or https URL"],
    ["staging", "alertWebhookUrl", "http://hooks.example.com/alerts", "an https URL"],
  ])(
    "%s: an encrypted %s that is not a URL of the allowed scheme is refused",
    (stack, key, url, allowed) => {
      const problems = problemsFor(stack, { [`webstack:${key}`]: url }, [`webstack:${key}`]);
      expect(problems).toEqual([
        `Pulumi.${stack}.yaml: webstack:${key} must be ${allowed} such as https://hooks.example.com/… (got "[secret withheld]")`,
      ]);
    },
  );

  test.each([
    ["dev", "http://relay.internal:8080/alertmanager"],
    ["staging", "https://hooks.example.com/alerts?token=x"],
    // A `secure:` value synth cannot decrypt: its format is unknown, so it passes.
    ["dev", "<secret:webstack:alertWebhookUrl>"],
    ["staging", "<secret:webstack:alertWebhookUrl>"],
  ])("%s: an encrypted webhook URL %s is accepted", (stack, url) => {
    const secret = { "webstack:alertWebhookUrl": url };
    expect(problemsFor(stack, secret, ["webstack:alertWebhookUrl"])).toEqual([]);
  });

  test("an encrypted value in a non-secret key is refused (it would leak into plain outputs)", () => {
    const [message] = problemsFor("dev", { "webstack:owner": "team" }, ["webstack:owner"]);
    expect(message).toMatch(/^Pulumi\.dev\.yaml: webstack:owner holds an encrypted value/);
  });
});

describe("the name prefix <project>-<stack> on AWS", () => {
  /** prod's committed values under another project or stack name. */
  function named(project: string, stack: string): string[] {
    const values = { ...stackConfig("prod").values, "webstack:environment": "prod" };
    try {
      parseStackConfig({ project, stack, values, secretKeys: new Set() }, TODAY);
    } catch (error) {
      if (error instanceof ConfigError) return [...error.problems];
      throw error;
    }
    return [];
  }
  // AWS's rules for RDS DB instance and ElastiCache replication group identifiers: a letter first,
  // letters, digits and hyphens, no two hyphens in a row, no hyphen last (stored lower-case).
  const RULE =
    "must be lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen, as it starts RDS DB instance identifiers and ElastiCache replication group ids";

  test.each([
    ["webstack", "Prod"],
    ["webstack", "prod_eu"],
    ["webstack", "prod--eu"],
    ["webstack", "prod-"],
    ["web.stack", "prod"],
    ["1webstack", "prod"],
  ])("project %s, stack %s is refused, naming the stack", (project, stack) => {
    expect(named(project, stack)).toEqual([
      `Pulumi.${stack}.yaml: stack "${stack}" of project "${project}": the name prefix "${project}-${stack}" ${RULE}`,
    ]);
  });

  test("a prefix over 34 characters is refused: ElastiCache's replication group id holds 40", () => {
    const stack = "prod-eu-central-1-blue-gre"; // webstack-<this> is 35 characters
    expect(named("webstack", stack)).toEqual([
      `Pulumi.${stack}.yaml: stack "${stack}" of project "webstack": the name prefix "webstack-${stack}" must be at most 34 characters (it has 35): the ElastiCache replication group id "webstack-${stack}-redis" may have at most 40`,
    ]);
  });

  test("34 characters, digits and single hyphens are accepted", () => {
    expect(named("webstack", "prod-eu-central-1-blue-gr")).toEqual([]);
    expect(named("web-stack2", "prod")).toEqual([]);
  });

  test("the Docker target has no such limit", () => {
    const values = { ...stackConfig("dev").values, "webstack:environment": "dev" };
    const raw = { project: "webstack", stack: "Dev_Laptop", values, secretKeys: new Set<string>() };
    expect(parseStackConfig(raw, TODAY).stack).toBe("Dev_Laptop");
  });
});

describe("rules across keys", () => {
  test("keys of the other target are named", () => {
    expect(problemsFor("dev", section("dev", "mysql", { multiAz: true }))).toEqual([
      'Pulumi.dev.yaml: webstack:mysql.multiAz applies only to target "aws" (this stack\'s target is "docker") (got true)',
    ]);
  });

  test("an AWS stack must name its instance sizes", () => {
    const mysql = configObject(stackConfig("staging"), "webstack:mysql");
    delete mysql.instanceClass;
    expect(problemsFor("staging", { "webstack:mysql": mysql })).toEqual([
      "Pulumi.staging.yaml: webstack:mysql.instanceClass is required and must be a known RDS instance class (one of db.t4g.micro, db.t4g.small, db.t4g.medium, db.t4g.large, db.t4g.xlarge, db.m6g.large, db.m6g.xlarge, db.m6g.2xlarge, db.m6g.4xlarge, db.m7g.large, db.m7g.xlarge, db.m7g.2xlarge, db.r6g.large, db.r6g.xlarge, db.r6g.2xlarge, db.r7g.large, db.r7g.xlarge, db.m6i.large, db.m6i.xlarge)",
    ]);
  });

  test("prod may not drop below its floors", () => {
    const problems = problemsFor("prod", {
      ...section("prod", "mysql", { replicas: 0, multiAz: false, backupRetentionDays: 1 }),
      ...section("prod", "redis", { shards: 1, clusterMode: false, replicasPerShard: 0 }),
    });
    expect(problems).toEqual([
      "Pulumi.prod.yaml: webstack:mysql.replicas must be at least 1 in prod (read replica floor) (got 0)",
      "Pulumi.prod.yaml: webstack:mysql.backupRetentionDays must be at least 7 in prod (backup retention floor) (got 1)",
      "Pulumi.prod.yaml: webstack:redis.shards must be at least 3 in prod (shard floor) (got 1)",
      "Pulumi.prod.yaml: webstack:mysql.multiAz must be true in prod (got false)",
      "Pulumi.prod.yaml: webstack:redis.replicasPerShard must be at least 1 in prod (automatic failover needs a replica) (got 0)",
    ]);
  });

  test("staging and prod must run on AWS", () => {
    expect(problemsFor("staging", { "webstack:target": "docker" })[0]).toBe(
      'Pulumi.staging.yaml: webstack:target must be "aws" for the staging tier (got "docker")',
    );
  });

  test.each([
    [
      "prod",
      section("prod", "network", { availabilityZones: 2 }),
      "webstack:network.availabilityZones must be at least 3 in prod (availability zone floor) (got 2)",
    ],
    // Below the tier floor too, so the floor speaks and not also the backups.redis retention.
    [
      "staging",
      section("staging", "redis", { snapshotRetentionDays: 3 }),
      "webstack:redis.snapshotRetentionDays must be at least 7 in staging (snapshot retention floor) (got 3)",
    ],
    [
      "staging",
      section("staging", "mysql", { backupWindow: "02:00-02:59" }),
      'webstack:mysql.backupWindow must be at least 60 minutes long (got "02:00-02:59")',
    ],
    [
      "staging",
      section("staging", "redis", { maintenanceWindow: "sat:23:30-sun:00:15" }),
      'webstack:redis.maintenanceWindow must be at least 60 minutes long (got "sat:23:30-sun:00:15")',
    ],
    [
      "staging",
      section("staging", "mysql", { maxStorageGb: 100 }),
      "webstack:mysql.maxStorageGb must be above mysql.storageGb (100) (got 100)",
    ],
  ])("%s: %j is refused", (stack, change, message) => {
    expect(problemsFor(stack, change)).toEqual([`Pulumi.${stack}.yaml: ${message}`]);
  });

  test("a backup window overlapping maintenance is refused", () => {
    const problems = problemsFor(
      "prod",
      section("prod", "mysql", {
        backupWindow: "03:30-04:30",
        maintenanceWindow: "sun:04:00-sun:05:00",
      }),
    );
    expect(problems).toEqual([
      'Pulumi.prod.yaml: webstack:mysql.backupWindow must not overlap mysql.maintenanceWindow (sun:04:00-sun:05:00) (got "03:30-04:30")',
    ]);
  });

  test("maxmemory larger than the Redis node is refused", () => {
    expect(
      problemsFor("dev", section("dev", "redis", { memoryMb: 1024, maxmemoryMb: 2048 })),
    ).toEqual([
      "Pulumi.dev.yaml: webstack:redis.maxmemoryMb must be below redis.memoryMb (1024): Redis needs headroom to fork for snapshots (got 2048)",
    ]);
  });

  test("more than one shard needs cluster mode", () => {
    const problems = problemsFor("staging", section("staging", "redis", { shards: 2 }));
    expect(problems).toEqual([
      "Pulumi.staging.yaml: webstack:redis.clusterMode must be true when redis.shards is above 1 (got false)",
    ]);
  });

  test("an app instance type smaller than the host size is refused", () => {
    expect(problemsFor("prod", section("prod", "app", { instanceType: "t3.medium" }))).toEqual([
      'Pulumi.prod.yaml: webstack:app.instanceType must offer at least app.vcpu 8 vCPU and app.memoryGb 16 GiB (it has 2 vCPU, 4 GiB) (got "t3.medium")',
    ]);
  });

  test("only dev may publish the database port", () => {
    expect(problemsFor("test", section("test", "mysql", { publishPort: true }))).toEqual([
      "Pulumi.test.yaml: webstack:mysql.publishPort may be true only in dev (the database is reachable from the app tier only) (got true)",
    ]);
  });

  test("a route naming a channel the stack has not configured", () => {
    expect(
      problemsFor(
        "dev",
        section("dev", "alerts", { routes: { warning: ["slack"], critical: ["log"] } }),
      ),
    ).toEqual([
      'Pulumi.dev.yaml: webstack:alerts.routes.warning[0] names channel "slack", which needs alerts.slack.channel (got "slack")',
    ]);
  });

  test("an AWS stack without aws:region", () => {
    expect(problemsFor("prod", { "aws:region": undefined })).toEqual([
      'Pulumi.prod.yaml: aws:region is required for target "aws": the region to deploy to, e.g. ap-southeast-1',
    ]);
  });
});

describe("engine end of standard support", () => {
  test("MySQL 8.0 is refused after 31 July 2026 unless Extended Support is accepted", () => {
    const eol = section("prod", "mysql", { engineVersion: "8.0.39" });
    expect(problemsFor("prod", eol, [], "2026-11-22")).toEqual([
      'Pulumi.prod.yaml: webstack:mysql.engineVersion is past end of standard support (MySQL 8.0 ended 2026-07-31); upgrade, or set mysql.allowExtendedSupport to accept Extended Support (got "8.0.39")',
    ]);
    expect(problemsFor("prod", eol, [], "2026-07-31")).toEqual([]);
    const accepted = section("prod", "mysql", {
      engineVersion: "8.0.39",
      allowExtendedSupport: true,
    });
    expect(problemsFor("prod", accepted, [], "2026-11-22")).toEqual([]);
  });

  test("a Docker image on an ended MySQL line is flagged too", () => {
    expect(problemsFor("dev", section("dev", "mysql", { image: "mysql:8.0.36" }))[0]).toMatch(
      /^Pulumi\.dev\.yaml: webstack:mysql\.image is past end of standard support \(MySQL 8\.0 ended 2026-07-31\)/,
    );
  });

  test("Redis 5 left standard support in January 2026", () => {
    expect(problemsFor("prod", section("prod", "redis", { engineVersion: "5.0.6" }))[0]).toBe(
      'Pulumi.prod.yaml: webstack:redis.engineVersion is past end of standard support (Redis 5.0 ended 2026-01-31); upgrade to a supported line (got "5.0.6")',
    );
  });
});

test("every problem is listed in ONE error", () => {
  const config = withConfig(stackConfig("prod"), {
    ...section("prod", "mysql", { replicas: -1, storageGb: 5 }),
    "webstack:environment": "qa",
    "webstack:tpyo": true,
  });
  let error: unknown;
  try {
    parseStackConfig(
      { project: "webstack", stack: "prod", values: config.values, secretKeys: new Set() },
      TODAY,
    );
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as ConfigError).message;
  expect(message.split("\n")[0]).toBe(
    "Invalid stack configuration in Pulumi.prod.yaml (4 problems):",
  );
  for (const key of ["mysql.replicas", "mysql.storageGb", "environment", "tpyo"]) {
    expect(message).toContain(`Pulumi.prod.yaml: webstack:${key} `);
  }
});

test("a key that is not a plain identifier is quoted in the message", () => {
  const network = configObject(stackConfig("staging"), "webstack:network");
  expect(problemsFor("staging", { "webstack:network": { ...network, " ": false } })).toEqual([
    'Pulumi.staging.yaml: webstack:network[" "] is not a known key (known: vpcCidr, availabilityZones, natGateways) (got false)',
  ]);
});
