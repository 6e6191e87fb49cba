// The AWS target (staging, prod): every part as managed services in one VPC, in dependency
// order: network, data tier, uploads bucket, edge, backups, alarms.
import * as pulumi from "@pulumi/pulumi";
import { AwsAlarms } from "../alarms/aws";
import { AwsBackups } from "../backups/aws";
import { uploadsBackupRule } from "../catalog/backups";
import { TIER_FLOORS } from "../catalog/tiers";
import type { AwsConfig } from "../config";
import { AwsEdge } from "../edge/aws";
import { AwsNetwork } from "../network/aws";
import { stackAlarms, stackBackupTiers } from "./operations";
import { AwsUploadsBucket } from "../storage/aws";
import { buildAwsData } from "./data";
import { backendSettingsFrom } from "./backend-settings";
import { siteSettingsFromConfig } from "./edge-site";
import { publicUrls } from "./outputs";
import type { BuiltParts } from "./parts";

export function buildAwsParts(
  name: string,
  config: AwsConfig,
  parent: pulumi.Resource,
): BuiltParts {
  const network = new AwsNetwork(
    `${name}-network`,
    {
      vpcCidr: config.network.vpcCidr,
      availabilityZones: config.network.availabilityZones,
      natGateways: config.network.natGateways,
    },
    { parent },
  );
  const namePrefix = `${config.project}-${config.stack}`;
  // The databases carry this tag and the backup plan selects by it: one name for both.
  const databaseBackupTag = `${namePrefix}-databases`;
  const data = buildAwsData(name, config, network, parent, databaseBackupTag);
  const backupTiers = stackBackupTiers(config);

  const uploads = new AwsUploadsBucket(
    `${name}-uploads`,
    {
      // Old versions stay as long as the files tier keeps its backups.
      noncurrentVersionDays: uploadsBackupRule(backupTiers).deleteAfterDays,
      protect: TIER_FLOORS[config.environment].protectData,
    },
    {
      parent,
      // The bucket holds user data and used to be `webstack:ops:UploadsStore`
      // "<name>-backups-uploads", a child of the backups component. This alias keeps an existing
      // stack from replacing it: the engine maps the component to its old URN and, because each
      // child's name starts with the component's, each child "<name>-uploads-x" to its old
      // "<name>-backups-uploads-x" (the bucket, its versioning, lifecycle, encryption, public
      // access block, ownership controls and policy). Remove it once every stack has run `up`.
      aliases: [
        {
          name: `${name}-backups-uploads`,
          type: "webstack:ops:UploadsStore",
          parent: pulumi.createUrn(`${name}-backups`, "webstack:ops:Backups", parent),
        },
      ],
    },
  );

  const edge = new AwsEdge(
    `${name}-edge`,
    {
      tier: config.environment,
      namePrefix,
      site: siteSettingsFromConfig(config),
      frontendImage: config.app.frontendImage,
      backendImage: config.app.backendImage,
      certificateValidityDays: config.edge.certificateValidityDays,
      vpcId: network.vpcId,
      vpcCidr: config.network.vpcCidr,
      publicSubnetIds: network.publicSubnetIds,
      privateSubnetIds: network.privateSubnetIds,
      loadBalancerSecurityGroupId: network.loadBalancerSecurityGroupId,
      appSecurityGroupId: network.appSecurityGroupId,
      hosts: config.app.hosts,
      instanceType: config.app.instanceType,
      diskGb: config.app.diskGb,
      os: config.app.os,
      route53ZoneId: config.edge.route53ZoneId,
      uploadsBucket: uploads,
      backend: backendSettingsFrom({ mysql: data.mysql, redis: data.redis }),
    },
    { parent },
  );

  const backups = new AwsBackups(
    `${name}-backups`,
    {
      tier: config.environment,
      namePrefix,
      tiers: backupTiers,
      databaseBackupTag,
      uploadsBucketArn: uploads.bucketArn,
      restoreTestPlacement: {
        subnetGroupName: data.mysql.subnetGroupName,
        securityGroupIds: [network.databaseSecurityGroupId],
      },
    },
    { parent },
  );
  const { alerts } = config;
  const alarms = new AwsAlarms(
    `${name}-alarms`,
    {
      tier: config.environment,
      namePrefix,
      stack: config.stack,
      alarms: stackAlarms(config),
      recipients: {
        routes: alerts.routes,
        emails: alerts.email?.to,
        smsNumbers: alerts.sms?.numbers,
        slack: alerts.slack,
      },
      webhookUrl: config.secrets.alertWebhookUrl,
      healthUrl: publicUrls(config.domains).healthUrl,
      autoScalingGroupName: edge.autoScalingGroupName,
      loadBalancerArnSuffix: edge.loadBalancerArnSuffix,
      targetGroupArnSuffix: edge.targetGroupArnSuffix,
      certificateArn: edge.certificateArn,
      backupVaultName: backups.destination,
      rdsInstances: data.mysql.instances,
      maxConnections: data.mysql.maxConnections,
      allocatedStorageBytes: data.mysql.allocatedStorageBytes,
      redisNodeGroups: data.redis.nodeGroups,
    },
    { parent },
  );
  return {
    outputs: {
      ...data.outputs,
      certificateNotAfter: edge.certificateNotAfter,
      certificateArn: edge.certificateArn,
      certificateValidationRecords: edge.certificateValidationRecords,
      loadBalancerDnsName: edge.loadBalancerDnsName,
      alarmDestinations: pulumi.output(alarms.destinations),
      backupDestination: backups.destination,
      backupRoleArn: backups.roleArn,
      uploadsBucketName: uploads.bucketName,
    },
    files: {
      ...data.files,
      "edge/nginx.conf": edge.nginxConf,
      "edge/cloud-init.yaml": edge.cloudInit,
      "alarms/cloudwatch-alarms.json": alarms.summary,
      // The cloud-init files are compressed; the boot script and its settings, readable.
      "edge/app-host-boot.sh": edge.bootScript,
      "edge/app-host-boot.env": edge.bootEnvironment,
    },
  };
}
