// Docker networks: an internal network for data services (no route off the host, so MySQL and
// Redis are reachable only from containers attached to it) and an edge network where Nginx
// meets the app containers. Names carry the project and stack so dev and test can share a host.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { DockerNetworkArgs, DockerNetworkOutputs } from "./contract";

export class DockerNetwork extends pulumi.ComponentResource implements DockerNetworkOutputs {
  readonly dataNetworkName: pulumi.Output<string>;
  readonly edgeNetworkName: pulumi.Output<string>;

  constructor(name: string, args: DockerNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:network:DockerNetwork", name, {}, opts);
    const data = new docker.Network(
      `${name}-data`,
      { name: `${args.namePrefix}-data`, driver: "bridge", internal: true },
      { parent: this },
    );
    const edge = new docker.Network(
      `${name}-edge`,
      { name: `${args.namePrefix}-edge`, driver: "bridge", internal: false },
      { parent: this },
    );
    this.dataNetworkName = data.name;
    this.edgeNetworkName = edge.name;
    this.registerOutputs({
      dataNetworkName: this.dataNetworkName,
      edgeNetworkName: this.edgeNetworkName,
    });
  }
}
