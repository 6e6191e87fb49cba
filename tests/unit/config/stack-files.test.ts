// The committed stack files hold docs/requirements.md §1 and parse cleanly.
import { parseStackConfig } from "../../../components/config";
import type { AwsStackValues, DockerStackValues } from "../../../components/config/schema";
import { stackConfig, STACKS } from "../../support/program";

const TODAY = "2026-11-22";
const parsed = (stack: string) =>
  parseStackConfig(
    { project: "webstack", stack, ...stackConfig(stack), secretKeys: new Set() },
    TODAY,
  );

function dockerStack(stack: string): DockerStackValues {
  const config = parsed(stack);
  if (config.target !== "docker") throw new Error(`${stack} is not a docker stack`);
  return config;
}

function awsStack(stack: string): AwsStackValues {
  const config = parsed(stack);
  if (config.target !== "aws") throw new Error(`${stack} is not an aws stack`);
  return config;
}

describe("committed stack files", () => {
  test.each(STACKS)("%s parses and names its own tier", (stack) => {
    expect(parsed(stack).environment).toBe(stack);
  });

  test.each([
    ["dev", "docker", ["localhost"], 1, 0],
    ["test", "docker", ["test.labelmedix.com"], 1, 1],
    ["staging", "aws", ["staging.labelmedix.com"], 2, 1],
    ["prod", "aws", ["labelmedix.com", "www.labelmedix.com"], 3, 1],
  ])(
    "%s: target %s, domains %j, %i app hosts, %i MySQL replica(s)",
    (stack, target, domains, hosts, replicas) => {
      const config = parsed(stack);
      expect(config.target).toBe(target);
      expect(config.domains).toEqual(domains);
      expect(config.app.hosts).toBe(hosts);
      expect(config.mysql.replicas).toBe(replicas);
    },
  );

  test("dev sizes: MySQL 1 vCPU / 2 GB / 20 GB, Redis 1 GB single node", () => {
    const { mysql, redis } = dockerStack("dev");
    expect([mysql.vcpu, mysql.memoryGb, mysql.storageGb]).toEqual([1, 2, 20]);
    expect([redis.memoryMb, redis.layout]).toEqual([1024, "single"]);
  });

  test("prod sizes: 3 × 8 vCPU / 16 GB / 200 GB Ubuntu 22.04 hosts, 4 vCPU MySQL with 500 GB multi-AZ", () => {
    const { app, mysql, network } = awsStack("prod");
    expect([app.vcpu, app.memoryGb, app.diskGb, app.os]).toEqual([8, 16, 200, "ubuntu-22.04"]);
    expect(app.instanceType).toBe("c6i.2xlarge");
    expect(mysql.instanceClass).toBe("db.m6g.xlarge");
    expect([mysql.storageGb, mysql.multiAz]).toEqual([500, true]);
    expect(network.availabilityZones).toBe(3);
  });

  test("Redis: staging 1 shard × 1 replica, prod cluster mode 3 shards × 1 replica of ≥ 4 GB nodes", () => {
    const staging = awsStack("staging").redis;
    const prod = awsStack("prod").redis;
    expect([staging.shards, staging.replicasPerShard, staging.clusterMode]).toEqual([1, 1, false]);
    expect([prod.shards, prod.replicasPerShard, prod.clusterMode]).toEqual([3, 1, true]);
    expect(prod.nodeType).toBe("cache.m6g.large");
  });

  test.each([
    ["dev", ["log"], ["log"]],
    ["test", ["email"], ["email"]],
    ["staging", ["email", "slack"], ["email", "slack"]],
    ["prod", ["email", "slack"], ["email", "slack", "sms"]],
  ])("%s routes warnings to %j and criticals to %j", (stack, warning, critical) => {
    expect(parsed(stack).alerts.routes).toEqual({ warning, critical });
  });

  test("the parsed config is frozen all the way down", () => {
    const config = parsed("prod");
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.mysql)).toBe(true);
    expect(Object.isFrozen(config.domains)).toBe(true);
  });
});
