// `webstack:index:Environment`: one stack's whole platform. It picks the implementation of each
// part for the stack's target — Docker for dev/test, AWS for staging/prod — and exposes the
// stack outputs and rendered files; every value it passes on comes from the validated config.
import * as pulumi from "@pulumi/pulumi";
import type { WebstackConfig } from "../config";
import { buildAwsParts } from "./aws";
import { buildDockerParts } from "./docker";
import { StackOutputs, urlOutputs } from "./outputs";

export class Environment extends pulumi.ComponentResource {
  /** What the stack exports. */
  readonly stackOutputs: StackOutputs;
  /** Files the program renders (configs, scripts), by path under out/<stack>/. */
  readonly renderedFiles: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, config: WebstackConfig, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:index:Environment", name, {}, opts);
    const parts =
      config.target === "aws"
        ? buildAwsParts(name, config, this)
        : buildDockerParts(name, config, this);
    this.stackOutputs = {
      environment: pulumi.output(config.environment),
      target: pulumi.output(config.target),
      ...urlOutputs(config.domains),
      ...parts.outputs,
    };
    this.renderedFiles = parts.files;
    this.registerOutputs({ ...this.stackOutputs });
  }
}
