// The Docker target (dev, test): every part as containers, networks and volumes on one Docker
// engine, in dependency order: network, data tier, edge, backups, alarms.
import * as pulumi from "@pulumi/pulumi";
import type { WebstackConfig } from "../config";
import { DockerNetwork } from "../network/docker";
import type { BuiltParts } from "./parts";

export function buildDockerParts(
  name: string,
  config: WebstackConfig,
  parent: pulumi.Resource,
): BuiltParts {
  const namePrefix = `${config.project}-${config.stack}`;
  new DockerNetwork(`${name}-network`, { namePrefix }, { parent });
  return { outputs: {}, files: {} };
}
