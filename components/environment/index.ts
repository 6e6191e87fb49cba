// `webstack:index:Environment`: one stack's whole platform. It picks the implementation of each
// part for the stack's target — Docker for dev/test, AWS for staging/prod — and wires the parts
// together; every value it passes comes from the validated config.
import * as pulumi from "@pulumi/pulumi";
import type { WebstackConfig } from "../config";
import { AwsNetwork } from "../network/aws";
import { DockerNetwork } from "../network/docker";
import { StackOutputs, urlOutputs } from "./outputs";

export class Environment extends pulumi.ComponentResource {
  /** What the stack exports. */
  readonly stackOutputs: StackOutputs;
  /** Files the program renders (configs, scripts), by path under out/<stack>/. */
  readonly renderedFiles: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, config: WebstackConfig, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:index:Environment", name, {}, opts);
    const files: Record<string, pulumi.Output<string>> = {};

    if (config.target === "aws") {
      new AwsNetwork(
        `${name}-network`,
        {
          vpcCidr: config.network.vpcCidr,
          availabilityZones: config.network.availabilityZones,
          natGateways: config.network.natGateways,
        },
        { parent: this },
      );
    } else {
      new DockerNetwork(
        `${name}-network`,
        { namePrefix: `${config.project}-${config.stack}` },
        { parent: this },
      );
    }

    this.stackOutputs = {
      environment: pulumi.output(config.environment),
      target: pulumi.output(config.target),
      ...urlOutputs(config.domains),
    };
    this.renderedFiles = files;
    this.registerOutputs({ ...this.stackOutputs });
  }
}
