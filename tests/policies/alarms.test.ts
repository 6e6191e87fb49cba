// Alarm stack policies: compliant AWS (staging, prod) and Docker (dev, test) stacks built from the
// real catalog and renderers, then one property changed at a time with the exact message.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy");
const { unknownStringValue, unknownNumberValue, unknownBooleanValue } = proxy;
import {
  ALARM_FLOORS,
  AlarmRule,
  METRIC_SERIES,
  METRICS,
  MetricKind,
} from "../../components/catalog/alarms";
import { alarmValueExpression } from "../../components/alarms/prometheus-rules";
import { readsSeries } from "../../policies/prometheus-text";
import { FakeResource, resultOf, violations } from "../support/policy";
import {
  awsStack,
  changed,
  dockerStack,
  EVENT_TARGET,
  METRIC_ALARM,
  RDS,
  renderedPrometheusYml,
  SLACK_CHANNEL,
  SUBSCRIPTION,
  without,
} from "../support/operations";

const CATALOG = "webstack-alarms-catalog";
const DELIVERY = "webstack-alarms-delivery";
const COVERAGE = "webstack-alarms-coverage";
const POLICIES = [CATALOG, DELIVERY, COVERAGE];

const prod = awsStack("prod");
const CPU = "webstack-prod-HostCpuHigh-app-hosts";
const PRIMARY_DISK = "webstack-prod-DiskSpaceCritical-rds-primary";
const alarmProps = (name: string) =>
  (prod.find((r) => r.name === name) as FakeResource).props as Record<string, unknown>;
const eventPattern = (rule: string) =>
  JSON.parse(alarmProps(rule).eventPattern as string) as Record<string, unknown>;

const BACKUP_RULE = "backup-failed-backup-jobs";
const RESTORE_RULE = "backup-failed-restore-jobs";
/** The prod stack with one BackupFailed rule's event pattern changed at the top level. */
const withPattern = (rule: string, change: Record<string, unknown>) =>
  changed(prod, rule, {
    props: { eventPattern: JSON.stringify({ ...eventPattern(rule), ...change }) },
  });
const MISSES_BACKUP_JOBS =
  'BackupFailed misses failed backup jobs ("Backup Job State Change" with detail.state FAILED): no enabled EventBridge rule tagged alarm=BackupFailed matches them and targets a critical SNS topic.';
const MISSES_RESTORE_JOBS =
  'BackupFailed misses failed restore jobs ("Restore Job State Change" with detail.status FAILED): no enabled EventBridge rule tagged alarm=BackupFailed matches them and targets a critical SNS topic.';

/** The Docker stack with one catalog alarm changed before the rule file is rendered. */
const dockerWith = (tier: "dev" | "test", name: string, change: Partial<AlarmRule>) =>
  dockerStack(tier, {
    alarms: ALARM_FLOORS[tier].map((a) => (a.name === name ? { ...a, ...change } : a)),
  });

describe("compliant stacks pass", () => {
  const stacks: [string, FakeResource[]][] = [
    ["AWS staging", awsStack("staging")],
    ["AWS prod", prod],
    ["Docker dev", dockerStack("dev")],
    ["Docker test", dockerStack("test")],
  ];
  test.each(stacks.flatMap(([label, stack]) => POLICIES.map((p) => [label, p, stack] as const)))(
    "%s passes %s",
    async (_, policy, stack) => {
      expect(await violations(policy, stack)).toEqual([]);
    },
  );

  test("the prod fixture routes every topic, us-east-1's included, to the prod floor", () => {
    const subscribed = (topic: string) =>
      prod
        .filter((r) => r.type === SUBSCRIPTION && r.dependsOn?.topic?.includes(topic))
        .map((r) => r.props.protocol)
        .sort();
    expect(subscribed("alerts-warning")).toEqual(["email"]);
    expect(subscribed("alerts-critical")).toEqual(["email", "sms"]);
    expect(subscribed("alerts-us-east-1-critical")).toEqual(["email", "sms"]);
    const slack = prod.find((r) => r.type === SLACK_CHANNEL) as FakeResource;
    expect(slack.dependsOn?.snsTopicArns).toEqual([
      "alerts-warning",
      "alerts-critical",
      "alerts-us-east-1-critical",
    ]);
  });

  test("the prod fixture has every catalog alarm, per RDS instance and per Redis node group", () => {
    const tagged = prod.filter((r) => r.type === METRIC_ALARM);
    // 11 per-stack (BackupFailed is an EventBridge rule) + 4 × 2 RDS instances + 3 per replica
    // + 3 × 3 Redis node groups.
    expect(tagged).toHaveLength(11 + 8 + 3 + 9);
  });
});

describe(`${CATALOG} on AWS`, () => {
  test.each([
    [
      "the CPU threshold loosened to 95 %",
      changed(prod, CPU, { props: { threshold: 95 } }),
      ["HostCpuHigh fires above 95 % but the prod floor is 80 %."],
    ],
    [
      "the CPU alarm waiting 10 periods of a minute",
      changed(prod, CPU, { props: { evaluationPeriods: 10, datapointsToAlarm: 10 } }),
      ["HostCpuHigh fires after 10 minutes but the prod floor is 5 minutes."],
    ],
    [
      "the CPU alarm on 10-minute periods",
      changed(prod, CPU, { props: { period: 600 } }),
      ["HostCpuHigh fires after 50 minutes but the prod floor is 5 minutes."],
    ],
    [
      "the primary's disk alarm at 95 %",
      changed(prod, PRIMARY_DISK, {
        props: { threshold: 95 },
      }),
      [
        "DiskSpaceCritical (watching webstack-prod-mysql-primary) fires above 95 % but the prod floor is 90 %.",
      ],
    ],
    [
      "availability accepted down to 95 %",
      changed(prod, "webstack-prod-AvailabilityLow-health-check", { props: { threshold: 95 } }),
      ["AvailabilityLow fires below 95 % but the prod floor is 99 %."],
    ],
    [
      "the CPU alarm's comparison turned around",
      changed(prod, CPU, { props: { comparisonOperator: "LessThanThreshold" } }),
      ["HostCpuHigh fires below 80 % but the prod floor fires above 80 %."],
    ],
    [
      "the CPU alarm comparing with an anomaly band",
      changed(prod, CPU, {
        props: { comparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold" },
      }),
      [
        "HostCpuHigh does not compare its value with a fixed threshold; the prod floor fires above 80 %.",
      ],
    ],
    [
      "the certificate warning waiting three daily periods",
      changed(prod, "webstack-prod-CertificateExpiringWarning-certificate", {
        props: { evaluationPeriods: 3 },
      }),
      [
        "CertificateExpiringWarning waits 72 hours but the prod floor fires at the first evaluation.",
      ],
    ],
    [
      "BackupStale counting 48 hourly periods",
      changed(prod, "webstack-prod-BackupStale-backup-vault", {
        props: { evaluationPeriods: 48, datapointsToAlarm: 48 },
      }),
      ["BackupStale fires above 48 h but the prod floor is 26 h."],
    ],
    [
      "BackupStale turned into a threshold on completed jobs",
      changed(prod, "webstack-prod-BackupStale-backup-vault", {
        props: { comparisonOperator: "GreaterThanThreshold" },
      }),
      [
        "BackupStale must fire when fewer than 1 backup job completed (LessThanThreshold 1) over its periods; it compares GreaterThanThreshold 1.",
      ],
    ],
    [
      "the primary's disk alarm demoted to a warning",
      changed(prod, PRIMARY_DISK, {
        props: { tags: { ...alarmProps(PRIMARY_DISK).tags!, severity: "warning" } },
      }),
      [
        "DiskSpaceCritical (watching webstack-prod-mysql-primary) is warning but the prod floor makes it critical.",
      ],
    ],
    [
      "ServiceDown treating missing data as missing",
      changed(prod, "webstack-prod-ServiceDown-load-balancer", {
        props: { treatMissingData: "missing" },
      }),
      [
        "ServiceDown treats missing data as missing, so it stays quiet when no data arrives; set treatMissingData to breaching.",
      ],
    ],
    [
      "AvailabilityLow leaving treatMissingData at its default",
      changed(prod, "webstack-prod-AvailabilityLow-health-check", {
        props: { treatMissingData: undefined },
      }),
      [
        "AvailabilityLow treats missing data as missing (the default), so it stays quiet when no data arrives; set treatMissingData to breaching.",
      ],
    ],
    [
      "BackupStale treating missing data as not breaching",
      changed(prod, "webstack-prod-BackupStale-backup-vault", {
        props: { treatMissingData: "notBreaching" },
      }),
      [
        "BackupStale treats missing data as notBreaching, so it stays quiet when no data arrives; set treatMissingData to breaching.",
      ],
    ],
    [
      "ReplicationBroken treating missing data as missing: a replica that reports no lag is silent",
      changed(prod, "webstack-prod-ReplicationBroken-rds-replica-1", {
        props: { treatMissingData: "missing" },
      }),
      [
        "ReplicationBroken (watching webstack-prod-mysql-replica-1) treats missing data as missing, so it stays quiet when no data arrives; set treatMissingData to breaching.",
      ],
    ],
    [
      "the backup-job BackupFailed rule disabled",
      changed(prod, BACKUP_RULE, { props: { state: "DISABLED" } }),
      [
        "BackupFailed's EventBridge rule backup-failed-backup-jobs is DISABLED, so it never fires; leave state unset or ENABLED.",
        MISSES_BACKUP_JOBS,
      ],
    ],
    [
      "the backup-job BackupFailed rule switched off through isEnabled",
      changed(prod, BACKUP_RULE, { props: { isEnabled: false } }),
      [
        "BackupFailed's EventBridge rule backup-failed-backup-jobs has isEnabled false, so it never fires; leave it unset.",
        MISSES_BACKUP_JOBS,
      ],
    ],
    [
      "the backup-job BackupFailed rule listening to another source",
      withPattern(BACKUP_RULE, { source: ["aws.rds"] }),
      [
        "BackupFailed's EventBridge rule backup-failed-backup-jobs does not match source aws.backup, so it never sees a failed backup job.",
        MISSES_BACKUP_JOBS,
      ],
    ],
    [
      "the backup-job BackupFailed rule removed, the restore-job rule left",
      without(prod, (r) => r.name.startsWith(BACKUP_RULE)),
      [MISSES_BACKUP_JOBS],
    ],
    [
      "the backup-job BackupFailed rule narrowed to copy jobs",
      withPattern(BACKUP_RULE, { "detail-type": ["Copy Job State Change"] }),
      [MISSES_BACKUP_JOBS],
    ],
    [
      "the backup-job BackupFailed rule narrowed to EFS backups",
      withPattern(BACKUP_RULE, {
        detail: { state: ["FAILED"], resourceType: ["EFS"] },
      }),
      [MISSES_BACKUP_JOBS],
    ],
    [
      "the restore-job BackupFailed rule matching only aborted jobs",
      withPattern(RESTORE_RULE, { detail: { status: ["ABORTED"] } }),
      [MISSES_RESTORE_JOBS],
    ],
    [
      "the restore-job BackupFailed rule reading state, which restore events do not carry",
      withPattern(RESTORE_RULE, { detail: { state: ["FAILED"] } }),
      [MISSES_RESTORE_JOBS],
    ],
    [
      "the restore-job BackupFailed rule without a target",
      without(prod, (r) => r.type === EVENT_TARGET && r.name.includes("restore-jobs")),
      [MISSES_RESTORE_JOBS],
    ],
    [
      "the restore-job BackupFailed rule sent to the warning topic",
      changed(prod, `${RESTORE_RULE}-target`, {
        dependsOn: { rule: [RESTORE_RULE], arn: ["alerts-warning"] },
      }),
      [MISSES_RESTORE_JOBS],
    ],
    [
      "one rule for both kinds asking for state and status at once",
      without(
        withPattern(BACKUP_RULE, {
          "detail-type": ["Backup Job State Change", "Restore Job State Change"],
          detail: { state: ["FAILED"], status: ["FAILED"] },
        }),
        (r) => r.name.startsWith(RESTORE_RULE),
      ),
      [
        'BackupFailed misses failed backup jobs ("Backup Job State Change" with detail.state FAILED) and failed restore jobs ("Restore Job State Change" with detail.status FAILED): no enabled EventBridge rule tagged alarm=BackupFailed matches them and targets a critical SNS topic.',
      ],
    ],
    [
      "the backup-job BackupFailed rule without a pattern",
      changed(prod, BACKUP_RULE, { props: { eventPattern: undefined } }),
      [
        "BackupFailed's EventBridge rule backup-failed-backup-jobs has no readable eventPattern, so it matches no failed backup job.",
        MISSES_BACKUP_JOBS,
      ],
    ],
    [
      "every ServiceDown alarm removed",
      without(prod, (r) => r.name.includes("-ServiceDown-")),
      ["prod requires ServiceDown, but no CloudWatch alarm is tagged alarm=ServiceDown."],
    ],
    [
      "the BackupFailed EventBridge rules removed",
      without(prod, (r) => r.name.startsWith("backup-failed-")),
      ["prod requires BackupFailed, but no EventBridge rule is tagged alarm=BackupFailed."],
    ],
    [
      "no alarm at all",
      without(prod, (r) => r.type === METRIC_ALARM || r.name.startsWith("backup-failed-")),
      [
        "No CloudWatch alarm or EventBridge rule is tagged with a catalog alarm name, so none of the 19 prod catalog alarms exists.",
      ],
    ],
  ])("%s", async (_, stack, expected) => {
    expect(await violations(CATALOG, stack)).toEqual(expected);
  });

  test("pack config may tighten a floor, and a looser value in it changes nothing", async () => {
    const memory = "webstack-prod-HostMemoryHigh-app-hosts";
    const tighter = {
      [CATALOG]: { tighten: { HostMemoryHigh: { threshold: 70, forSeconds: 120 } } },
    };
    expect(await violations(CATALOG, prod, tighter)).toEqual([
      "HostMemoryHigh fires above 85 % but the prod floor is 70 %.",
      "HostMemoryHigh fires after 5 minutes but the prod floor is 2 minutes.",
    ]);
    const looser = { [CATALOG]: { tighten: { HostMemoryHigh: { threshold: 95 } } } };
    const at90 = changed(prod, memory, { props: { threshold: 90 } });
    expect(await violations(CATALOG, at90, looser)).toEqual([
      "HostMemoryHigh fires above 90 % but the prod floor is 85 %.",
    ]);
  });

  test("a rule enabled for CloudTrail management events too is enabled", async () => {
    const stack = changed(prod, BACKUP_RULE, {
      props: { state: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" },
    });
    expect(await violations(CATALOG, stack)).toEqual([]);
  });

  test("one rule matching every backup and restore job event covers both failures", async () => {
    // Noisier (it also fires on completed jobs) but no failure goes unheard.
    const one = without(
      withPattern(BACKUP_RULE, {
        "detail-type": ["Backup Job State Change", "Restore Job State Change"],
        detail: undefined,
      }),
      (r) => r.name.startsWith(RESTORE_RULE),
    );
    expect(await violations(CATALOG, one)).toEqual([]);
  });

  test("the tier comes from the environment tag: the same alarms judged as staging say staging", async () => {
    const staging = changed(awsStack("staging"), "webstack-staging-HostCpuHigh-app-hosts", {
      props: { threshold: 95 },
    });
    expect(await violations(CATALOG, staging)).toEqual([
      "HostCpuHigh fires above 95 % but the staging floor is 80 %.",
    ]);
  });
});

describe(`${CATALOG} on Docker`, () => {
  test.each([
    [
      "the CPU rule at 95 %",
      dockerWith("dev", "HostCpuHigh", { threshold: 95 }),
      ["HostCpuHigh fires above 95 % but the dev floor is 80 %."],
    ],
    [
      "the CPU rule holding for 10 minutes",
      dockerWith("test", "HostCpuHigh", { forSeconds: 600 }),
      ["HostCpuHigh fires after 10 minutes but the test floor is 5 minutes."],
    ],
    [
      "the certificate rule waiting 5 minutes",
      dockerWith("dev", "CertificateExpiringCritical", { forSeconds: 300 }),
      [
        "CertificateExpiringCritical waits 5 minutes but the dev floor fires at the first evaluation.",
      ],
    ],
    [
      "availability accepted down to 90 %",
      dockerWith("dev", "AvailabilityLow", { threshold: 90 }),
      ["AvailabilityLow fires below 90 % but the dev floor is 99 %."],
    ],
    [
      "the disk rule demoted to a warning",
      dockerWith("test", "DiskSpaceCritical", { severity: "warning" }),
      ["DiskSpaceCritical is warning but the test floor makes it critical."],
    ],
    [
      "ServiceDown missing from the rule file",
      dockerStack("dev", { alarms: ALARM_FLOORS.dev.filter((a) => a.name !== "ServiceDown") }),
      ["dev requires ServiceDown, but no shipped Prometheus rule has alert: ServiceDown."],
    ],
    [
      "no rule file shipped",
      dockerStack("dev").map((r) =>
        r.name === "prometheus"
          ? { ...r, props: { ...r.props, uploads: (r.props.uploads as object[]).slice(1) } }
          : r,
      ),
      ["No Prometheus rule file (*.rules.yml) ships, so none of the 19 dev catalog alarms exists."],
    ],
  ])("%s", async (_, stack, expected) => {
    expect(await violations(CATALOG, stack)).toEqual(expected);
  });

  const rulesText = (stack: FakeResource[]) =>
    (
      (stack.find((r) => r.name === "prometheus") as FakeResource).props.uploads as {
        content: string;
      }[]
    )[0].content;
  const withRulesText = (text: string) =>
    changed(dockerStack("dev"), "prometheus", {
      props: {
        uploads: [
          { file: "/etc/prometheus/rules/webstack.rules.yml", content: text },
          { file: "/etc/prometheus/prometheus.yml", content: renderedPrometheusYml("dev") },
        ],
      },
    });

  test("the threshold is read from the expression's trailing comparison, `bool` refused", async () => {
    const text = rulesText(dockerStack("dev")).replace(
      /(expr: 100 \* sum by \(instance\) .*) > 80\n/,
      "$1 > bool 80\n",
    );
    expect(await violations(CATALOG, withRulesText(text))).toEqual([
      "HostCpuHigh does not compare its value with a fixed threshold; the dev floor fires above 80 %.",
    ]);
  });

  test("a constant in place of the metric is refused: the rule must read the renderer's series", async () => {
    const text = rulesText(dockerStack("dev")).replace(
      /expr: 100 \* sum by \(instance\) .* > 80\n/,
      "expr: vector(0) > 80\n",
    );
    expect(await violations(CATALOG, withRulesText(text))).toEqual([
      "HostCpuHigh compares vector(0), which does not read node_cpu_seconds_total; hostCpuPercent is computed from node_cpu_seconds_total.",
    ]);
  });

  test("a series named only in a label matcher is not read", async () => {
    const text = rulesText(dockerStack("dev")).replace(
      /expr: 100 \* redis_memory_used_bytes .* > 85\n/,
      'expr: 100 * redis_memory_used_bytes / max(up{job="redis_memory_max_bytes"}) > 85\n',
    );
    expect(await violations(CATALOG, withRulesText(text))).toEqual([
      'RedisMemoryHigh compares 100 * redis_memory_used_bytes / max(up{job="redis_memory_max_bytes"}), which does not read redis_memory_max_bytes; redisMemoryPercent is computed from redis_memory_used_bytes and redis_memory_max_bytes.',
    ]);
  });

  test("the series table matches the renderer: each kind's expression reads every listed series", () => {
    const kinds = Object.keys(METRICS) as MetricKind[];
    for (const kind of kinds) {
      const alarm = ALARM_FLOORS.dev.find((a) => a.metric === kind) as AlarmRule;
      const expression = alarmValueExpression(alarm);
      expect(METRIC_SERIES[kind].filter((s) => !readsSeries(expression, s))).toEqual([]);
    }
    expect(Object.keys(METRIC_SERIES).sort()).toEqual([...kinds].sort());
  });

  test("a rule file that does not parse is reported, not skipped", async () => {
    const [message] = await violations(CATALOG, withRulesText("groups: [\n"));
    expect(message).toMatch(
      /^The shipped rule file \/etc\/prometheus\/rules\/webstack.rules.yml does not parse: /,
    );
  });
});

describe(`${DELIVERY}`, () => {
  test.each([
    [
      "the CPU warning sent to the critical topic",
      changed(prod, CPU, {
        dependsOn: { alarmActions: ["alerts-critical"], okActions: ["alerts-warning"] },
      }),
      ["HostCpuHigh is warning but sends its alarm actions to topic alerts-critical (critical)."],
    ],
    [
      "the CPU alarm with no OK actions",
      changed(prod, CPU, {
        props: { okActions: [] },
        dependsOn: { alarmActions: ["alerts-warning"] },
      }),
      ["HostCpuHigh sends its OK actions to no SNS topic of this stack."],
    ],
    [
      "a replica-lag alarm without a severity tag",
      changed(prod, "webstack-prod-ReplicaLagCritical-rds-replica-1", {
        props: {
          tags: {
            alarm: "ReplicaLagCritical",
            watches: "webstack-prod-mysql-replica-1",
            environment: "prod",
          },
        },
      }),
      [
        "ReplicaLagCritical (watching webstack-prod-mysql-replica-1) has no severity tag (warning or critical), so its topic cannot be checked.",
      ],
    ],
    [
      "BackupFailed's restore-job rule without a target",
      without(prod, (r) => r.type === EVENT_TARGET && r.name.includes("restore-jobs")),
      [
        "BackupFailed's EventBridge rule backup-failed-restore-jobs targets no SNS topic of its severity (critical).",
      ],
    ],
    [
      "the CPU alarm's actions disabled",
      changed(prod, CPU, { props: { actionsEnabled: false } }),
      ["HostCpuHigh has actionsEnabled false, so its alarm reaches no one."],
    ],
    [
      "prod's critical topic without its SMS subscription",
      without(prod, (r) => r.name === "alerts-critical-sms-0"),
      ["critical topic alerts-critical reaches email and slack but the prod floor also needs sms."],
    ],
    [
      "the us-east-1 critical topic (Route 53's) without subscriptions",
      without(prod, (r) => r.type === SUBSCRIPTION && r.name.startsWith("alerts-us-east-1-")),
      [
        "critical topic alerts-us-east-1-critical reaches slack but the prod floor also needs email and sms.",
      ],
    ],
    [
      "the warning e-mail subscription turned into an SQS queue",
      changed(prod, "alerts-warning-email-0", {
        props: { protocol: "sqs", endpoint: "arn:aws:sqs:eu-central-1:123456789012:q" },
      }),
      ["warning topic alerts-warning reaches slack but the prod floor also needs email."],
    ],
    [
      "the warning e-mail subscription with no address",
      changed(prod, "alerts-warning-email-0", { props: { endpoint: "" } }),
      ["warning topic alerts-warning reaches slack but the prod floor also needs email."],
    ],
    [
      "the warning subscription linked to no topic of the stack",
      changed(prod, "alerts-warning-email-0", { dependsOn: {} }),
      ["warning topic alerts-warning reaches slack but the prod floor also needs email."],
    ],
    [
      "Chatbot not listening to the warning topic",
      changed(prod, "alerts-slack", {
        dependsOn: { snsTopicArns: ["alerts-critical", "alerts-us-east-1-critical"] },
      }),
      ["warning topic alerts-warning reaches email but the prod floor also needs slack."],
    ],
    [
      "no Chatbot configuration and no subscription on staging's warning topic",
      without(
        awsStack("staging"),
        (r) => r.type === SLACK_CHANNEL || r.name === "alerts-warning-email-0",
      ),
      [
        "warning topic alerts-warning reaches no one but the staging floor needs email and slack.",
        "critical topic alerts-critical reaches email but the staging floor also needs slack.",
        "critical topic alerts-us-east-1-critical reaches email but the staging floor also needs slack.",
      ],
    ],
    [
      "test's critical alerts only logged",
      dockerStack("test", { routes: { warning: ["email"], critical: ["log"] } }),
      ["critical alerts reach log but the test floor also needs email."],
    ],
    [
      "no Alertmanager shipped",
      without(dockerStack("dev"), (r) => r.name === "alertmanager"),
      ["No Alertmanager configuration (alertmanager.yml) ships, so alerts reach no one."],
    ],
    [
      "prometheus.yml sending to an Alertmanager that does not exist",
      dockerStack("dev", {
        prometheusYml: renderedPrometheusYml("dev").replace("alertmanager:9093", "am:9093"),
      }),
      [
        "/etc/prometheus/prometheus.yml sends alerts to am, which is no Alertmanager container's network alias.",
      ],
    ],
  ])("%s", async (_, stack, expected) => {
    expect(await violations(DELIVERY, stack)).toEqual(expected);
  });

  test("pack config may add channels to a tier's floor", async () => {
    const config = { [DELIVERY]: { channels: { dev: { critical: ["email"] } } } };
    expect(await violations(DELIVERY, dockerStack("dev"), config)).toEqual([
      "critical alerts reach log but the dev floor also needs email.",
    ]);
  });

  test("pack config may add channels to an AWS tier's floor: staging's critical topics need SMS", async () => {
    const config = { [DELIVERY]: { channels: { staging: { critical: ["sms"] } } } };
    expect(await violations(DELIVERY, awsStack("staging"), config)).toEqual([
      "critical topic alerts-critical reaches email and slack but the staging floor also needs sms.",
      "critical topic alerts-us-east-1-critical reaches email and slack but the staging floor also needs sms.",
    ]);
  });

  test("routes with continue: true reach every channel after the first", async () => {
    // warning goes to log first, then (continue) to email: test's floor is met by the second.
    const both = dockerStack("test", {
      routes: { warning: ["log", "email"], critical: ["email"] },
    });
    expect(await violations(DELIVERY, both)).toEqual([]);
  });
});

describe(`${COVERAGE}`, () => {
  test.each([
    [
      "the replica's connection alarm removed",
      without(prod, (r) => r.name === "webstack-prod-DbConnectionsHigh-rds-replica-1"),
      [
        "RDS instance webstack-prod-mysql-replica-1 is not watched by DbConnectionsHigh (no alarm tagged watches=webstack-prod-mysql-replica-1).",
      ],
    ],
    [
      "a second replica nobody watches",
      [
        ...prod,
        {
          type: RDS,
          name: "mysql-replica-2",
          props: {
            identifier: "webstack-prod-mysql-replica-2",
            replicateSourceDb: "webstack-prod-mysql-primary",
            tags: { environment: "prod" },
          },
        },
      ],
      [
        "RDS instance webstack-prod-mysql-replica-2 is not watched by HostCpuHigh, DiskSpaceCritical, DbConnectionsHigh, MysqlDown, ReplicaLagWarning, ReplicaLagCritical and ReplicationBroken (no alarm tagged watches=webstack-prod-mysql-replica-2).",
      ],
    ],
    [
      "Redis memory watched on one of three node groups",
      without(
        prod,
        (r) =>
          r.name === "webstack-prod-RedisMemoryHigh-redis-0002" ||
          r.name === "webstack-prod-RedisMemoryHigh-redis-0003",
      ),
      [
        "ElastiCache replication group webstack-prod-redis has 3 node groups but RedisMemoryHigh watches 1.",
      ],
    ],
    [
      "Redis not watched at all",
      without(prod, (r) => r.name.includes("-redis-000")),
      [
        "ElastiCache replication group webstack-prod-redis is not watched by HostCpuHigh, RedisDown and RedisMemoryHigh.",
      ],
    ],
    [
      "test's replica missing from the mysqld scrape job",
      dockerStack("test", {
        prometheusYml: renderedPrometheusYml("test", ["mysql-primary"]),
      }),
      ["MySQL server mysql-replica-1 is not a target of the mysqld scrape job in prometheus.yml."],
    ],
    [
      "Redis missing from the redis scrape job",
      dockerStack("dev", { prometheusYml: renderedPrometheusYml("dev", undefined, []) }),
      ["Redis node redis is not a target of the redis scrape job in prometheus.yml."],
    ],
  ])("%s", async (_, stack, expected) => {
    expect(await violations(COVERAGE, stack)).toEqual(expected);
  });
});

describe("values unknown during preview", () => {
  test("an unknown threshold becomes a note while a known violation is still reported", async () => {
    const stack = without(changed(prod, CPU, { props: { threshold: unknownNumberValue } }), (r) =>
      r.name.includes("-ServiceDown-"),
    );
    const result = await resultOf(CATALOG, stack);
    expect(result.violations.map((v) => v.message)).toEqual([
      "prod requires ServiceDown, but no CloudWatch alarm is tagged alarm=ServiceDown.",
    ]);
    expect(result.notes).toEqual([
      expect.stringContaining("stack: can't run during preview: number value at .threshold"),
    ]);
  });

  test("an unknown alarm tag means no alarm can be claimed missing, and says so", async () => {
    const stack = changed(prod, CPU, { props: { tags: unknownStringValue } });
    const result = await resultOf(CATALOG, stack);
    expect(result.violations).toEqual([]);
    expect(result.notes).toHaveLength(1);
  });

  test("an unknown rule file is not read as missing alarms", async () => {
    const stack = changed(dockerStack("dev"), "prometheus", {
      props: {
        uploads: [
          { file: "/etc/prometheus/rules/webstack.rules.yml", content: unknownStringValue },
          { file: "/etc/prometheus/prometheus.yml", content: renderedPrometheusYml("dev") },
        ],
      },
    });
    for (const policy of [CATALOG, COVERAGE]) {
      const result = await resultOf(policy, stack);
      expect(result.violations).toEqual([]);
    }
    expect((await resultOf(CATALOG, stack)).notes).toEqual([
      expect.stringContaining("can't run during preview"),
    ]);
  });

  test("an unknown subscription protocol is a note, while a known routing gap is still reported", async () => {
    const stack = without(
      changed(prod, "alerts-critical-sms-0", { props: { protocol: unknownStringValue } }),
      (r) => r.name === "alerts-warning-email-0",
    );
    const result = await resultOf(DELIVERY, stack);
    expect(result.violations.map((v) => v.message)).toEqual([
      "warning topic alerts-warning reaches slack but the prod floor also needs email.",
    ]);
    expect(result.notes).toEqual([expect.stringContaining("can't run during preview")]);
  });

  test("an unknown event pattern, rule state or actionsEnabled is a note, not a pass and not a crash", async () => {
    const pattern = changed(prod, "backup-failed-backup-jobs", {
      props: { eventPattern: unknownStringValue },
    });
    const catalog = await resultOf(CATALOG, pattern);
    expect(catalog.violations).toEqual([]);
    expect(catalog.notes).toEqual([expect.stringContaining("can't run during preview")]);
    const state = changed(prod, RESTORE_RULE, { props: { state: unknownStringValue } });
    expect(await resultOf(CATALOG, state)).toMatchObject({
      violations: [],
      notes: [expect.stringContaining("can't run during preview")],
    });
    const actions = changed(prod, CPU, { props: { actionsEnabled: unknownBooleanValue } });
    const delivery = await resultOf(DELIVERY, actions);
    expect(delivery.violations).toEqual([]);
    expect(delivery.notes).toEqual([expect.stringContaining("can't run during preview")]);
  });

  test("an unknown alertmanager.yml (a secret-bearing file) is a note, not a pass", async () => {
    const stack = changed(dockerStack("test"), "alertmanager", {
      props: {
        uploads: [{ file: "/etc/alertmanager/alertmanager.yml", content: unknownStringValue }],
      },
    });
    const result = await resultOf(DELIVERY, stack);
    expect(result.violations).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining("can't run during preview")]);
  });
});
