// Program level: the AWS operations part of staging and prod under the mock runtime — every
// catalog alarm as a CloudWatch alarm (per RDS instance, replica and Redis node group where the
// metric is per resource) with the catalog's threshold and duration, actions to the encrypted SNS
// topic of its severity, the subscriptions each stack's alert routes ask for, backup job failures
// through EventBridge, and AWS Backup with the catalog's rules, tag selection, uploads at the
// files tier, a vault lock in prod only, data kept on destroy and a weekly restore test.
import type { RecordedResource } from "../../tools/mock-runtime/mocks";
import type { StackRun } from "../../tools/mock-runtime/run-stack";
import {
  configObject,
  inputsOf,
  named,
  ofType,
  stackConfig,
  synth,
  withConfig,
} from "../support/program";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const KEY = "aws:kms/key:Key";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const CHATBOT = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const RDS = "aws:rds/instance:Instance";
const VAULT = "aws:backup/vault:Vault";
const LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
const PLAN = "aws:backup/plan:Plan";
const SELECTION = "aws:backup/selection:Selection";
const BUCKET = "aws:s3/bucket:Bucket";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const TESTING_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan";
const TESTING_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection";

const GIB = 1024 ** 3;
const STACKS = ["staging", "prod"] as const;

type Inputs = Record<string, unknown>;
const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of STACKS) runs[stack] = await synth(stack);
}, 120_000);

const tags = (r: RecordedResource) => (inputsOf(r).tags ?? {}) as Record<string, string>;
const computed = (r: RecordedResource, attribute: string) =>
  `<computed:${r.type}::${r.name}.${attribute}>`;
const only = (resources: RecordedResource[], what: string) => {
  if (resources.length !== 1) throw new Error(`expected one ${what}, found ${resources.length}`);
  return resources[0];
};
/** The one bucket of the storage part: the uploads bucket. */
const uploadsBucket = (run: StackRun) =>
  only(
    ofType(run, BUCKET).filter((r) => r.urn.includes("webstack:storage:UploadsBucket$")),
    "uploads bucket",
  );

/** The alarms of one catalog alarm on one target, e.g. ("HostCpuHigh", "rds"). */
function alarms(run: StackRun, alarm: string, target: string): RecordedResource[] {
  const prefix = `webstack-${run.stack}-${alarm}-${target}`;
  return ofType(run, ALARM).filter(
    (r) =>
      tags(r).alarm === alarm &&
      (inputsOf(r).name === prefix || String(inputsOf(r).name).startsWith(`${prefix}-`)),
  );
}

/** The topic of a severity in the stack's region, or in `region`. */
function topic(run: StackRun, severity: string, region?: string): RecordedResource {
  return only(
    ofType(run, TOPIC).filter(
      (t) => tags(t).severity === severity && inputsOf(t).region === region,
    ),
    `${severity} topic in ${region ?? "the stack's region"}`,
  );
}

function rdsIdentifiers(run: StackRun) {
  const all = ofType(run, RDS).map(inputsOf);
  return {
    primaries: all.filter((i) => i.replicateSourceDb === undefined).map((i) => i.identifier),
    replicas: all.filter((i) => i.replicateSourceDb !== undefined).map((i) => i.identifier),
  };
}

const EXPECTED_ALARMS = [
  "HostCpuHigh",
  "HostMemoryHigh",
  "DiskSpaceCritical",
  "ServiceDown",
  "LatencyP95High",
  "BackendSlow",
  "ErrorRateHigh",
  "AvailabilityLow",
  "DbConnectionsHigh",
  "ReplicaLagWarning",
  "ReplicaLagCritical",
  "ReplicationBroken",
  "MysqlDown",
  "RedisDown",
  "RedisMemoryHigh",
  "CertificateExpiringWarning",
  "CertificateExpiringCritical",
  "BackupStale",
];
const PDF_ALARMS = ["PdfGenerationFailing", "PdfGenerationSlow", "PdfQueueBacklog"];

describe.each(STACKS)("%s alarms", (stack) => {
  const run = () => runs[stack];

  test("every catalog alarm exists as a CloudWatch alarm, BackupFailed as an EventBridge rule", () => {
    const names = new Set(ofType(run(), ALARM).map((r) => tags(r).alarm));
    const expected = stack === "prod" ? [...EXPECTED_ALARMS, ...PDF_ALARMS] : EXPECTED_ALARMS;
    expect([...names].sort()).toEqual([...expected].sort());
    expect(ofType(run(), RULE).map((r) => tags(r).alarm)).toEqual(["BackupFailed", "BackupFailed"]);
  });

  test("host CPU: above 80 % for 5 one-minute periods, on the app hosts' group", () => {
    const alarm = inputsOf(only(alarms(run(), "HostCpuHigh", "app-hosts"), "CPU alarm"));
    const group = only(ofType(run(), "aws:autoscaling/group:Group"), "app hosts group");
    expect(alarm).toMatchObject({
      namespace: "AWS/EC2",
      metricName: "CPUUtilization",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 80,
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      dimensions: { AutoScalingGroupName: computed(group, "name") },
    });
  });

  test("disk: above 90 % used within a minute on the hosts and on every RDS instance", () => {
    expect(inputsOf(only(alarms(run(), "DiskSpaceCritical", "app-hosts"), "disk"))).toMatchObject({
      namespace: "CWAgent",
      metricName: "disk_used_percent",
      threshold: 90,
      period: 60,
      evaluationPeriods: 1,
    });
    const allocated = (stack === "prod" ? 500 : 100) * GIB;
    const rds = alarms(run(), "DiskSpaceCritical", "rds").map(inputsOf);
    expect(rds).toHaveLength(2);
    for (const alarm of rds) {
      expect(alarm).toMatchObject({ threshold: 90, evaluationPeriods: 1 });
      const value = (alarm.metricQueries as Inputs[]).find((q) => q.id === "value");
      // Percent used, not bytes: free storage against what the instance was given.
      expect(value?.expression).toBe(`100 - 100 * free / ${allocated}`);
    }
  });

  test("every RDS instance has its CPU, disk and connection alarms; connections against max_connections 200", () => {
    const { primaries, replicas } = rdsIdentifiers(run());
    const instances = [...primaries, ...replicas];
    expect(instances).toEqual([
      `webstack-${stack}-mysql-primary`,
      `webstack-${stack}-mysql-replica-1`,
    ]);
    for (const alarm of ["HostCpuHigh", "DiskSpaceCritical", "DbConnectionsHigh"]) {
      expect(alarms(run(), alarm, "rds").map((r) => tags(r).watches)).toEqual(instances);
    }
    for (const alarm of alarms(run(), "DbConnectionsHigh", "rds").map(inputsOf)) {
      expect(alarm).toMatchObject({ threshold: 80, evaluationPeriods: 5 });
      const queries = alarm.metricQueries as Inputs[];
      expect(queries.find((q) => q.id === "value")?.expression).toBe("100 * connections / 200");
      expect(queries.find((q) => q.id === "connections")?.metric).toMatchObject({
        namespace: "AWS/RDS",
        metricName: "DatabaseConnections",
        period: 60,
      });
    }
  });

  test.each([
    ["ReplicaLagWarning", 30, "warning"],
    ["ReplicaLagCritical", 300, "critical"],
  ])("%s: every replica, above %d s for 5 minutes, %s", (alarm, threshold, severity) => {
    const { replicas } = rdsIdentifiers(run());
    const found = alarms(run(), alarm, "rds");
    expect(found.map((r) => tags(r).watches)).toEqual(replicas);
    for (const [i, r] of found.entries()) {
      expect(tags(r).severity).toBe(severity);
      expect(inputsOf(r)).toMatchObject({
        namespace: "AWS/RDS",
        metricName: "ReplicaLag",
        dimensions: { DBInstanceIdentifier: replicas[i] },
        threshold,
        period: 60,
        evaluationPeriods: 5,
      });
    }
  });

  test("every Redis node group has memory and CPU alarms over all its member nodes", () => {
    const groups = stack === "prod" ? ["0001", "0002", "0003"] : ["0001"];
    const members = (group: string) =>
      stack === "prod"
        ? [`webstack-prod-redis-${group}-001`, `webstack-prod-redis-${group}-002`]
        : ["webstack-staging-redis-001", "webstack-staging-redis-002"];
    for (const [alarm, metricName, threshold] of [
      ["RedisMemoryHigh", "DatabaseMemoryUsagePercentage", 85],
      ["HostCpuHigh", "EngineCPUUtilization", 80],
    ] as const) {
      const found = alarms(run(), alarm, "redis");
      expect(found.map((r) => tags(r).watches)).toEqual(
        groups.map((g) => `webstack-${stack}-redis-${g}`),
      );
      found.forEach((r, i) => {
        const inputs = inputsOf(r);
        expect(inputs).toMatchObject({ threshold, evaluationPeriods: 5 });
        const queries = inputs.metricQueries as Inputs[];
        expect(queries.map((q) => q.id)).toEqual(["node0", "node1", "value"]);
        expect(queries[2].expression).toBe("MAX([node0, node1])");
        expect(queries.slice(0, 2).map((q) => (q.metric as Inputs).dimensions as Inputs)).toEqual(
          members(groups[i]).map((id) => ({ CacheClusterId: id })),
        );
        expect((queries[0].metric as Inputs).metricName).toBe(metricName);
      });
    }
  });

  test("alarm and OK actions go to the topic of the alarm's severity, in the alarm's region", () => {
    const all = ofType(run(), ALARM);
    expect(all.length).toBeGreaterThan(20);
    for (const alarm of all) {
      const inputs = inputsOf(alarm);
      const expected = topic(run(), tags(alarm).severity, inputs.region as string | undefined);
      const arn = computed(expected, "arn");
      // The name labels a failure with the alarm it is about.
      expect([inputs.name, inputs.alarmActions, inputs.okActions]).toEqual([
        inputs.name,
        [arn],
        [arn],
      ]);
      expect(alarm.propertyDependencies.alarmActions).toEqual([expected.urn]);
    }
  });

  test("silence pages where silence is the failure: ServiceDown, AvailabilityLow, BackupStale", () => {
    for (const [alarm, target] of [
      ["ServiceDown", "load-balancer"],
      ["AvailabilityLow", "health-check"],
      ["BackupStale", "backup-vault"],
    ]) {
      expect(inputsOf(only(alarms(run(), alarm, target), alarm)).treatMissingData).toBe(
        "breaching",
      );
    }
    // No backup job completed in each of 26 hourly periods, on this stack's vault.
    expect(inputsOf(only(alarms(run(), "BackupStale", "backup-vault"), "stale"))).toMatchObject({
      namespace: "AWS/Backup",
      metricName: "NumberOfBackupJobsCompleted",
      dimensions: { BackupVaultName: `webstack-${stack}-backups` },
      period: 3600,
      evaluationPeriods: 26,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
    });
  });

  test("AvailabilityLow watches a Route 53 HTTPS health check of /healthz from us-east-1", () => {
    const check = only(ofType(run(), HEALTH_CHECK), "health check");
    const domain = stack === "prod" ? "labelmedix.com" : "staging.labelmedix.com";
    expect(inputsOf(check)).toMatchObject({
      type: "HTTPS",
      fqdn: domain,
      port: 443,
      resourcePath: "/healthz",
      enableSni: true,
      requestInterval: 30,
      failureThreshold: 3,
    });
    const alarm = inputsOf(only(alarms(run(), "AvailabilityLow", "health-check"), "availability"));
    expect(alarm).toMatchObject({
      region: "us-east-1",
      namespace: "AWS/Route53",
      metricName: "HealthCheckPercentageHealthy",
      dimensions: { HealthCheckId: computed(check, "id") },
      threshold: 99,
      comparisonOperator: "LessThanThreshold",
      evaluationPeriods: 1,
    });
  });

  test("one topic per severity, plus a critical one in us-east-1, each under a customer key CloudWatch and EventBridge may use", () => {
    const topics = ofType(run(), TOPIC);
    expect(topics.map((t) => [tags(t).severity, inputsOf(t).region ?? "stack"]).sort()).toEqual([
      ["critical", "stack"],
      ["critical", "us-east-1"],
      ["warning", "stack"],
    ]);
    const keys = ofType(run(), KEY);
    for (const t of topics) {
      const [keyUrn] = t.propertyDependencies.kmsMasterKeyId;
      const key = only(
        keys.filter((k) => k.urn === keyUrn),
        "topic key",
      );
      // The key lives where the topic does.
      expect(inputsOf(key).region).toBe(inputsOf(t).region);
      const policy = JSON.parse(String(inputsOf(key).policy)) as { Statement: Inputs[] };
      const services = policy.Statement.find((s) => s.Sid === "AlarmPublishersEncrypt");
      expect(services).toMatchObject({
        Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      });
      expect(inputsOf(key).enableKeyRotation).toBe(true);
    }
  });

  test("each topic's policy lets only this account's alarms and rules publish", () => {
    for (const p of ofType(run(), TOPIC_POLICY)) {
      const policy = JSON.parse(String(inputsOf(p).policy)) as { Statement: Inputs[] };
      const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
      const account = "<computed:aws:index/getCallerIdentity.accountId>";
      expect(bySid.CloudWatchAlarmsPublish).toMatchObject({
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      });
      expect(bySid.EventBridgeRulesPublish).toMatchObject({
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      });
    }
    expect(ofType(run(), TOPIC_POLICY)).toHaveLength(3);
  });

  test("subscriptions follow the stack's alert routes", () => {
    const subscriptions = ofType(run(), SUBSCRIPTION).map((s) => {
      const [topicUrn] = s.propertyDependencies.topic;
      const t = only(
        ofType(run(), TOPIC).filter((x) => x.urn === topicUrn),
        "subscribed topic",
      );
      const i = inputsOf(s);
      return `${tags(t).severity}@${inputsOf(t).region ?? "stack"} ${i.protocol} ${i.endpoint}`;
    });
    const email = "email ops@labelmedix.com";
    const expected =
      stack === "prod"
        ? [
            `warning@stack ${email}`,
            `critical@stack ${email}`,
            "critical@stack sms +15555550100",
            `critical@us-east-1 ${email}`,
            "critical@us-east-1 sms +15555550100",
          ]
        : [`warning@stack ${email}`, `critical@stack ${email}`, `critical@us-east-1 ${email}`];
    expect(subscriptions.sort()).toEqual(expected.sort());
  });

  test("Slack gets every topic through one AWS Chatbot channel with a read-only guardrail", () => {
    const chatbot = only(ofType(run(), CHATBOT), "Chatbot configuration");
    expect(inputsOf(chatbot)).toMatchObject({
      slackTeamId: "T0LABELMDX",
      slackChannelId: stack === "prod" ? "C0OPSALERTS" : "C0OPSSTAGING",
      guardrailPolicyArns: [
        "arn:<computed:aws:index/getPartition.partition>:iam::aws:policy/CloudWatchReadOnlyAccess",
      ],
    });
    expect([...chatbot.propertyDependencies.snsTopicArns].sort()).toEqual(
      ofType(run(), TOPIC)
        .map((t) => t.urn)
        .sort(),
    );
  });

  test("failed, aborted or expired backup jobs of this account reach the critical topic", () => {
    const rule = only(
      ofType(run(), RULE).filter((r) => r.name.endsWith("backup-jobs")),
      "backup job rule",
    );
    expect(tags(rule)).toMatchObject({ alarm: "BackupFailed", severity: "critical" });
    expect(JSON.parse(String(inputsOf(rule).eventPattern))).toEqual({
      source: ["aws.backup"],
      "detail-type": ["Backup Job State Change", "Copy Job State Change"],
      detail: { state: ["FAILED", "ABORTED", "EXPIRED"] },
      account: ["<computed:aws:index/getCallerIdentity.accountId>"],
    });
    const targets = ofType(run(), TARGET);
    expect(targets).toHaveLength(2);
    const critical = topic(run(), "critical");
    for (const target of targets) {
      expect(target.propertyDependencies.arn).toEqual([critical.urn]);
      expect(target.propertyDependencies.rule).toHaveLength(1);
    }
    const target = only(
      targets.filter((t) => t.propertyDependencies.rule[0] === rule.urn),
      "backup job target",
    );
    expect(inputsOf(target).arn).toBe(computed(critical, "arn"));
  });

  test("the stack exports the topics, the vault and the uploads bucket", () => {
    expect(run().outputs).toMatchObject({
      alarmDestinations: {
        warning: computed(topic(run(), "warning"), "arn"),
        critical: computed(topic(run(), "critical"), "arn"),
      },
      backupDestination: `webstack-${stack}-backups`,
      backupRoleArn: computed(named(run(), `${stack}-backups-role`), "arn"),
      uploadsBucketName: computed(uploadsBucket(run()), "bucket"),
    });
  });
});

describe.each(STACKS)("%s backups", (stack) => {
  const run = () => runs[stack];
  const planOf = (r: RecordedResource) =>
    only(
      ofType(run(), PLAN).filter((p) => p.urn === r.propertyDependencies.planId[0]),
      "plan",
    );

  test("the databases' plan has the catalog's rules: daily 30 d, weekly 28 d, monthly 365 d, continuous 7 d", () => {
    const databases = ofType(run(), PLAN).find((p) => p.name === `${stack}-backups-databases`)!;
    const rules = (inputsOf(databases).rules as Inputs[]).map((r) => [
      r.ruleName,
      r.schedule,
      (r.lifecycle as Inputs).deleteAfter,
      r.enableContinuousBackup,
      r.targetVaultName,
    ]);
    const vault = `webstack-${stack}-backups`;
    expect(rules).toEqual([
      ["daily", "cron(0 2 * * ? *)", 30, false, vault],
      ["weekly", "cron(0 2 ? * SUN *)", 28, false, vault],
      ["monthly", "cron(0 2 1 * ? *)", 365, false, vault],
      ["continuous", "cron(0 2 * * ? *)", 7, true, vault],
    ]);
    expect(databases.propertyDependencies.rules).toEqual([only(ofType(run(), VAULT), "vault").urn]);
  });

  test("the selection covers every RDS primary by its tag, and no replica", () => {
    const rds = ofType(run(), RDS);
    const primaries = rds.filter((r) => inputsOf(r).replicateSourceDb === undefined);
    expect(primaries).toHaveLength(1);
    for (const r of rds) {
      const tag = tags(r)["webstack-backup"];
      expect([r.name, tag]).toEqual([
        r.name,
        primaries.includes(r) ? `webstack-${stack}-databases` : undefined,
      ]);
    }
    const selection = only(
      ofType(run(), SELECTION).filter((s) => inputsOf(s).selectionTags !== undefined),
      "tag selection",
    );
    expect(inputsOf(selection).selectionTags).toEqual([
      { type: "STRINGEQUALS", key: "webstack-backup", value: `webstack-${stack}-databases` },
    ]);
    expect(inputsOf(planOf(selection)).name).toBe(`webstack-${stack}-databases`);
  });

  test("uploaded files: one versioned, private, encrypted, TLS-only bucket", () => {
    const bucket = uploadsBucket(run());
    // The access-log bucket and this one: the uploads bucket is created once, not per part.
    expect(
      ofType(run(), BUCKET)
        .map((b) => b.name)
        .sort(),
    ).toEqual([`${stack}-edge-access-logs`, `${stack}-uploads-bucket`].sort());
    const child = (type: string) => {
      const found = ofType(run(), type).filter((r) => r.parent === `${stack}-uploads`);
      expect(found.map((r) => inputsOf(r).bucket)).toEqual([computed(bucket, "id")]);
      return inputsOf(found[0]);
    };
    expect(child(VERSIONING).versioningConfiguration).toEqual({ status: "Enabled" });
    expect(child("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(child("aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule).toEqual({
      objectOwnership: "BucketOwnerEnforced",
    });
    expect(
      child(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ).rules,
    ).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    // The bucket policy grants nobody anything; it refuses writes under a customer's own key
    // (re-encryption for ransom) and any request without TLS.
    const arn = computed(bucket, "arn");
    expect(JSON.parse(child("aws:s3/bucketPolicy:BucketPolicy").policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyCustomerProvidedKeys",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:PutObject",
          Resource: `${arn}/*`,
          Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
        },
        {
          Sid: "DenyWithoutTls",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
    expect(child("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules).toEqual(
      [
        expect.objectContaining({
          status: "Enabled",
          noncurrentVersionExpiration: { noncurrentDays: 90 },
        }),
      ],
    );
  });

  test("an existing stack keeps its uploads bucket: the component is aliased to where it was", () => {
    const component = named(run(), `${stack}-uploads`);
    expect(component.type).toBe("webstack:storage:UploadsBucket");
    const environment = named(run(), stack);
    // Before, the bucket was `webstack:ops:UploadsStore` "<stack>-backups-uploads" inside the
    // backups component; its children carried that name as prefix, as they carry this one now.
    expect(component.aliases).toEqual([
      {
        name: `${stack}-backups-uploads`,
        type: "webstack:ops:UploadsStore",
        // The engine names a child after its parent's URN: "<parent urn minus ::name>$type::name".
        parentUrn: `${environment.urn.slice(0, environment.urn.lastIndexOf("::"))}$webstack:ops:Backups::${stack}-backups`,
      },
    ]);
    const children = run().resources.filter((r) => r.parent === `${stack}-uploads`);
    expect(children.map((r) => r.name.replace(`${stack}-uploads-`, "")).sort()).toEqual([
      "bucket",
      "encryption",
      "ownership",
      "policy",
      "public-access",
      "versioning",
      "versions",
    ]);
  });

  test("uploaded files are backed up under their own plan, daily 03:00 kept 90 days", () => {
    const bucket = uploadsBucket(run());
    const versioning = only(ofType(run(), VERSIONING), "versioning");
    const selection = only(
      ofType(run(), SELECTION).filter((s) => inputsOf(s).resources !== undefined),
      "uploads selection",
    );
    expect(inputsOf(selection).resources).toEqual([computed(bucket, "arn")]);
    // Backed up only once versioning is on.
    expect([...selection.propertyDependencies.resources].sort()).toEqual(
      [bucket.urn, versioning.urn].sort(),
    );
    const rules = inputsOf(planOf(selection)).rules as Inputs[];
    expect(rules).toEqual([
      expect.objectContaining({
        ruleName: "files",
        schedule: "cron(0 3 * * ? *)",
        lifecycle: { deleteAfter: 90 },
        enableContinuousBackup: false,
      }),
    ]);
  });

  test(`the vault is encrypted with its own rotating key${stack === "prod" ? " and locked" : ", not locked"}`, () => {
    const vault = only(ofType(run(), VAULT), "vault");
    const key = only(
      ofType(run(), KEY).filter((k) => k.urn === vault.propertyDependencies.kmsKeyArn[0]),
      "vault key",
    );
    expect(inputsOf(key)).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(inputsOf(vault)).toMatchObject({
      name: `webstack-${stack}-backups`,
      forceDestroy: false,
    });
    const locks = ofType(run(), LOCK);
    if (stack === "prod") {
      const lock = only(locks, "vault lock");
      expect(lock.propertyDependencies.backupVaultName).toEqual([vault.urn]);
      // Governance mode: no grace period after which the lock could never be lifted.
      expect(inputsOf(lock)).toEqual({
        backupVaultName: `webstack-prod-backups`,
        minRetentionDays: 7,
        maxRetentionDays: 365,
      });
    } else {
      expect(locks).toEqual([]);
    }
  });

  test("the vault, its key and the uploads bucket survive pulumi destroy", () => {
    const vault = only(ofType(run(), VAULT), "vault");
    const kept = [
      vault,
      ...ofType(run(), KEY).filter((k) => k.urn === vault.propertyDependencies.kmsKeyArn[0]),
      uploadsBucket(run()),
      ...ofType(run(), LOCK),
    ];
    expect(kept).toHaveLength(stack === "prod" ? 4 : 3);
    for (const r of kept) {
      expect([r.name, r.retainOnDelete, r.protect]).toEqual([r.name, true, true]);
    }
    expect(inputsOf(uploadsBucket(run())).forceDestroy).toBe(false);
  });

  test("the uploads bucket keeps its versioning and privacy when it outlives the stack", () => {
    const bucket = uploadsBucket(run());
    const settings = run().resources.filter(
      (r) => r.parent === bucket.parent && r.urn !== bucket.urn && r.type.startsWith("aws:s3/"),
    );
    const retained = settings.filter((r) => r.retainOnDelete).map((r) => r.type.split(":").pop());
    expect(retained.sort()).toEqual([
      "BucketOwnershipControls",
      "BucketPolicy",
      "BucketPublicAccessBlock",
      "BucketServerSideEncryptionConfiguration",
      "BucketVersioning",
    ]);
  });

  test("a weekly restore test restores the newest RDS snapshot from the vault", () => {
    const testing = only(ofType(run(), TESTING_PLAN), "restore testing plan");
    expect(inputsOf(testing)).toMatchObject({
      scheduleExpression: "cron(0 5 ? * SUN *)",
      recoveryPointSelection: {
        algorithm: "LATEST_WITHIN_WINDOW",
        includeVaults: [computed(only(ofType(run(), VAULT), "vault"), "arn")],
        recoveryPointTypes: ["SNAPSHOT"],
        selectionWindowDays: 7,
      },
    });
    const selection = only(ofType(run(), TESTING_SELECTION), "restore testing selection");
    expect(inputsOf(selection)).toMatchObject({
      protectedResourceType: "RDS",
      protectedResourceArns: ["*"],
      protectedResourceConditions: {
        stringEquals: [
          { key: "aws:ResourceTag/webstack-backup", value: `webstack-${stack}-databases` },
        ],
      },
    });
    expect(selection.propertyDependencies.restoreTestingPlanName).toEqual([testing.urn]);
    // The scratch instance lands in the databases' private subnets behind their security group,
    // not in a default VPC that may be missing or public.
    const overrides = inputsOf(selection).restoreMetadataOverrides as Record<string, string>;
    expect(overrides).toEqual({
      dbsubnetgroupname: computed(named(run(), `${stack}-mysql-subnets`), "name"),
      vpcsecuritygroupids: JSON.stringify([computed(named(run(), `${stack}-network-db-sg`), "id")]),
    });
  });

  test("the backup role may back up and restore RDS and S3", () => {
    const role = named(run(), `${stack}-backups-role`);
    expect(JSON.parse(String(inputsOf(role).assumeRolePolicy))).toMatchObject({
      Statement: [{ Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    const attached = ofType(run(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.propertyDependencies.role?.[0] === role.urn)
      .map((a) => String(inputsOf(a).policyArn).replace(/^.*:policy\//, ""))
      .sort();
    expect(attached).toEqual([
      "AWSBackupServiceRolePolicyForS3Backup",
      "AWSBackupServiceRolePolicyForS3Restore",
      "service-role/AWSBackupServiceRolePolicyForBackup",
      "service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
  });
});

describe("stack config reaches the AWS operations part", () => {
  test("a tightened alarm is tightened on every resource it watches", async () => {
    const base = stackConfig("prod");
    const run = await synth(
      "prod",
      withConfig(base, {
        "webstack:alarms": {
          ...configObject(base, "webstack:alarms"),
          overrides: { HostCpuHigh: { threshold: 70, forSeconds: 120 } },
        },
      }),
    );
    const cpu = ofType(run, ALARM).filter((r) => tags(r).alarm === "HostCpuHigh");
    // App hosts, two RDS instances, three Redis node groups.
    expect(cpu).toHaveLength(6);
    for (const r of cpu) {
      expect(inputsOf(r)).toMatchObject({ threshold: 70, evaluationPeriods: 2 });
    }
  }, 60_000);

  test("staging paging by SMS: every number on the critical topics only", async () => {
    const base = stackConfig("staging");
    const alerts = configObject(base, "webstack:alerts");
    const run = await synth(
      "staging",
      withConfig(base, {
        "webstack:alerts": {
          ...alerts,
          sms: { numbers: ["+15555550100", "+15555550101"] },
          routes: { warning: ["email", "slack"], critical: ["email", "slack", "sms"] },
        },
      }),
    );
    const sms = ofType(run, SUBSCRIPTION).filter((s) => inputsOf(s).protocol === "sms");
    expect(sms.map((s) => [s.name, inputsOf(s).endpoint])).toEqual([
      ["staging-alarms-topics-critical-sms-0", "+15555550100"],
      ["staging-alarms-topics-critical-sms-1", "+15555550101"],
      ["staging-alarms-topics-us-east-1-critical-sms-0", "+15555550100"],
      ["staging-alarms-topics-us-east-1-critical-sms-1", "+15555550101"],
    ]);
  }, 60_000);

  test("staging's webhook as a `secure:` value synth cannot decrypt: subscribed over https", async () => {
    // What tools/mock-runtime/stack-file.ts passes for `webstack:alertWebhookUrl: {secure: …}`.
    const placeholder = "<secret:webstack:alertWebhookUrl>";
    const base = stackConfig("staging");
    const alerts = configObject(base, "webstack:alerts");
    const secret = { "webstack:alertWebhookUrl": placeholder };
    const routes = { warning: ["email", "slack"], critical: ["email", "slack", "webhook"] };
    const run = await synth(
      "staging",
      withConfig(
        base,
        { ...secret, "webstack:alerts": { ...alerts, routes } },
        Object.keys(secret),
      ),
    );
    const hooks = ofType(run, SUBSCRIPTION).filter((s) => inputsOf(s).protocol === "https");
    expect(hooks.map((s) => [s.name, inputsOf(s).endpoint])).toEqual([
      ["staging-alarms-topics-critical-webhook", placeholder],
      ["staging-alarms-topics-us-east-1-critical-webhook", placeholder],
    ]);
  }, 60_000);
});
