// The alarms part's contract (`webstack:ops:Alarms`): the alarm catalog mapped onto CloudWatch
// and SNS on AWS, or Prometheus rules and Alertmanager routes on Docker.
import * as pulumi from "@pulumi/pulumi";
import type { AlarmRule } from "../catalog/alarms";
import type { Tier } from "../catalog/tiers";
import type { RdsInstanceRef } from "../mysql/contract";
import type { CacheNodeGroupRef } from "../redis/contract";
import type { AlarmRecipients } from "./aws-delivery";

export interface AlarmsArgs {
  readonly tier: Tier;
  /** Resources watched per instance: RDS instance ids, Redis node group ids, load balancer. */
  readonly watched: Readonly<Record<string, pulumi.Input<string>[]>>;
}

export interface AlarmsOutputs {
  /** Topic ARNs (AWS) or receiver names (Docker) per severity. */
  readonly destinations: Readonly<Record<"warning" | "critical", pulumi.Output<string>>>;
}

/** What the AWS implementation watches and whom it notifies. */
export interface AwsAlarmsArgs extends Pick<AlarmsArgs, "tier"> {
  /** Prefix of physical names (topics, rules, health check), e.g. "webstack-prod". */
  readonly namePrefix: string;
  /** Stack name, part of every alarm name (`webstack-<stack>-<Alarm>-<target>[-<resource>]`). */
  readonly stack: string;
  /** The stack's merged alarms (`stackAlarms(config)`), catalog and application alarms. */
  readonly alarms: readonly AlarmRule[];
  /** Who each severity reaches (`webstack:alerts`). */
  readonly recipients: AlarmRecipients;
  /** Endpoint of the `webhook` channel (the alertWebhookUrl secret). @default none */
  readonly webhookUrl?: pulumi.Input<string>;
  /** The public health URL Route 53 probes for AvailabilityLow, e.g. https://example.com/healthz. */
  readonly healthUrl: string;
  /** The app hosts' Auto Scaling group (EC2 and CloudWatch agent metrics). */
  readonly autoScalingGroupName: pulumi.Input<string>;
  /** The ALB's ARN suffix (`app/<name>/<id>`, the `LoadBalancer` dimension). */
  readonly loadBalancerArnSuffix: pulumi.Input<string>;
  /** The app target group's ARN suffix (the `TargetGroup` dimension). */
  readonly targetGroupArnSuffix: pulumi.Input<string>;
  /** The ACM certificate at the load balancer (DaysToExpiry). */
  readonly certificateArn: pulumi.Input<string>;
  /** The AWS Backup vault BackupStale watches. */
  readonly backupVaultName: pulumi.Input<string>;
  /** Every RDS instance, the primary first. */
  readonly rdsInstances: readonly RdsInstanceRef[];
  /** `max_connections` of the RDS instances (DbConnectionsHigh divides by it). */
  readonly maxConnections: number;
  /** Allocated storage of each RDS instance, bytes (DiskSpaceCritical divides by it). */
  readonly allocatedStorageBytes: number;
  /** The ElastiCache node groups and their members. */
  readonly redisNodeGroups: readonly CacheNodeGroupRef[];
}
