// Hand-made operations resources in exactly the shape docs/operations-catalog.md fixes, built from
// the real catalog and renderers (CloudWatch specs bound to identifiers, the Prometheus rule
// file, prometheus.yml, alertmanager.yml, crontab and environment), so the alarm and backup policy
// tests start from a compliant stack per target and change one thing at a time.
import {
  ALARM_FLOORS,
  AlarmRule,
  AppAlarmInput,
  Channel,
  Severity,
  SEVERITIES,
} from "../../components/catalog/alarms";
import {
  AwsBackupRule,
  awsBackupRules,
  BACKUP_TAG_KEY,
  BACKUP_TIERS,
  uploadsBackupRule,
} from "../../components/catalog/backups";
import {
  cloudWatchAlarmSpecs,
  eventRuleSpecs,
  Placeholder,
  planAlarms,
} from "../../components/alarms/cloudwatch-specs";
import { renderAlertmanagerConfig } from "../../components/alarms/alertmanager-config";
import { plannedSubscriptions, slackSeverities } from "../../components/alarms/aws-delivery";
import { renderPrometheusConfig } from "../../components/alarms/prometheus-config";
import { renderPrometheusRules } from "../../components/alarms/prometheus-rules";
import { jobSettings, renderCrontab } from "../../components/backups/job";
import { readStackFile } from "../../tools/mock-runtime/stack-file";
import { FakeResource, tagsFor } from "./policy";

/** The application alarms prod declares (`webstack:alarms.extra` of Pulumi.prod.yaml). */
export const PROD_APP_ALARMS: Record<string, AppAlarmInput> = JSON.parse(
  readStackFile(`${__dirname}/../..`, "prod").values["webstack:alarms"],
).extra;

export const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const TOPIC = "aws:sns/topic:Topic";
export const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
export const SLACK_CHANNEL = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration";
export const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
export const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
export const RDS = "aws:rds/instance:Instance";
export const REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
export const VAULT = "aws:backup/vault:Vault";
export const KMS_KEY = "aws:kms/key:Key";
export const VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
export const PLAN = "aws:backup/plan:Plan";
export const SELECTION = "aws:backup/selection:Selection";
export const BUCKET = "aws:s3/bucket:Bucket";
export const RESTORE_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan";
export const RESTORE_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection";
export const CONTAINER = "docker:index/container:Container";
/** The component owning the application's uploads bucket (components/storage/aws.ts). */
export const UPLOADS_BUCKET_COMPONENT = "webstack:storage:UploadsBucket";

const ACCOUNT = "123456789012";
/** Topic resource name: one per severity in the stack's region, plus us-east-1's for Route 53. */
const topicName = (severity: Severity, region?: string) =>
  region ? `alerts-${region}-${severity}` : `alerts-${severity}`;

/** Routes per AWS tier, as the stack files set them (staging: no SMS; prod: SMS for critical). */
export const AWS_ROUTES: Readonly<Record<string, Record<Severity, Channel[]>>> = {
  staging: { warning: ["email", "slack"], critical: ["email", "slack"] },
  prod: { warning: ["email", "slack"], critical: ["email", "slack", "sms"] },
};

/** Identifiers of the AWS stack's databases, named as the program names them. */
export function awsIds(tier: string) {
  return {
    primary: `webstack-${tier}-mysql-primary`,
    replica: `webstack-${tier}-mysql-replica-1`,
    redis: `webstack-${tier}-redis`,
    // Cluster mode in prod (three shards); one node group in staging.
    nodeGroups: tier === "prod" ? 3 : 1,
  };
}

const PLACEHOLDERS: Partial<Record<Placeholder, string>> = {
  autoScalingGroupName: "webstack-app-hosts",
  loadBalancer: "app/webstack/0123456789abcdef",
  targetGroup: "targetgroup/webstack/0123456789abcdef",
  certificateArn: `arn:aws:acm:eu-central-1:${ACCOUNT}:certificate/0000`,
  healthCheckId: "00000000-0000-0000-0000-000000000000",
  backupVaultName: "webstack-backups",
};

/** The CloudWatch alarms, topics and BackupFailed EventBridge rules of a compliant AWS stack. */
export function awsAlarmResources(tier: "staging" | "prod"): FakeResource[] {
  const ids = awsIds(tier);
  const tags = tagsFor(tier);
  const resources: FakeResource[] = [];
  const specs = cloudWatchAlarmSpecs(ALARM_FLOORS[tier]);
  // As components/alarms/aws-topics.ts: a topic per severity and region the alarms need, each
  // subscribed as the stack's routes ask; Chatbot listens to every Slack-routed topic.
  const recipients = {
    routes: AWS_ROUTES[tier],
    emails: ["ops@example.com"],
    smsNumbers: ["+15555550100"],
  };
  const topics: { severity: Severity; region?: string }[] = [
    ...SEVERITIES.map((severity) => ({ severity })),
    ...[...new Set(specs.flatMap((s) => (s.region ? [s.region] : [])))].map((region) => ({
      severity: "critical" as const,
      region,
    })),
  ];
  for (const { severity, region } of topics) {
    const name = topicName(severity, region);
    resources.push({
      type: TOPIC,
      name,
      props: { name, ...(region ? { region } : {}), tags: { ...tags, severity } },
    });
    for (const planned of plannedSubscriptions(severity, recipients)) {
      resources.push({
        type: SUBSCRIPTION,
        name: `${name}-${planned.key}`,
        props: {
          ...(region ? { region } : {}),
          topic: `arn:aws:sns:${region ?? "eu-central-1"}:${ACCOUNT}:${name}`,
          protocol: planned.protocol,
          endpoint: planned.endpoint,
        },
        dependsOn: { topic: [name] },
      });
    }
  }
  const slackTopics = topics.filter((t) => slackSeverities(recipients).includes(t.severity));
  resources.push({
    type: SLACK_CHANNEL,
    name: "alerts-slack",
    props: {
      region: "us-west-2",
      configurationName: `webstack-${tier}-alarms`,
      slackTeamId: "T0EXAMPLE",
      slackChannelId: "C0EXAMPLE",
      snsTopicArns: slackTopics.map(
        (t) =>
          `arn:aws:sns:${t.region ?? "eu-central-1"}:${ACCOUNT}:${topicName(t.severity, t.region)}`,
      ),
      tags,
    },
    dependsOn: { snsTopicArns: slackTopics.map((t) => topicName(t.severity, t.region)) },
  });
  const planned = planAlarms(specs, {
    stack: tier,
    placeholders: PLACEHOLDERS,
    rdsInstances: [
      { resource: "primary", role: "primary", identifier: ids.primary },
      { resource: "replica-1", role: "replica", identifier: ids.replica },
    ],
    constants: { allocatedStorageBytes: 100 * 2 ** 30, maxConnections: 1000 },
    redisNodeGroups: Array.from({ length: ids.nodeGroups }, (_, g) => {
      const group = `${ids.redis}-000${g + 1}`;
      return { id: `000${g + 1}`, name: group, members: [`${group}-001`, `${group}-002`] };
    }),
  });
  for (const { spec, watches, bound: withTopic } of planned) {
    const { topic, ...bound } = withTopic;
    const topicArn = `arn:aws:sns:${bound.region ?? "eu-central-1"}:${ACCOUNT}:${topicName(topic, bound.region)}`;
    resources.push({
      type: METRIC_ALARM,
      name: bound.name,
      props: {
        ...bound,
        alarmActions: [topicArn],
        okActions: [topicArn],
        tags: {
          ...tags,
          alarm: spec.alarm,
          severity: spec.severity,
          ...(watches ? { watches } : {}),
        },
      },
      dependsOn: {
        alarmActions: [topicName(topic, bound.region)],
        okActions: [topicName(topic, bound.region)],
      },
    });
  }
  for (const spec of eventRuleSpecs(ALARM_FLOORS[tier])) {
    const rule = `backup-failed-${spec.target}`;
    resources.push(
      {
        type: EVENT_RULE,
        name: rule,
        props: {
          eventPattern: JSON.stringify(spec.eventPattern),
          tags: { ...tags, alarm: spec.alarm, severity: spec.topic },
        },
      },
      {
        type: EVENT_TARGET,
        name: `${rule}-target`,
        props: { rule, arn: `arn:aws:sns:eu-central-1:${ACCOUNT}:${topicName(spec.topic)}` },
        dependsOn: { rule: [rule], arn: [topicName(spec.topic)] },
      },
    );
  }
  return resources;
}

/** The RDS primary and replica and the Redis replication group of an AWS stack. */
export function awsDatabases(tier: string): FakeResource[] {
  const ids = awsIds(tier);
  const tags = tagsFor(tier);
  return [
    {
      type: RDS,
      name: "mysql-primary",
      props: {
        identifier: ids.primary,
        engine: "mysql",
        tags: { ...tags, [BACKUP_TAG_KEY]: `webstack-${tier}` },
      },
    },
    {
      type: RDS,
      name: "mysql-replica-1",
      props: { identifier: ids.replica, replicateSourceDb: ids.primary, tags },
    },
    {
      type: REPLICATION_GROUP,
      name: "redis-group",
      props: {
        replicationGroupId: ids.redis,
        ...(ids.nodeGroups > 1 ? { numNodeGroups: ids.nodeGroups, clusterMode: "enabled" } : {}),
        tags,
      },
    },
  ];
}

/** Plan rules as components/backups/aws.ts writes them from catalog rules. */
export function planRules(rules: readonly AwsBackupRule[], vaultName: string) {
  return rules.map((rule) => ({
    ruleName: rule.ruleName,
    schedule: rule.schedule,
    enableContinuousBackup: rule.enableContinuousBackup,
    lifecycle: { deleteAfter: rule.deleteAfterDays },
    targetVaultName: vaultName,
  }));
}

/**
 * AWS Backup for the stack: key, vault (locked where asked), the databases' plan and tag
 * selection, the uploads bucket under its own files-tier plan, and the weekly restore test of
 * the vault's RDS recovery points.
 */
export function awsBackupResources(tier: string, options: { lock: boolean }): FakeResource[] {
  const tags = tagsFor(tier);
  const vaultName = `webstack-${tier}-backups`;
  const vaultArn = `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:${vaultName}`;
  const resources: FakeResource[] = [
    { type: KMS_KEY, name: "backup-key", props: { enableKeyRotation: true, tags } },
    {
      type: VAULT,
      name: "backup-vault",
      props: {
        name: vaultName,
        kmsKeyArn: `arn:aws:kms:eu-central-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        tags,
      },
      dependsOn: { kmsKeyArn: ["backup-key"] },
    },
    {
      type: PLAN,
      name: "backup-plan",
      props: {
        name: `webstack-${tier}`,
        rules: planRules(awsBackupRules(BACKUP_TIERS), vaultName),
        tags,
      },
      dependsOn: { rules: ["backup-vault"] },
    },
    {
      type: SELECTION,
      name: "backup-selection",
      props: {
        planId: "<plan id>",
        iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/backup`,
        selectionTags: [{ type: "STRINGEQUALS", key: BACKUP_TAG_KEY, value: `webstack-${tier}` }],
      },
      dependsOn: { planId: ["backup-plan"] },
    },
    {
      type: BUCKET,
      name: "uploads-bucket",
      props: { forceDestroy: false, tags },
      parentTypes: [UPLOADS_BUCKET_COMPONENT],
    },
    {
      type: PLAN,
      name: "uploads-plan",
      props: {
        name: `webstack-${tier}-uploads`,
        rules: planRules([uploadsBackupRule(BACKUP_TIERS)], vaultName),
        tags,
      },
      dependsOn: { rules: ["backup-vault"] },
    },
    {
      type: SELECTION,
      name: "uploads-selection",
      props: {
        planId: "<uploads plan id>",
        iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/backup`,
        resources: [`arn:aws:s3:::webstack-${tier}-uploads`],
      },
      dependsOn: { planId: ["uploads-plan"], resources: ["uploads-bucket"] },
    },
    {
      type: RESTORE_PLAN,
      name: "restore-test",
      props: {
        name: `webstack_${tier}_restore_test`,
        scheduleExpression: "cron(0 5 ? * SUN *)",
        recoveryPointSelection: {
          algorithm: "LATEST_WITHIN_WINDOW",
          includeVaults: [vaultArn],
          recoveryPointTypes: ["SNAPSHOT"],
          selectionWindowDays: 7,
        },
        tags,
      },
      dependsOn: { recoveryPointSelection: ["backup-vault"] },
    },
    {
      type: RESTORE_SELECTION,
      name: "restore-test-rds",
      props: {
        name: "rds",
        restoreTestingPlanName: `webstack_${tier}_restore_test`,
        protectedResourceType: "RDS",
        protectedResourceArns: ["*"],
        protectedResourceConditions: {
          stringEquals: [{ key: `aws:ResourceTag/${BACKUP_TAG_KEY}`, value: `webstack-${tier}` }],
        },
        iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/restore-test`,
      },
      dependsOn: { restoreTestingPlanName: ["restore-test"] },
    },
  ];
  if (options.lock) {
    resources.push({
      type: VAULT_LOCK,
      name: "backup-vault-lock",
      props: { backupVaultName: vaultName, minRetentionDays: 7, changeableForDays: 3 },
      dependsOn: { backupVaultName: ["backup-vault"] },
    });
  }
  return resources;
}

/** A whole compliant AWS stack's operations resources and databases. */
export function awsStack(tier: "staging" | "prod"): FakeResource[] {
  return [
    ...awsDatabases(tier),
    ...awsAlarmResources(tier),
    ...awsBackupResources(tier, { lock: tier === "prod" }),
  ];
}

const container = (
  tier: string,
  name: string,
  props: Record<string, unknown>,
  aliases: string[],
): FakeResource => ({
  type: CONTAINER,
  name,
  props: {
    name: `webstack-${tier}-${name}`,
    restart: "unless-stopped",
    networksAdvanced: [{ name: `webstack-${tier}-data`, aliases }],
    labels: Object.entries(tagsFor(tier)).map(([label, value]) => ({ label, value })),
    ...props,
  },
});

/** Routes per Docker tier, as the stack files set them (dev: a log; test: email). */
export const DOCKER_ROUTES: Readonly<Record<string, Record<Severity, Channel[]>>> = {
  dev: { warning: ["log"], critical: ["log"] },
  test: { warning: ["email"], critical: ["email"] },
};

export interface DockerOptions {
  /** The alarms the rule file is rendered from. @default the tier's catalog floor */
  readonly alarms?: readonly AlarmRule[];
  readonly routes?: Record<Severity, Channel[]>;
  /** Rendered prometheus.yml text. @default every server scraped */
  readonly prometheusYml?: string;
  readonly crontab?: string;
  /** Extra environment of the backup job, or the names of variables to leave out of it. */
  readonly backupEnv?: readonly string[];
  readonly backupEnvWithout?: readonly string[];
}

export const BACKUP_SCRIPT_PATH = "/usr/local/bin/backup.sh";

/** MySQL aliases of a Docker tier: a primary, and one replica in test. */
export const mysqlAliases = (tier: string) =>
  tier === "test" ? ["mysql-primary", "mysql-replica-1"] : ["mysql-primary"];

export function renderedPrometheusYml(
  tier: string,
  mysql = mysqlAliases(tier),
  redis = ["redis"],
): string {
  return renderPrometheusConfig({
    environment: tier,
    ruleFiles: ["rules/webstack.rules.yml"],
    alertmanagers: ["alertmanager:9093"],
    node: [{ instance: "docker-host", target: "node-exporter:9100" }],
    mysql: mysql.map((alias) => ({ instance: alias, target: `${alias}-exporter:9104` })),
    redis: redis.map((alias) => ({ instance: alias, target: `${alias}-exporter:9121` })),
  });
}

/** A compliant Docker stack (dev or test): databases, monitoring and the backup job. */
export function dockerStack(tier: "dev" | "test", options: DockerOptions = {}): FakeResource[] {
  const routes = options.routes ?? DOCKER_ROUTES[tier];
  const alertmanager = renderAlertmanagerConfig({
    environment: tier,
    routes,
    email: {
      to: ["ops@example.com"],
      from: "alerts@example.com",
      smarthost: "smtp.example.com:587",
    },
  });
  const mysql = mysqlAliases(tier).map((alias) =>
    container(tier, alias, { image: "mysql:8.4.4" }, [alias]),
  );
  return [
    ...mysql,
    container(tier, "redis", { image: "redis:7.2.7" }, ["redis"]),
    container(
      tier,
      "prometheus",
      {
        image: "prom/prometheus:v2.53.3",
        uploads: [
          {
            file: "/etc/prometheus/rules/webstack.rules.yml",
            content: renderPrometheusRules({
              environment: tier,
              alarms: options.alarms ?? ALARM_FLOORS[tier],
            }),
          },
          {
            file: "/etc/prometheus/prometheus.yml",
            content: options.prometheusYml ?? renderedPrometheusYml(tier),
          },
        ],
      },
      ["prometheus"],
    ),
    container(
      tier,
      "alertmanager",
      {
        image: "prom/alertmanager:v0.27.0",
        uploads: [{ file: "/etc/alertmanager/alertmanager.yml", content: alertmanager }],
      },
      ["alertmanager"],
    ),
    // The backup job runs the MySQL image for mysqldump; it is no MySQL server.
    container(
      tier,
      "backup",
      {
        image: "mysql:8.4.4",
        uploads: [
          {
            file: "/etc/webstack/crontab",
            content: options.crontab ?? renderCrontab(BACKUP_TIERS),
          },
          { file: BACKUP_SCRIPT_PATH, content: "#!/usr/bin/env bash\n" },
        ],
        envs: [
          "BACKUP_DIR=/backups",
          "MYSQL_HOST=mysql-primary",
          "MYSQL_USER=backup",
          "MYSQL_PASSWORD_FILE=/run/secrets/mysql-backup-password",
          "REDIS_HOST=redis",
          ...Object.entries(jobSettings(BACKUP_TIERS))
            .filter(([name]) => !options.backupEnvWithout?.includes(name))
            .map(([name, value]) => `${name}=${value}`),
          ...(options.backupEnv ?? []),
        ],
      },
      ["backup"],
    ),
  ];
}

/** The resources with the named one changed by `change` (props merged shallowly). */
export function changed(
  resources: readonly FakeResource[],
  name: string,
  change: Partial<FakeResource> & { props?: Record<string, unknown> },
): FakeResource[] {
  if (!resources.some((r) => r.name === name)) throw new Error(`no fake resource named ${name}`);
  return resources.map((r) =>
    r.name === name ? { ...r, ...change, props: { ...r.props, ...(change.props ?? {}) } } : r,
  );
}

/** The resources without those `drop` matches. */
export function without(
  resources: readonly FakeResource[],
  drop: (r: FakeResource) => boolean,
): FakeResource[] {
  const kept = resources.filter((r) => !drop(r));
  if (kept.length === resources.length) throw new Error("without() dropped nothing");
  return kept;
}
