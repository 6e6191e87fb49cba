// The AWS target (staging, prod): every part as managed services in one VPC, in dependency
// order: network, data tier, edge, backups, alarms.
import * as pulumi from "@pulumi/pulumi";
import type { WebstackConfig } from "../config";
import { AwsNetwork } from "../network/aws";
import { buildAwsData } from "./data";
import type { BuiltParts } from "./parts";

export function buildAwsParts(
  name: string,
  config: WebstackConfig,
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
  const data = buildAwsData(name, config, network, parent);
  return { outputs: { ...data.outputs }, files: { ...data.files } };
}
