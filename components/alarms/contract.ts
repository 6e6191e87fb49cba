// The alarms part's contract (`webstack:ops:Alarms`): the stack's merged alarms as Prometheus rules
// and Alertmanager routes on Docker, or as CloudWatch alarms and SNS topics on AWS.
import type * as pulumi from "@pulumi/pulumi";
import type { AlarmRule, Channel, Severity } from "../catalog/alarms";
import type { Tier } from "../catalog/tiers";
import type { RdsInstanceRef } from "../mysql/contract";
import type { CacheNodeGroupRef } from "../redis/contract";

export interface AlarmsOutputs {
  /** Topic ARNs (AWS) or receiver names (Docker) per severity. */
  readonly destinations: Readonly<Record<Severity, pulumi.Output<string>>>;
}

/** What both targets share: the stack's tier and its alarms. */
interface CommonAlarmsArgs {
  /** Environment whose alarms these are; every alert carries it as `environment`. */
  readonly tier: Tier;
  /** Prefix of physical names, e.g. "webstack-prod". */
  readonly namePrefix: string;
  /** The stack's merged alarms (`stackAlarms(config)`): catalog and application alarms. */
  readonly alarms: readonly AlarmRule[];
}

/**
 * The stack's alert secrets, each used only by what needs it: the SMTP AUTH password (with
 * `notify.email.username`), the Slack incoming-webhook URL, the webhook channel's URL, the SMS
 * gateway's URL (it carries its own credential), and where the Watchdog is posted every few
 * minutes (@default none: it reaches no one).
 */
export interface AlertSecrets {
  readonly smtpPassword?: pulumi.Input<string>;
  readonly slackWebhookUrl?: pulumi.Input<string>;
  readonly alertWebhookUrl?: pulumi.Input<string>;
  readonly smsWebhookUrl?: pulumi.Input<string>;
  readonly deadMansSwitchUrl?: pulumi.Input<string>;
}

export interface DockerAlarmsArgs extends CommonAlarmsArgs {
  /** Pinned images of the monitoring containers (config `webstack:alarms.images`). */
  readonly images: Readonly<
    Record<
      | "prometheus"
      | "alertmanager"
      | "nodeExporter"
      | "mysqldExporter"
      | "redisExporter"
      | "blackboxExporter",
      string
    >
  >;
  /** Who is notified, as the stack's `webstack:alerts` says (secrets separately). */
  readonly notify: {
    /** Channels per severity (`alerts.routes`). */
    readonly routes: Readonly<Record<Severity, readonly Channel[]>>;
    readonly email?: {
      readonly to: readonly string[];
      readonly from: string;
      readonly smarthost: string;
      readonly requireTls: boolean;
      readonly username?: string;
    };
    readonly slack?: { readonly channel: string };
  };
  /** Config guarantees each secret a route or `notify.email.username` needs. */
  readonly secrets: AlertSecrets;
  /**
   * The MySQL servers one mysqld_exporter each watches: network aliases, the primary first
   * (`DockerMysqlCluster.serverAliases`), on `networkName`, which the exporters join; logged in
   * as the metrics user (`operationsCredentials.monitor`).
   */
  readonly mysql: {
    readonly servers: readonly string[];
    readonly port: number;
    readonly networkName: pulumi.Input<string>;
    readonly monitorUser: string;
    readonly monitorPassword: pulumi.Input<string>;
  };
  /** The Redis nodes one redis_exporter each watches (`DockerRedisCluster.nodeAliases`). */
  readonly redis: {
    readonly nodes: readonly string[];
    readonly port: number;
    readonly networkName: pulumi.Input<string>;
    /**
     * Fixed IPv4 addresses the exporters take on `networkName`, one per entry of `nodes` in its
     * order (`DockerRedisCluster.exporterAddresses`): on the cluster network a dynamic one could
     * be a stopped node's, which could then not start.
     * @default none (Docker picks them; right for the data network, which has no fixed addresses)
     */
    readonly addresses?: readonly string[];
    readonly authToken: pulumi.Input<string>;
  };
  /**
   * The edge blackbox_exporter probes over HTTPS at `/healthz`: `host` on the edge network (the
   * Nginx container), `serverName` on the certificate, sent as SNI and Host (the stack's first
   * domain), verified against the edge's private CA instead of skipping verification.
   */
  readonly edge: {
    readonly networkName: pulumi.Input<string>;
    readonly host: string;
    readonly serverName: string;
    readonly caCertificatePem: pulumi.Input<string>;
  };
  /** `host:port` of the backend's /metrics on the edge network (BackendSlow reads it). */
  readonly backendMetrics: string;
  /** Volume the backup job writes its textfile metrics to; node_exporter reads it. */
  readonly textfileVolumeName: pulumi.Input<string>;
  /**
   * Publish the Prometheus (9090) and Alertmanager (9093) UIs on 127.0.0.1 of the Docker host,
   * for dev. Nothing else of monitoring is ever published. @default false (applied by config)
   */
  readonly publishUi: boolean;
}

/**
 * Who is notified on AWS, from the stack's `webstack:alerts`: channels per severity
 * (`alerts.routes`), `alerts.email.to`, `alerts.sms.numbers` (E.164) and `alerts.slack`, where
 * AWS Chatbot needs the workspace (team) and channel ids. @default none of the recipients
 */
export interface AlarmRecipients {
  readonly routes: Readonly<Record<Severity, readonly Channel[]>>;
  readonly emails?: readonly string[];
  readonly smsNumbers?: readonly string[];
  readonly slack?: {
    readonly channel: string;
    readonly workspaceId?: string;
    readonly channelId?: string;
  };
}

/** What the AWS implementation watches and whom it notifies. */
export interface AwsAlarmsArgs extends CommonAlarmsArgs {
  /** Stack name, part of every alarm name (`webstack-<stack>-<Alarm>-<target>[-<resource>]`). */
  readonly stack: string;
  /** Who each severity reaches (`webstack:alerts`). */
  readonly recipients: AlarmRecipients;
  /** Endpoint of the `webhook` channel (the alertWebhookUrl secret). @default none */
  readonly webhookUrl?: pulumi.Input<string>;
  /** The public health URL Route 53 probes for AvailabilityLow, e.g. https://example.com/healthz. */
  readonly healthUrl: string;
  /**
   * What the per-stack alarms watch: the app hosts' Auto Scaling group (EC2 and CloudWatch agent
   * metrics), the ALB's and the app target group's ARN suffixes (`LoadBalancer`, `TargetGroup`
   * dimensions), the ACM certificate (DaysToExpiry) and the AWS Backup vault (BackupStale).
   */
  readonly autoScalingGroupName: pulumi.Input<string>;
  readonly loadBalancerArnSuffix: pulumi.Input<string>;
  readonly targetGroupArnSuffix: pulumi.Input<string>;
  readonly certificateArn: pulumi.Input<string>;
  readonly backupVaultName: pulumi.Input<string>;
  /** Every RDS instance, the primary first. */
  readonly rdsInstances: readonly RdsInstanceRef[];
  /** `max_connections` and allocated storage (bytes) of each RDS instance: divisors. */
  readonly maxConnections: number;
  readonly allocatedStorageBytes: number;
  /** The ElastiCache node groups and their members. */
  readonly redisNodeGroups: readonly CacheNodeGroupRef[];
}
