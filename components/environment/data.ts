// The data tier of each target, built from the validated config: MySQL then Redis, on the network
// the target's network part created. Returns the app's connection outputs and rendered files.
import * as pulumi from "@pulumi/pulumi";
import type { AwsConfig, DockerConfig, WebstackConfig } from "../config";
import { AwsMysqlCluster } from "../mysql/aws";
import type { MysqlClusterOutputs } from "../mysql/contract";
import { DockerMysqlCluster } from "../mysql/docker";
import type { AwsNetworkOutputs, DockerNetworkOutputs } from "../network/contract";
import { AwsRedisCluster } from "../redis/aws";
import type { RedisClusterOutputs } from "../redis/contract";
import { DockerRedisCluster } from "../redis/docker";
import type { BuiltParts } from "./parts";

/** The data tier's outputs and files, and its components for the parts built after it. */
export interface DataTier<
  M extends MysqlClusterOutputs,
  R extends RedisClusterOutputs,
> extends BuiltParts {
  readonly mysql: M;
  readonly redis: R;
}

function dataParts(mysql: MysqlClusterOutputs, redis: RedisClusterOutputs): BuiltParts {
  return {
    outputs: {
      databaseWriteEndpoint: mysql.writeEndpoint,
      databaseReadEndpoint: mysql.readEndpoint,
      databasePort: mysql.port,
      databaseName: mysql.database,
      databaseUser: mysql.username,
      databasePassword: mysql.password,
      redisEndpoint: redis.endpoint,
      redisPort: redis.port,
      redisTls: redis.tls,
      redisAuthToken: redis.authToken,
    },
    files: { ...mysql.renderedFiles, ...redis.renderedFiles },
  };
}

function mysqlCommon(config: WebstackConfig) {
  const { mysql } = config;
  return {
    tier: config.environment,
    engineVersion: mysql.engineVersion,
    replicas: mysql.replicas,
    storageGb: mysql.storageGb,
    database: mysql.database,
    username: mysql.username,
    parameters: mysql.parameters,
  };
}

export function buildDockerData(
  name: string,
  config: DockerConfig,
  network: DockerNetworkOutputs,
  parent: pulumi.Resource,
): DataTier<DockerMysqlCluster, DockerRedisCluster> {
  const namePrefix = `${config.project}-${config.stack}`;
  const { mysql, redis } = config;
  const database = new DockerMysqlCluster(
    `${name}-mysql`,
    {
      ...mysqlCommon(config),
      namePrefix,
      networkName: network.dataNetworkName,
      image: mysql.image,
      flavour: mysql.flavour,
      vcpu: mysql.vcpu,
      memoryGb: mysql.memoryGb,
      publishPort: mysql.publishPort,
      // The backup job and the metrics exporters log in as these (components/environment/docker.ts).
      operationsUsers: true,
    },
    { parent },
  );
  const cache = new DockerRedisCluster(
    `${name}-redis`,
    {
      tier: config.environment,
      engineVersion: redis.engineVersion,
      snapshotRetentionDays: redis.snapshotRetentionDays,
      namePrefix,
      networkName: network.dataNetworkName,
      image: redis.image,
      memoryMb: redis.memoryMb,
      maxmemoryMb: redis.maxmemoryMb,
      layout: redis.layout,
      clusterSubnet: redis.clusterSubnet,
    },
    { parent },
  );
  return { ...dataParts(database, cache), mysql: database, redis: cache };
}

export function buildAwsData(
  name: string,
  config: AwsConfig,
  network: AwsNetworkOutputs,
  parent: pulumi.Resource,
  backupTag: string,
): DataTier<AwsMysqlCluster, AwsRedisCluster> {
  const identifierPrefix = `${config.project}-${config.stack}`;
  const { mysql, redis } = config;
  const database = new AwsMysqlCluster(
    `${name}-mysql`,
    {
      ...mysqlCommon(config),
      identifierPrefix,
      instanceClass: mysql.instanceClass,
      maxStorageGb: mysql.maxStorageGb,
      multiAz: mysql.multiAz,
      backupRetentionDays: mysql.backupRetentionDays,
      backupWindow: mysql.backupWindow,
      maintenanceWindow: mysql.maintenanceWindow,
      allowExtendedSupport: mysql.allowExtendedSupport,
      subnetIds: network.privateSubnetIds,
      securityGroupId: network.databaseSecurityGroupId,
      // The AWS Backup plan the operations part creates selects databases by this tag.
      backupTag,
    },
    { parent },
  );
  const cache = new AwsRedisCluster(
    `${name}-redis`,
    {
      tier: config.environment,
      engineVersion: redis.engineVersion,
      snapshotRetentionDays: redis.snapshotRetentionDays,
      identifierPrefix,
      nodeType: redis.nodeType,
      shards: redis.shards,
      replicasPerShard: redis.replicasPerShard,
      clusterMode: redis.clusterMode,
      snapshotWindow: redis.snapshotWindow,
      maintenanceWindow: redis.maintenanceWindow,
      subnetIds: network.privateSubnetIds,
      securityGroupId: network.cacheSecurityGroupId,
    },
    { parent },
  );
  return { ...dataParts(database, cache), mysql: database, redis: cache };
}
