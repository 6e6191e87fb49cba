// A prod stack deliberately weakened in code — the changes config validation would refuse, made
// behind its back — must be stopped by the policy pack, with exactly the policies that guard
// each weakness and nothing else.
import { gunzipSync, gzipSync } from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import { stringify, parse } from "yaml";
import type { WebstackConfig } from "../../components/config";
import { defineStack } from "../../components/program";
import type { RecordedResource } from "../../tools/mock-runtime/mocks";
import { policies } from "../../policies/policies";
import { runStack } from "../../tools/mock-runtime/run-stack";
import { evaluatePolicies, PolicyResult } from "../../tools/policy/evaluate";
import { readPackConfig } from "../../tools/policy/report";
import { PROJECT_DIR, stackConfig, withConfig } from "../support/program";

interface WriteFile {
  path: string;
  content: string;
  encoding?: string;
}

/** Re-enables TLS 1.0 in the nginx.conf inside the app hosts' gzip+base64 cloud-init. */
function allowTls10(userDataBase64: string): string {
  const cloudConfig = Buffer.from(userDataBase64, "base64").toString("utf8");
  const document = parse(cloudConfig) as { write_files: WriteFile[] };
  for (const file of document.write_files) {
    if (!file.path.endsWith("/nginx.conf")) continue;
    const text = gunzipSync(Buffer.from(file.content, "base64")).toString("utf8");
    file.content = gzipSync(
      text.replace("ssl_protocols TLSv1.2", "ssl_protocols TLSv1 TLSv1.2"),
    ).toString("base64");
  }
  return Buffer.from(`#cloud-config\n${stringify(document)}`).toString("base64");
}

/** The code-level loosening: applied to inputs before registration, as a careless change would. */
function loosen(
  args: pulumi.ResourceTransformationArgs,
): pulumi.ResourceTransformationResult | undefined {
  const props = { ...args.props };
  switch (args.type) {
    case "aws:rds/instance:Instance":
      // The primary keeps one day of backups; the replica is pointed away from it.
      if (props.replicateSourceDb) props.replicateSourceDb = "an-instance-of-another-stack";
      else props.backupRetentionPeriod = 1;
      break;
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      props.transitEncryptionEnabled = false;
      break;
    case "aws:cloudwatch/metricAlarm:MetricAlarm": {
      // The app hosts' CPU alarm (the one that watches no single database) raised to 95 %.
      const tags = props.tags as Record<string, string> | undefined;
      if (tags?.alarm !== "HostCpuHigh" || tags.watches !== undefined) return undefined;
      props.threshold = 95;
      break;
    }
    case "aws:ec2/launchTemplate:LaunchTemplate":
      props.userData = pulumi.output(props.userData as pulumi.Input<string>).apply(allowTls10);
      break;
    default:
      return undefined;
  }
  return { props, opts: args.opts };
}

let results: PolicyResult[];
beforeAll(async () => {
  const program = (valid: WebstackConfig) => {
    pulumi.runtime.registerStackTransformation(loosen);
    return defineStack(valid);
  };
  const run = await runStack("prod", stackConfig("prod"), program);
  results = await evaluatePolicies(policies, run.resources, readPackConfig(PROJECT_DIR, "prod"));
}, 120_000);

test("exactly the guarding policies report, each once per weakened resource", () => {
  const violated = results
    .filter((r) => r.violations.length > 0)
    .map((r) => [r.policy, r.enforcementLevel, r.violations.map((v) => v.message)]);
  expect(violated).toEqual([
    [
      "webstack-rds-backup-retention",
      "mandatory",
      ["Backup retention is 1 days; prod requires at least 7."],
    ],
    [
      "webstack-rds-read-replica",
      "mandatory",
      [expect.stringMatching(/has 0 read replicas; prod requires at least 1\.$/)],
    ],
    [
      "webstack-elasticache-encryption",
      "mandatory",
      ["Redis must require TLS (transitEncryptionEnabled: true)."],
    ],
    [
      "webstack-edge-nginx-config",
      "mandatory",
      ["ssl_protocols allows TLSv1 TLSv1.2 TLSv1.3; only TLSv1.2 and TLSv1.3 may be."],
    ],
    [
      "webstack-alarms-catalog",
      "mandatory",
      ["HostCpuHigh fires above 95 % but the prod floor is 80 %."],
    ],
  ]);
});

describe("the gate owns the tier: prod's stack file claiming webstack:environment dev", () => {
  let lowered: PolicyResult[];
  beforeAll(async () => {
    const config = withConfig(stackConfig("prod"), { "webstack:environment": "dev" });
    const run = await runStack("prod", config);
    lowered = await evaluatePolicies(policies, run.resources, readPackConfig(PROJECT_DIR, "prod"));
  }, 120_000);

  test("fails, naming the tier conflict", () => {
    const conflict = lowered.find((r) => r.policy === "webstack-tier-not-lowered");
    expect(conflict?.enforcementLevel).toBe("mandatory");
    expect(conflict?.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(
        /^\d+ resources claim tier dev \(environment tag or label\), but the pack config judges this stack at prod; they are judged at prod\. A stack's config may raise its tier, never lower it: set webstack:environment to prod\.$/,
      ),
    ]);
  });

  test("and is judged at prod: what dev turns off is reported against prod's floors", () => {
    const messages = lowered.flatMap((r) => r.violations.map((v) => `${r.policy}: ${v.message}`));
    expect(messages).toEqual(
      expect.arrayContaining([
        "webstack-rds-deletion-protection: Deletion protection must be on in prod.",
        "webstack-backups-restore-test: prod requires a restore test at least every 7 days, but no restore testing plan exists.",
        expect.stringMatching(
          /^webstack-backups-vault: Backup vault .* has no vault lock, which prod requires\.$/,
        ),
      ]),
    );
  });
});

describe("every floor the catalog claims, one property of the real prod stack at a time", () => {
  let prod: readonly RecordedResource[];
  beforeAll(async () => {
    prod = (await runStack("prod", stackConfig("prod"))).resources;
  }, 120_000);

  /** The whole pack's violations after `change` is applied to the resource named `name`. */
  async function after(name: string, change: (r: RecordedResource) => RecordedResource) {
    expect(prod.some((r) => r.name === name)).toBe(true);
    const changed = prod.map((r) => (r.name === name ? change(r) : r));
    const found = await evaluatePolicies(policies, changed, readPackConfig(PROJECT_DIR, "prod"));
    return found.flatMap((r) => r.violations.map((v) => `${r.policy}: ${v.message}`));
  }
  const input = (key: string, value: unknown) => (r: RecordedResource) => ({
    ...r,
    inputs: { ...r.inputs, [key]: value },
  });
  const PRIMARY = "prod-mysql-primary";

  test.each([
    [
      "Performance Insights off",
      PRIMARY,
      input("performanceInsightsEnabled", false),
      [
        "webstack-rds-deep-monitoring: Performance Insights must be on in prod (performanceInsightsEnabled: true).",
      ],
    ],
    [
      "enhanced monitoring off",
      PRIMARY,
      input("monitoringInterval", 0),
      [
        "webstack-rds-deep-monitoring: Enhanced monitoring must be on in prod: monitoringInterval is 0, must be one of 1, 5, 10, 15, 30, 60 seconds, with a monitoringRoleArn.",
      ],
    ],
    [
      "a log group kept 7 days",
      "prod-mysql-primary-error-log",
      input("retentionInDays", 7),
      [
        "webstack-logs-retention: Log group prod-mysql-primary-error-log keeps logs 7 days; prod requires at least 30.",
      ],
    ],
    [
      "Pulumi protect removed from the primary",
      PRIMARY,
      (r: RecordedResource) => ({ ...r, protect: false }),
      [
        "webstack-rds-deletion-protection: Pulumi protect must be on in prod (resource option protect: true), so no update deletes the database.",
      ],
    ],
    [
      "no Redis replica per node group",
      "prod-redis-group",
      input("replicasPerNodeGroup", 0),
      [
        "webstack-elasticache-failover: Redis must keep at least 1 replica per node group in prod to fail over to; it has 0.",
      ],
    ],
    [
      "the VPC's default security group opened to the world",
      "prod-network-default-sg",
      input("ingress", [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]),
      [
        "webstack-security-internet-ports: SSH (port 22) must never be open to the internet; use SSM.",
        "webstack-security-internet-only-at-load-balancer: Opens a security group that no load balancer uses to the internet.",
        "webstack-security-default-group-closed: The VPC's default security group must have no rules; it has 1 ingress and 0 egress.",
      ],
    ],
  ])("%s", async (_, name, change, expected) => {
    expect(await after(name, change)).toEqual(expected);
  });

  test("a CPU alarm tagged for the primary that reads another instance", async () => {
    const cpu = prod.find(
      (r) =>
        r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" &&
        JSON.stringify(r.inputs).includes('"alarm":"HostCpuHigh"') &&
        JSON.stringify(r.inputs).includes('"watches":"webstack-prod-mysql-primary"'),
    );
    const other = { DBInstanceIdentifier: "webstack-prod-mysql-replica-1" };
    expect(await after(cpu!.name, input("dimensions", other))).toEqual([
      "webstack-alarms-coverage: HostCpuHigh (watching webstack-prod-mysql-primary) reads DBInstanceIdentifier webstack-prod-mysql-replica-1, so it does not watch webstack-prod-mysql-primary.",
      "webstack-alarms-coverage: RDS instance webstack-prod-mysql-primary is not watched by HostCpuHigh (no alarm tagged watches=webstack-prod-mysql-primary).",
    ]);
  });
});
