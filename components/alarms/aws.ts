// `webstack:ops:Alarms` on AWS: the stack's alarm catalog as CloudWatch alarms — one per spec of
// `cloudWatchAlarmSpecs`, per RDS instance, replica or Redis node group where the metric is per
// resource — whose alarm and OK actions go to the SNS topic of their severity; AWS Backup job
// failures through EventBridge rules to the critical topic; and a Route 53 health check on the
// health URL, whose metric (and so its alarm and a critical topic) lives in us-east-1 only.
import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { EventRule } from "@pulumi/aws/cloudwatch/eventRule";
import { EventTarget } from "@pulumi/aws/cloudwatch/eventTarget";
import { MetricAlarm } from "@pulumi/aws/cloudwatch/metricAlarm";
import { HealthCheck } from "@pulumi/aws/route53/healthCheck";
import { SEVERITIES, Severity } from "../catalog/alarms";
import { AwsSlackChannel } from "./aws-chatbot";
import { slackSeverities } from "./aws-delivery";
import { AwsAlarmTopics } from "./aws-topics";
import { cloudWatchAlarmSpecs, eventRuleSpecs, PlannedAlarm, planAlarms } from "./cloudwatch-specs";
import type { AlarmsOutputs, AwsAlarmsArgs } from "./contract";

/** Route 53 probes: every 30 s, unhealthy after 3 failures (the catalog's 1-minute budget). */
const HEALTH_CHECK = { requestInterval: 30, failureThreshold: 3 } as const;

/** The health check's target, from the public health URL (https, as the program builds it). */
export function healthCheckTarget(healthUrl: string) {
  const url = new URL(healthUrl);
  return { fqdn: url.hostname, port: Number(url.port || 443), resourcePath: url.pathname };
}

/** The rendered summary operators read: every alarm's name, threshold and timing. */
export function alarmSummaryFile(planned: readonly PlannedAlarm<unknown>[]): string {
  const rows = planned.map(({ spec, bound }) => ({
    name: bound.name,
    alarm: spec.alarm,
    severity: spec.severity,
    target: spec.target,
    comparison: spec.comparisonOperator,
    threshold: spec.threshold,
    periodSeconds: spec.periodSeconds,
    evaluationPeriods: spec.evaluationPeriods,
    treatMissingData: spec.treatMissingData,
    ...(spec.region ? { region: spec.region } : {}),
  }));
  return JSON.stringify(rows, null, 2) + "\n";
}

export class AwsAlarms extends pulumi.ComponentResource implements AlarmsOutputs {
  /** Topic ARN per severity, in the stack's region. */
  readonly destinations: Readonly<Record<Severity, pulumi.Output<string>>>;
  /** `alarms/cloudwatch-alarms.json`: what each alarm compares and for how long. */
  readonly summary: pulumi.Output<string>;

  constructor(name: string, args: AwsAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:ops:Alarms", name, {}, opts);
    const health = healthCheckTarget(args.healthUrl);
    const parent = { parent: this };

    const specs = cloudWatchAlarmSpecs(args.alarms);
    const { namePrefix, recipients, webhookUrl } = args;
    const topics = new AwsAlarmTopics(
      `${name}-topics`,
      { namePrefix, recipients, webhookUrl },
      parent,
    );
    // Metrics that exist in one region only (Route 53's, in us-east-1) need their alarm there,
    // and an alarm can only notify a topic of its own region.
    const regional: Record<string, AwsAlarmTopics> = {};
    for (const region of new Set(specs.flatMap((s) => (s.region ? [s.region] : [])))) {
      const severities = SEVERITIES.filter((severity) =>
        specs.some((s) => s.region === region && s.severity === severity),
      );
      const topicArgs = { namePrefix, severities, recipients, webhookUrl, region };
      regional[region] = new AwsAlarmTopics(`${name}-topics-${region}`, topicArgs, parent);
    }
    const topicArn = (severity: Severity, region?: string) =>
      (region ? regional[region] : topics).arns[severity]!;

    const slack = args.recipients.slack;
    const slackTopics = slackSeverities(args.recipients).flatMap((severity) => [
      topicArn(severity),
      ...Object.values(regional).flatMap((t) => t.arns[severity] ?? []),
    ]);
    if (slackTopics.length > 0 && slack?.workspaceId && slack.channelId) {
      new AwsSlackChannel(
        `${name}-slack`,
        {
          configurationName: `${args.namePrefix}-alarms`,
          workspaceId: slack.workspaceId,
          channelId: slack.channelId,
          topicArns: slackTopics,
        },
        parent,
      );
    }

    const healthCheck = specs.some((s) => s.target === "health-check")
      ? new HealthCheck(
          `${name}-health`,
          {
            type: "HTTPS",
            ...health,
            enableSni: true,
            ...HEALTH_CHECK,
            tags: { Name: `${args.namePrefix}-health` },
          },
          parent,
        )
      : undefined;

    const planned = planAlarms<pulumi.Input<string>>(specs, {
      stack: args.stack,
      placeholders: {
        autoScalingGroupName: args.autoScalingGroupName,
        loadBalancer: args.loadBalancerArnSuffix,
        targetGroup: args.targetGroupArnSuffix,
        certificateArn: args.certificateArn,
        backupVaultName: args.backupVaultName,
        ...(healthCheck ? { healthCheckId: healthCheck.id } : {}),
      },
      rdsInstances: args.rdsInstances,
      constants: {
        maxConnections: args.maxConnections,
        allocatedStorageBytes: args.allocatedStorageBytes,
      },
      redisNodeGroups: args.redisNodeGroups,
    });

    for (const { spec, bound, resource, watches } of planned) {
      const { topic, ...alarm } = bound;
      const arn = topicArn(topic, bound.region);
      new MetricAlarm(
        `${name}-${[spec.alarm, spec.target, resource].filter(Boolean).join("-")}`,
        {
          ...alarm,
          alarmActions: [arn],
          okActions: [arn],
          tags: {
            alarm: spec.alarm,
            severity: spec.severity,
            ...(watches !== undefined && { watches }),
          },
        },
        parent,
      );
    }

    // Backup, copy and restore jobs that fail: events, not metrics. The account filter keeps
    // jobs of other accounts (cross-account copies) out.
    const accountId = getCallerIdentityOutput({}, parent).accountId;
    for (const rule of eventRuleSpecs(args.alarms)) {
      const suffix = `${rule.alarm}-${rule.target}`;
      const eventRule = new EventRule(
        `${name}-${suffix}`,
        {
          name: `${args.namePrefix}-${suffix}`,
          description: rule.description,
          eventPattern: accountId.apply((account) =>
            JSON.stringify({ ...rule.eventPattern, account: [account] }),
          ),
          tags: { alarm: rule.alarm, severity: rule.topic },
        },
        parent,
      );
      new EventTarget(
        `${name}-${suffix}`,
        { rule: eventRule.name, arn: topicArn(rule.topic) },
        parent,
      );
    }

    this.destinations = { warning: topicArn("warning"), critical: topicArn("critical") };
    this.summary = pulumi.output(alarmSummaryFile(planned));
    this.registerOutputs({ destinations: this.destinations });
  }
}
