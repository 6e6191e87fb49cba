// The Docker target (dev, test): every part as containers, networks and volumes on one Docker
// engine, in dependency order: network, data tier, edge, backups, alarms.
import * as pulumi from "@pulumi/pulumi";
import type { WebstackConfig } from "../config";
import { backendSettingsFrom } from "../edge/backend-settings";
import { DockerEdge } from "../edge/docker";
import { siteSettingsFromConfig } from "../edge/stack-site";
import { DockerNetwork } from "../network/docker";
import { buildDockerData } from "./data";
import type { BuiltParts } from "./parts";

export function buildDockerParts(
  name: string,
  config: WebstackConfig,
  parent: pulumi.Resource,
): BuiltParts {
  const namePrefix = `${config.project}-${config.stack}`;
  const network = new DockerNetwork(`${name}-network`, { namePrefix }, { parent });
  const data = buildDockerData(name, config, network, parent);

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
      backend: backendSettingsFrom({ mysql: data.mysql, redis: data.redis }),
    },
    { parent },
  );
  return {
    outputs: {
      ...data.outputs,
      certificateNotAfter: edge.certificateNotAfter,
    },
    files: {
      ...data.files,
      "edge/nginx.conf": edge.nginxConf,
    },
  };
}
