// A prod stack deliberately weakened in code — the changes config validation would refuse, made
// behind its back — must be stopped by the policy pack, with exactly the policies that guard
// each weakness and nothing else.
import { gunzipSync, gzipSync } from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import { stringify, parse } from "yaml";
import type { WebstackConfig } from "../../components/config";
import { defineStack } from "../../components/program";
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
