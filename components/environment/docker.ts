// The Docker target (dev, test): every part as containers, networks and volumes on one Docker
// engine, in dependency order: network, data tier, edge, backups, alarms.
import * as pulumi from "@pulumi/pulumi";
import type { WebstackConfig } from "../config";
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
  return { outputs: { ...data.outputs }, files: { ...data.files } };
}
