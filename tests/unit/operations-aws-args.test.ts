// The AWS operations part's rules as plain functions — how alarms bind to RDS instances, replicas
// and Redis node groups, who each topic notifies, what the key and topic policies allow — and the
// components refusing bad args with messages that name the field and what is allowed, before they
// create anything.
import * as pulumi from "@pulumi/pulumi";
import { ALARM_CATALOG } from "../../components/catalog/alarms";
import {
  plannedSubscriptions,
  slackSeverities,
  topicKeyPolicy,
  topicPolicy,
} from "../../components/alarms/aws-delivery";
import { healthCheckTarget } from "../../components/alarms/aws";
import {
  cloudWatchAlarmSpecs,
  planAlarms,
  WatchedResources,
} from "../../components/alarms/cloudwatch-specs";
import type { AlarmRecipients } from "../../components/alarms/contract";
import { rdsMaxConnections } from "../../components/mysql/aws";
import { rdsParameters } from "../../components/mysql/my-cnf";
import { cacheNodeGroups } from "../../components/redis/aws";

const created: string[] = [];
beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push(args.type);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => {
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "webstack",
    "unit",
  );
});
beforeEach(() => created.splice(0));

const GIB = 1024 ** 3;

describe("max_connections the DbConnectionsHigh alarm divides by", () => {
  const rendered = (overrides: Record<string, string | number> = {}) =>
    rdsParameters({ flavour: "mysql", memoryBytes: 16 * GIB, parameters: overrides });

  test.each([
    ["the parameter group's own value", rendered(), "db.m6g.xlarge", 200],
    ["a stack override", rendered({ max_connections: 500 }), "db.m6g.xlarge", 500],
    // RDS's default formula, {DBInstanceClassMemory/12582880}, on 8 GiB and 16 GiB classes.
    ["no entry: the class's default", [], "db.m6g.large", 682],
    ["no entry: the class's default", [], "db.m6g.xlarge", 1365],
  ])("%s on %s → %d", (_, parameters, instanceClass, expected) => {
    expect(rdsMaxConnections(parameters, instanceClass)).toBe(expected);
  });
});

describe("ElastiCache node groups and member ids", () => {
  test("cluster mode: 3 shards × 1 replica, members <group>-<shard>-<node>", () => {
    expect(cacheNodeGroups("webstack-prod-redis", 3, 1, true)).toEqual([
      { id: "0001", members: ["webstack-prod-redis-0001-001", "webstack-prod-redis-0001-002"] },
      { id: "0002", members: ["webstack-prod-redis-0002-001", "webstack-prod-redis-0002-002"] },
      { id: "0003", members: ["webstack-prod-redis-0003-001", "webstack-prod-redis-0003-002"] },
    ]);
  });

  test("cluster mode disabled: one group 0001, members <group>-<node>", () => {
    expect(cacheNodeGroups("webstack-staging-redis", 1, 2, false)).toEqual([
      {
        id: "0001",
        members: [
          "webstack-staging-redis-001",
          "webstack-staging-redis-002",
          "webstack-staging-redis-003",
        ],
      },
    ]);
  });
});

describe("binding alarms to resources", () => {
  const watched: WatchedResources<string> = {
    stack: "prod",
    placeholders: {
      autoScalingGroupName: "asg",
      loadBalancer: "app/lb/1",
      targetGroup: "targetgroup/tg/2",
      certificateArn: "cert",
      backupVaultName: "vault",
      healthCheckId: "hc",
    },
    rdsInstances: [
      { resource: "primary", role: "primary", identifier: "db-primary" },
      { resource: "replica-1", role: "replica", identifier: "db-replica-1" },
      { resource: "replica-2", role: "replica", identifier: "db-replica-2" },
    ],
    constants: { maxConnections: 400, allocatedStorageBytes: 50 * GIB },
    redisNodeGroups: [
      { id: "0001", name: "rg-0001", members: ["rg-0001-001", "rg-0001-002"] },
      { id: "0002", name: "rg-0002", members: ["rg-0002-001", "rg-0002-002"] },
    ],
  };
  const planned = planAlarms(cloudWatchAlarmSpecs(ALARM_CATALOG), watched);
  const of = (alarm: string, target: string) =>
    planned.filter((p) => p.spec.alarm === alarm && p.spec.target === target);

  test.each([
    ["DbConnectionsHigh", "rds", ["db-primary", "db-replica-1", "db-replica-2"]],
    ["DiskSpaceCritical", "rds", ["db-primary", "db-replica-1", "db-replica-2"]],
    ["ReplicaLagWarning", "rds", ["db-replica-1", "db-replica-2"]],
    ["ReplicaLagCritical", "rds", ["db-replica-1", "db-replica-2"]],
    ["RedisMemoryHigh", "redis", ["rg-0001", "rg-0002"]],
    ["HostCpuHigh", "redis", ["rg-0001", "rg-0002"]],
    ["HostCpuHigh", "app-hosts", [undefined]],
  ])("%s on %s watches %j", (alarm, target, watches) => {
    expect(of(alarm, target).map((p) => p.watches)).toEqual(watches);
  });

  test("names say stack, alarm, target and resource", () => {
    expect(of("ReplicaLagCritical", "rds").map((p) => p.bound.name)).toEqual([
      "webstack-prod-ReplicaLagCritical-rds-replica-1",
      "webstack-prod-ReplicaLagCritical-rds-replica-2",
    ]);
  });

  test("the constants reach the metric math", () => {
    const expression = (alarm: string) =>
      of(alarm, "rds")[0].bound.metricQueries?.find((q) => q.id === "value")?.expression;
    expect(expression("DbConnectionsHigh")).toBe("100 * connections / 400");
    expect(expression("DiskSpaceCritical")).toBe(`100 - 100 * free / ${50 * GIB}`);
  });

  test("every alarm is planned: 18 catalog alarms become 35 on 3 instances and 2 groups", () => {
    // Per stack 11, per RDS instance 4 × 3, per replica 3 × 2, per node group 3 × 2.
    expect(planned).toHaveLength(11 + 12 + 6 + 6);
  });
});

describe("who each topic notifies", () => {
  const prod: AlarmRecipients = {
    routes: { warning: ["email", "slack"], critical: ["email", "slack", "sms"] },
    emails: ["ops@example.com", "lead@example.com"],
    smsNumbers: ["+15555550100"],
    slack: { channel: "#ops", workspaceId: "T0ABCDEF", channelId: "C0ABCDEF" },
  };

  test("warning: every address by e-mail; critical: e-mail and every number by SMS", () => {
    const show = (severity: "warning" | "critical") =>
      plannedSubscriptions(severity, prod).map((s) => `${s.key} ${s.protocol} ${s.endpoint}`);
    expect(show("warning")).toEqual([
      "email-0 email ops@example.com",
      "email-1 email lead@example.com",
    ]);
    expect(show("critical")).toEqual([
      "email-0 email ops@example.com",
      "email-1 email lead@example.com",
      "sms-0 sms +15555550100",
    ]);
    expect(slackSeverities(prod)).toEqual(["warning", "critical"]);
  });

  test("the webhook subscribes over HTTPS with the secret URL filled in by the component", () => {
    expect(
      plannedSubscriptions("critical", {
        routes: { warning: ["email"], critical: ["webhook"] },
      }),
    ).toEqual([{ key: "webhook", protocol: "https" }]);
  });
});

describe("key and topic policies", () => {
  test("the key: the account administers it, CloudWatch and EventBridge only encrypt with it", () => {
    expect(topicKeyPolicy("111122223333", "aws").Statement).toEqual([
      {
        Sid: "AccountAdministers",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111122223333:root" },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "AlarmPublishersEncrypt",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
      },
    ]);
  });

  test("the topic: alarms and rules of this account and region publish to it", () => {
    const policy = topicPolicy({
      topicArn: "arn:aws:sns:ap-southeast-1:111122223333:t",
      accountId: "111122223333",
      partition: "aws",
      region: "ap-southeast-1",
    }) as { Statement: Record<string, unknown>[] };
    expect(policy.Statement.slice(0, 2).map((s) => [s.Principal, s.Condition])).toEqual([
      [
        { Service: "cloudwatch.amazonaws.com" },
        {
          StringEquals: { "aws:SourceAccount": "111122223333" },
          ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:ap-southeast-1:111122223333:alarm:*" },
        },
      ],
      [
        { Service: "events.amazonaws.com" },
        {
          StringEquals: { "aws:SourceAccount": "111122223333" },
          ArnLike: { "aws:SourceArn": "arn:aws:events:ap-southeast-1:111122223333:rule/*" },
        },
      ],
    ]);
  });
});

describe("the health check target", () => {
  test("https URL → host, 443, path", () => {
    expect(healthCheckTarget("https://labelmedix.com/healthz")).toEqual({
      fqdn: "labelmedix.com",
      port: 443,
      resourcePath: "/healthz",
    });
  });
});
