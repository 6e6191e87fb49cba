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

/** The stack's alert secrets; each is used only by the channel or feature that needs it. */
export interface AlertSecrets {
  /** SMTP AUTH password, with `notify.email.username`. */
  readonly smtpPassword?: pulumi.Input<string>;
  /** Slack incoming-webhook URL (the slack channel). */
  readonly slackWebhookUrl?: pulumi.Input<string>;
  /** URL the webhook channel posts to. */
  readonly alertWebhookUrl?: pulumi.Input<string>;
  /** SMS gateway URL (the sms channel); it carries its own credential. */
  readonly smsWebhookUrl?: pulumi.Input<string>;
  /** Where the Watchdog is posted every few minutes. @default none: it reaches no one */
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
  /** The MySQL servers one mysqld_exporter each watches. */
  readonly mysql: {
    /** Network aliases, the primary first (`DockerMysqlCluster.serverAliases`). */
    readonly servers: readonly string[];
    readonly port: number;
    /** Network the servers are on; the exporters join it. */
    readonly networkName: pulumi.Input<string>;
    /** The metrics user (`operationsCredentials.monitor`). */
    readonly monitorUser: string;
    readonly monitorPassword: pulumi.Input<string>;
  };
  /** The Redis nodes one redis_exporter each watches. */
  readonly redis: {
    /** Network aliases (`DockerRedisCluster.nodeAliases`). */
    readonly nodes: readonly string[];
    readonly port: number;
    /** `DockerRedisCluster.networkName`. */
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
  /** The edge blackbox_exporter probes over HTTPS at `/healthz`. */
  readonly edge: {
    readonly networkName: pulumi.Input<string>;
    /** Host the probe connects to on the edge network (the Nginx container's name). */
    readonly host: string;
    /** Name on the certificate, sent as SNI and Host (the stack's first domain). */
    readonly serverName: string;
    /** The edge's private CA, which the probe trusts instead of skipping verification. */
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

/** Who is notified on AWS, from the stack's `webstack:alerts`. */
export interface AlarmRecipients {
  /** Channels per severity (`alerts.routes`). */
  readonly routes: Readonly<Record<Severity, readonly Channel[]>>;
  /** `alerts.email.to`. @default none */
  readonly emails?: readonly string[];
  /** `alerts.sms.numbers`, E.164. @default none */
  readonly smsNumbers?: readonly string[];
  /** `alerts.slack`: AWS Chatbot needs the workspace (team) and channel ids. @default none */
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
