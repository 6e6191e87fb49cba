// `webstack:data:MysqlCluster` on AWS: an RDS for MySQL primary and N read replicas in the
// private subnets, behind the database security group, with the parameter group rendered from the
// same settings as the Docker my.cnf. Storage is encrypted everywhere; where the tier protects
// data, instances have deletion protection and Pulumi `protect`, and the primary always leaves a
// final snapshot. Logs go to CloudWatch groups we create first, so they get a retention.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
// One module per resource: the rds/iam/cloudwatch barrels would double type-check time.
import { LogGroup } from "@pulumi/aws/cloudwatch/logGroup";
import { Instance } from "@pulumi/aws/rds/instance";
import { ParameterGroup } from "@pulumi/aws/rds/parameterGroup";
import { SubnetGroup } from "@pulumi/aws/rds/subnetGroup";
import { BACKUP_TAG_KEY } from "../catalog/backups";
import { RDS_INSTANCE_CLASSES } from "../catalog/instance-sizes";
import { TIER_FLOORS } from "../catalog/tiers";
import { serviceRole } from "../aws-service-role";
import { generatedPassword } from "../passwords";
import { AwsMysqlClusterArgs, MysqlClusterOutputs, RdsInstanceRef } from "./contract";
import {
  DEFAULT_MYSQL_PORT,
  GIB,
  RdsParameter,
  rdsParameterGroupFamily,
  rdsParameters,
} from "./my-cnf";

/** Logs RDS exports to CloudWatch (the policy pack requires both). */
const RDS_LOG_EXPORTS = ["error", "slowquery"] as const;

/**
 * `max_connections` every instance runs with, for the DbConnectionsHigh alarm (CloudWatch has
 * no metric for the setting): the parameter group's entry (the stack config accepts only whole
 * numbers there), else RDS's default `{DBInstanceClassMemory/12582880}`, one connection per
 * 12 MiB. For that the class's full memory stands in for DBInstanceClassMemory, which RDS
 * reduces by what the OS keeps: a slight upper bound, so the alarm slightly under-estimates.
 */
export function rdsMaxConnections(parameters: readonly RdsParameter[], instanceClass: string) {
  const value = parameters.find((p) => p.name === "max_connections")?.value;
  return value !== undefined
    ? Number(value)
    : Math.floor((RDS_INSTANCE_CLASSES[instanceClass].memoryGiB * GIB) / 12_582_880);
}

export class AwsMysqlCluster extends pulumi.ComponentResource implements MysqlClusterOutputs {
  readonly writeEndpoint: pulumi.Output<string>;
  readonly readEndpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly database: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;
  readonly renderedFiles: Readonly<Record<string, pulumi.Output<string>>>;
  /** The private DB subnet group, where restores (the weekly restore test) must land too. */
  readonly subnetGroupName: pulumi.Output<string>;
  /** Every instance with its role, the primary first: what per-instance alarms watch. */
  readonly instances: readonly RdsInstanceRef[];
  /** `max_connections` every instance runs with (one parameter group), for connection alarms. */
  readonly maxConnections: number;
  /** Storage each instance was created with, bytes: the disk alarm's denominator. */
  readonly allocatedStorageBytes: number;

  constructor(name: string, args: AwsMysqlClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:data:MysqlCluster", name, {}, opts);
    const parent = { parent: this };
    const floor = TIER_FLOORS[args.tier];
    const protect = floor.protectData;
    const deep = floor.mysqlDeepMonitoring;
    const primaryId = `${args.identifierPrefix}-mysql-primary`;

    const parameters = rdsParameters({
      memoryBytes: RDS_INSTANCE_CLASSES[args.instanceClass].memoryGiB * GIB,
      parameters: args.parameters,
    });
    const maxConnections = rdsMaxConnections(parameters, args.instanceClass);
    const parameterGroup = new ParameterGroup(
      `${name}-params`,
      {
        family: rdsParameterGroupFamily("mysql", args.engineVersion),
        description: `webstack MySQL settings for ${args.identifierPrefix}`,
        parameters: parameters.map((p) => ({ ...p })),
      },
      parent,
    );
    const subnetGroup = new SubnetGroup(
      `${name}-subnets`,
      {
        subnetIds: args.subnetIds,
        description: `Private subnets of ${args.identifierPrefix} MySQL`,
      },
      parent,
    );

    // The instance must not start before its role may publish.
    const monitoringRoleArn = deep
      ? serviceRole(
          `${name}-monitoring`,
          "monitoring.rds.amazonaws.com",
          "Lets RDS enhanced monitoring publish OS metrics to CloudWatch Logs",
          { [`${name}-monitoring`]: "service-role/AmazonRDSEnhancedMonitoringRole" },
          this,
        ).arnWhenAttached
      : undefined;

    // RDS creates these groups itself, without expiry, unless they exist first.
    const logGroups = (identifier: string, resource: string) =>
      RDS_LOG_EXPORTS.map(
        (log) =>
          new LogGroup(
            `${name}-${resource}-${log}-log`,
            {
              name: `/aws/rds/instance/${identifier}/${log}`,
              retentionInDays: floor.logRetentionDays,
            },
            parent,
          ),
      );

    const common = {
      instanceClass: args.instanceClass,
      storageType: "gp3",
      storageEncrypted: true,
      maxAllocatedStorage: args.maxStorageGb,
      parameterGroupName: parameterGroup.name,
      vpcSecurityGroupIds: [args.securityGroupId],
      publiclyAccessible: false,
      port: DEFAULT_MYSQL_PORT,
      deletionProtection: protect,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      maintenanceWindow: args.maintenanceWindow,
      enabledCloudwatchLogsExports: [...RDS_LOG_EXPORTS],
      performanceInsightsEnabled: deep,
      // The free tier's 7 days; OS metrics every 60 s.
      performanceInsightsRetentionPeriod: deep ? 7 : undefined,
      monitoringInterval: deep ? 60 : 0,
      monitoringRoleArn,
    };
    const instanceOptions = (dependsOn: pulumi.Resource[]) =>
      pulumi.mergeOptions(parent, { protect, dependsOn });

    const masterPassword = generatedPassword(`${name}-master-password`, "mysql", parent);
    // A final snapshot name must be new each time an instance is deleted; the suffix changes
    // whenever the identifier does.
    const snapshotSuffix = new random.RandomId(
      `${name}-final-snapshot-suffix`,
      { byteLength: 4, keepers: { identifier: primaryId } },
      parent,
    );
    const primary = new Instance(
      `${name}-primary`,
      {
        ...common,
        identifier: primaryId,
        engine: "mysql",
        engineVersion: args.engineVersion,
        // Without Extended Support, RDS upgrades the engine when standard support ends instead
        // of billing for it; the stack config refuses ended lines unless the stack opts in.
        engineLifecycleSupport: args.allowExtendedSupport
          ? "open-source-rds-extended-support"
          : "open-source-rds-extended-support-disabled",
        allocatedStorage: args.storageGb,
        dbName: args.database,
        // RDS creates only this one user: the application connects as it (see docs/data.md).
        username: args.username,
        password: pulumi.secret(masterPassword.result),
        dbSubnetGroupName: subnetGroup.name,
        multiAz: args.multiAz,
        backupRetentionPeriod: args.backupRetentionDays,
        backupWindow: args.backupWindow,
        // Automated backups outlive a deleted instance where data is protected.
        deleteAutomatedBackups: !protect,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: pulumi.interpolate`${primaryId}-final-${snapshotSuffix.hex}`,
        // The stack's AWS Backup selection picks databases by this tag.
        ...(args.backupTag ? { tags: { [BACKUP_TAG_KEY]: args.backupTag } } : {}),
      },
      instanceOptions(logGroups(primaryId, "primary")),
    );

    const replicas = Array.from({ length: args.replicas }, (_, i) => {
      const identifier = `${args.identifierPrefix}-mysql-replica-${i + 1}`;
      return new Instance(
        `${name}-replica-${i + 1}`,
        {
          ...common,
          identifier,
          // Same region: the source's identifier. Engine, version, user, database and subnet
          // group come from the primary (RDS refuses a subnet group for a same-region replica).
          replicateSourceDb: primary.identifier,
          // RDS cannot snapshot a read replica on deletion; its data is the primary's.
          skipFinalSnapshot: true,
        },
        instanceOptions(logGroups(identifier, `replica-${i + 1}`)),
      );
    });

    this.subnetGroupName = subnetGroup.name;
    this.instances = [
      { resource: "primary", role: "primary", identifier: primary.identifier },
      ...replicas.map((r, i): RdsInstanceRef => ({
        resource: `replica-${i + 1}`,
        role: "replica",
        identifier: r.identifier,
      })),
    ];
    this.maxConnections = maxConnections;
    this.allocatedStorageBytes = args.storageGb * GIB;
    this.writeEndpoint = primary.address;
    this.readEndpoint = replicas[0]?.address ?? this.writeEndpoint;
    this.port = pulumi.output(DEFAULT_MYSQL_PORT);
    this.database = pulumi.output(args.database);
    this.username = pulumi.output(args.username);
    this.password = pulumi.secret(masterPassword.result);
    this.renderedFiles = {
      "mysql/rds-parameters.json": pulumi.output(JSON.stringify(parameters, null, 2) + "\n"),
    };
    this.registerOutputs({
      writeEndpoint: this.writeEndpoint,
      readEndpoint: this.readEndpoint,
      port: this.port,
      database: this.database,
      username: this.username,
      password: this.password,
    });
  }
}
