// The MySQL part's contract (`webstack:data:MysqlCluster`): one set of args and outputs, with a
// Docker and an AWS implementation. Values come from the stack config, which validated them and
// applied the defaults named below; the components do not check them again.
import * as pulumi from "@pulumi/pulumi";
import type { Tier } from "../catalog/tiers";

export interface MysqlClusterArgs {
  /** Tier whose floors the cluster meets (protection, multi-AZ, monitoring). */
  readonly tier: Tier;
  /** MySQL engine version. @default "8.4" (applied by config) */
  readonly engineVersion: string;
  /** Read replicas of the primary. @default 0 (applied by config) */
  readonly replicas: number;
  /** Allocated storage per instance, GiB (aws; Docker volumes are not sized). @default 20 (applied by config) */
  readonly storageGb: number;
  /** Application database. @default "app" (applied by config) */
  readonly database: string;
  /** Application user; its password is generated with @pulumi/random. @default "app" (applied by config) */
  readonly username: string;
  /** Extra system variables for the parameter group or my.cnf. @default {} (applied by config) */
  readonly parameters: Readonly<Record<string, string | number>>;
}

/** Where the AWS implementation places the instances. */
export interface AwsMysqlPlacement {
  /** Prefix of every RDS identifier, e.g. "webstack-prod" (project and stack). */
  readonly identifierPrefix: string;
  /** RDS instance class of the primary and the replicas. */
  readonly instanceClass: string;
  /** Storage autoscaling ceiling, GiB, above storageGb. @default none: no autoscaling */
  readonly maxStorageGb?: number;
  /** Synchronous standby in another AZ. @default false (applied by config) */
  readonly multiAz: boolean;
  /** Automated backup retention, days. @default 7 (applied by config) */
  readonly backupRetentionDays: number;
  /** Daily backup window, UTC. @default "02:00-03:00" (applied by config) */
  readonly backupWindow: string;
  /** Weekly maintenance window, UTC. @default "sun:04:00-sun:05:00" (applied by config) */
  readonly maintenanceWindow: string;
  /** Stay on an engine line past end of standard support (RDS bills Extended Support). @default false (applied by config) */
  readonly allowExtendedSupport: boolean;
  /** Private subnets for the DB subnet group. */
  readonly subnetIds: pulumi.Input<string>[];
  /** Security group admitting 3306 from the app tier only. */
  readonly securityGroupId: pulumi.Input<string>;
  /**
   * Value of the `webstack-backup` tag (BACKUP_TAG_KEY) on the primary: the name of the AWS
   * Backup plan whose selection covers it. Replicas are not tagged (their data is the primary's).
   * @default untagged (no AWS Backup plan covers the primary; RDS automated backups still run)
   */
  readonly backupTag?: string;
}

/** One RDS instance of the cluster, for per-instance alarms. */
export interface RdsInstanceRef {
  /** Suffix naming it in child and alarm names: `primary`, `replica-1` … */
  readonly resource: string;
  readonly role: "primary" | "replica";
  /** RDS DB instance identifier (the CloudWatch `DBInstanceIdentifier` dimension). */
  readonly identifier: pulumi.Output<string>;
}

/** Where the Docker implementation runs the containers. */
export interface DockerMysqlPlacement {
  /** Prefix of container and volume names, e.g. "webstack-dev". */
  readonly namePrefix: string;
  /** Internal data network the containers join. */
  readonly networkName: pulumi.Input<string>;
  /** Pinned server image. @default "mysql:8.4.4" (applied by config) */
  readonly image: string;
  /** Server flavour of the image. @default "mysql" (applied by config) */
  readonly flavour: "mysql" | "mariadb";
  /** CPU limit of each container. @default 1 vCPU (applied by config) */
  readonly vcpu: number;
  /** Memory limit of each container, GiB; sizes the buffer pool. @default 2 (applied by config) */
  readonly memoryGb: number;
  /** Publish the primary's 3306 on 127.0.0.1 (dev only). @default false (applied by config) */
  readonly publishPort: boolean;
  /**
   * Also create the backup job's and the metrics exporter's users on the primary (replicas get
   * them through replication), with generated passwords; see `operationsCredentials`.
   * @default false (not created)
   */
  readonly operationsUsers?: boolean;
}

/** A database login for another part; the password is a secret. */
export interface MysqlCredentials {
  readonly username: string;
  readonly password: pulumi.Output<string>;
}

export type AwsMysqlClusterArgs = MysqlClusterArgs & AwsMysqlPlacement;
export type DockerMysqlClusterArgs = MysqlClusterArgs & DockerMysqlPlacement;

export interface MysqlClusterOutputs {
  /** Endpoint applications write to (host name, no port). */
  readonly writeEndpoint: pulumi.Output<string>;
  /** Endpoint for reads: the first replica, or the primary when there is none. */
  readonly readEndpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly database: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  /** Application password (secret). */
  readonly password: pulumi.Output<string>;
  /** Files rendered for the cluster, by path under out/<stack>/ (e.g. "mysql/primary.cnf"). */
  readonly renderedFiles: Readonly<Record<string, pulumi.Output<string>>>;
}
