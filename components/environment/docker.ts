// The Docker target (dev, test): every part as containers, networks and volumes on one Docker
// engine, in dependency order: network, data tier, edge, backups, alarms.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { DockerAlarms } from "../alarms/docker";
import { DockerBackups } from "../backups/docker";
import type { DockerConfig } from "../config";
import { DockerEdge, nginxContainerName } from "../edge/docker";
import { DOCKER_UPSTREAM_HOSTS } from "../edge/site-spec";
import { DEFAULT_MYSQL_PORT } from "../mysql/my-cnf";
import { DockerNetwork } from "../network/docker";
import { stackAlarms, stackBackupTiers } from "./operations";
import { DEFAULT_REDIS_PORT } from "../redis/redis-conf";
import { buildDockerData } from "./data";
import { backendSettingsFrom } from "./backend-settings";
import { siteSettingsFromConfig } from "./edge-site";
import type { BuiltParts } from "./parts";

export function buildDockerParts(
  name: string,
  config: DockerConfig,
  parent: pulumi.Resource,
): BuiltParts {
  const namePrefix = `${config.project}-${config.stack}`;
  const network = new DockerNetwork(`${name}-network`, { namePrefix }, { parent });
  const data = buildDockerData(name, config, network, parent);
  const operations = data.mysql.operationsCredentials;
  if (!operations)
    throw new Error(`${name}: the Docker data tier must create the operations users`);

  // Uploaded files are application data: the backend writes them, the backup job reads them.
  const uploads = new docker.Volume(
    `${name}-uploads`,
    { name: `${namePrefix}-uploads` },
    { parent, retainOnDelete: true },
  );

  const edge = new DockerEdge(
    `${name}-edge`,
    {
      tier: config.environment,
      namePrefix,
      site: siteSettingsFromConfig(config),
      frontendImage: config.app.frontendImage,
      backendImage: config.app.backendImage,
      certificateValidityDays: config.edge.certificateValidityDays,
      nginxImage: config.edge.nginxImage,
      bindAddress: config.edge.bindAddress,
      edgeNetworkName: network.edgeNetworkName,
      dataNetworkName: network.dataNetworkName,
      uploadsVolumeName: uploads.name,
      // The cluster layout's nodes are on a network of their own; the single node is on data.
      ...(data.redis.backendAddress !== undefined
        ? { redisNetwork: { name: data.redis.networkName, address: data.redis.backendAddress } }
        : {}),
      backend: backendSettingsFrom({ mysql: data.mysql, redis: data.redis }),
    },
    { parent },
  );

  const backups = new DockerBackups(
    `${name}-backups`,
    {
      tier: config.environment,
      namePrefix,
      tiers: stackBackupTiers(config),
      mysql: {
        host: data.mysql.serverAliases[0],
        port: DEFAULT_MYSQL_PORT,
        networkName: network.dataNetworkName,
        user: operations.backup.username,
        password: operations.backup.password,
        flavour: config.mysql.flavour,
        engineVersion: config.mysql.engineVersion,
      },
      // In the cluster layout every node is a seed: the job finds the current primaries itself.
      redis: {
        hosts: data.redis.nodeAliases,
        port: DEFAULT_REDIS_PORT,
        layout: config.redis.layout,
        authToken: data.redis.authToken,
        // The cluster layout's nodes are on a network of their own; the single node is on data.
        ...(data.redis.backupJobAddress !== undefined
          ? { network: { name: data.redis.networkName, address: data.redis.backupJobAddress } }
          : {}),
      },
      uploadsVolumeName: uploads.name,
      // What was deployed and holds no secret (redis.conf carries the AUTH token).
      configFiles: {
        ...data.mysql.renderedFiles,
        "edge/nginx.conf": edge.nginxConf,
      },
    },
    { parent },
  );

  const alarms = new DockerAlarms(
    `${name}-alarms`,
    {
      tier: config.environment,
      namePrefix,
      alarms: stackAlarms(config),
      images: config.alarms.images,
      notify: config.alerts,
      secrets: config.secrets,
      mysql: {
        servers: data.mysql.serverAliases,
        port: DEFAULT_MYSQL_PORT,
        networkName: network.dataNetworkName,
        monitorUser: operations.monitor.username,
        monitorPassword: operations.monitor.password,
      },
      redis: {
        nodes: data.redis.nodeAliases,
        port: DEFAULT_REDIS_PORT,
        networkName: data.redis.networkName,
        // Fixed on the cluster network; the data network hands out dynamic ones.
        ...(data.redis.exporterAddresses !== undefined
          ? { addresses: data.redis.exporterAddresses }
          : {}),
        authToken: data.redis.authToken,
      },
      edge: {
        networkName: network.edgeNetworkName,
        host: nginxContainerName(namePrefix),
        serverName: config.domains[0],
        caCertificatePem: edge.caCertificatePem,
      },
      backendMetrics: `${DOCKER_UPSTREAM_HOSTS.backend}:${config.app.backendPort}`,
      textfileVolumeName: backups.metricsVolumeName,
      publishUi: config.alarms.publishUi,
    },
    { parent },
  );

  return {
    outputs: {
      ...data.outputs,
      certificateNotAfter: edge.certificateNotAfter,
      alarmDestinations: pulumi
        .all([alarms.destinations.warning, alarms.destinations.critical])
        .apply(([warning, critical]) => ({ warning, critical })),
      backupDestination: backups.destination,
    },
    files: {
      ...data.files,
      "edge/nginx.conf": edge.nginxConf,
      ...backups.renderedFiles,
      ...alarms.renderedFiles,
    },
  };
}
