// `webstack:data:RedisCluster` on Docker: one node on the internal data network (dev, test), or
// with `layout: cluster` six nodes on a network of their own with fixed addresses plus the
// one-shot job that joins them — prod's 3 × 1 shape on a laptop. redis.conf holds the AUTH
// secret, so it is uploaded as a secret; health checks read the password from a secret file.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { HEALTHCHECK_TIMINGS, JSON_FILE_LOGS, RESTART_POLICY } from "../container-defaults";
import { generatedPassword } from "../passwords";
import { CLUSTER_NODE_COUNT, redisClusterLayout } from "./cluster-layout";
import {
  CLUSTER_CREATE_SCRIPT_PATH,
  clusterCreateCommand,
  PASSWORD_SLOT,
  REDIS_CONF_PATH,
  REDIS_PASSWORD_FILE,
  redisHealthcheckTest,
  withPassword,
} from "./container-commands";
import { DockerRedisClusterArgs, RedisClusterOutputs } from "./contract";
import { DEFAULT_REDIS_PATHS, DEFAULT_REDIS_PORT, MIB, renderRedisConf } from "./redis-conf";
import { cidrBase, ipv4, validateDockerRedisArgs } from "./validate";

/** uid/gid of the `redis` user the official image's entrypoint drops to; it reads the files. */
export const REDIS_IMAGE_UID = "999";
export const SINGLE_NODE_ALIAS = "redis";
/**
 * Host part of cluster node n's address is FIRST_NODE_HOST + n; the create job's is CREATE_HOST,
 * the backup job's BACKUP_JOB_HOST, node n's redis_exporter's FIRST_EXPORTER_HOST + n and the
 * app's backend's BACKEND_CLIENT_HOST. Every container on the cluster network has a fixed
 * address: Docker hands a dynamic one out of the whole subnet, so it could take a stopped node's
 * address and that node could not start again. All fit the smallest subnet allowed (/27, whose
 * last usable host is .30; CLUSTER_SUBNET_MAX_PREFIX in ./validate.ts).
 */
export const FIRST_NODE_HOST = 10;
export const CREATE_HOST = 20;
export const BACKUP_JOB_HOST = 21;
export const FIRST_EXPORTER_HOST = 22;
export const BACKEND_CLIENT_HOST = 28;

type Upload = docker.types.input.ContainerUpload;

export class DockerRedisCluster extends pulumi.ComponentResource implements RedisClusterOutputs {
  readonly endpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly tls: pulumi.Output<boolean>;
  readonly authToken: pulumi.Output<string>;
  readonly renderedFiles: Readonly<Record<string, pulumi.Output<string>>>;
  /**
   * Network Redis clients must join: the data network, or with the cluster layout its own
   * network, because the nodes redirect clients to their addresses there.
   */
  readonly networkName: pulumi.Output<string>;
  /** Every node's network alias on `networkName` (what exporters and backups connect to). */
  readonly nodeAliases: readonly string[];
  /**
   * The fixed address on `networkName` the backup job must take in the cluster layout (see
   * BACKUP_JOB_HOST); undefined in the single layout, whose data network has no fixed addresses.
   */
  readonly backupJobAddress: string | undefined;
  /**
   * The fixed addresses on `networkName` the redis_exporters must take in the cluster layout, one
   * per entry of `nodeAliases` in its order (see FIRST_EXPORTER_HOST); undefined in the single
   * layout.
   */
  readonly exporterAddresses: readonly string[] | undefined;
  /**
   * The fixed address on `networkName` the app's backend must take in the cluster layout (see
   * BACKEND_CLIENT_HOST); undefined in the single layout, where `networkName` is the data network
   * the backend joins anyway.
   */
  readonly backendAddress: string | undefined;

  constructor(name: string, args: DockerRedisClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:data:RedisCluster", name, {}, opts);
    validateDockerRedisArgs(name, args);
    const parent = { parent: this };
    const { namePrefix } = args;
    const nodeMemoryBytes = args.memoryMb * MIB;
    const maxmemoryBytes = args.maxmemoryMb === undefined ? undefined : args.maxmemoryMb * MIB;

    const password = generatedPassword(`${name}-auth-token`, "redis", parent);
    const secret = pulumi.secret(password.result);
    const passwordUpload: Upload = {
      file: REDIS_PASSWORD_FILE,
      content: secret,
      owner: REDIS_IMAGE_UID,
      group: REDIS_IMAGE_UID,
      permissions: "0400",
    };
    const confUpload = (conf: pulumi.Output<string>): Upload => ({
      file: REDIS_CONF_PATH,
      content: conf,
      owner: REDIS_IMAGE_UID,
      group: REDIS_IMAGE_UID,
      permissions: "0400",
    });
    const image = new docker.RemoteImage(
      `${name}-image`,
      { name: args.image, keepLocally: true },
      parent,
    );

    const node = (
      suffix: string,
      conf: pulumi.Output<string>,
      network: docker.types.input.ContainerNetworksAdvanced,
      dependsOn: pulumi.Resource[] = [],
    ): docker.Container => {
      const volume = new docker.Volume(
        `${name}-${suffix}-data`,
        { name: `${namePrefix}-${suffix}-data` },
        { parent: this, retainOnDelete: true },
      );
      return new docker.Container(
        `${name}-${suffix}`,
        {
          name: `${namePrefix}-${suffix}`,
          image: image.name,
          command: ["redis-server", REDIS_CONF_PATH],
          restart: RESTART_POLICY,
          memory: args.memoryMb,
          uploads: [confUpload(conf), passwordUpload],
          volumes: [{ volumeName: volume.name, containerPath: DEFAULT_REDIS_PATHS.dir }],
          networksAdvanced: [network],
          healthcheck: { tests: redisHealthcheckTest(), ...HEALTHCHECK_TIMINGS },
          ...JSON_FILE_LOGS,
        },
        { parent: this, dependsOn },
      );
    };

    const files: Record<string, pulumi.Output<string>> = {};
    if (args.layout === "single") {
      const conf = pulumi.secret(
        password.result.apply((token) =>
          withPassword(
            (slot) => renderRedisConf({ nodeMemoryBytes, maxmemoryBytes, password: slot }),
            token,
          ),
        ),
      );
      node("redis", conf, { name: args.networkName, aliases: [SINGLE_NODE_ALIAS] });
      files["redis/redis.conf"] = conf;
      this.endpoint = pulumi.output(SINGLE_NODE_ALIAS);
      this.networkName = pulumi.output(args.networkName);
      this.nodeAliases = [SINGLE_NODE_ALIAS];
      this.backupJobAddress = undefined;
      this.exporterAddresses = undefined;
      this.backendAddress = undefined;
    } else {
      const subnet = cidrBase(args.clusterSubnet)!;
      const address = (host: number) => ipv4(subnet.base + host);
      const cidr = `${address(0)}/${subnet.prefix}`;
      // Nodes announce their own address; fixed ones let a restarted cluster find itself again.
      const network = new docker.Network(
        `${name}-cluster`,
        {
          name: `${namePrefix}-redis-cluster`,
          driver: "bridge",
          internal: true,
          ipamConfigs: [{ subnet: cidr }],
        },
        parent,
      );
      const layoutFor = (token: string) =>
        redisClusterLayout({
          nodeMemoryBytes,
          maxmemoryBytes,
          password: token,
          nodes: Array.from({ length: CLUSTER_NODE_COUNT }, (_, n) => ({
            host: address(FIRST_NODE_HOST + n),
            port: DEFAULT_REDIS_PORT,
          })),
        });
      // Names, addresses and the create script do not depend on the password.
      const shape = layoutFor(PASSWORD_SLOT);
      const nodes = shape.nodes.map((shapeNode, n) => {
        const conf = pulumi.secret(
          password.result.apply((token) =>
            withPassword((slot) => layoutFor(slot).nodes[n].conf, token),
          ),
        );
        files[`redis/node-${n}.conf`] = conf;
        return node(`redis-${n}`, conf, {
          name: network.name,
          ipv4Address: shapeNode.host,
          aliases: [shapeNode.name],
        });
      });
      files["redis/create-cluster.sh"] = pulumi.output(shape.create.script);
      // One-shot: joins the nodes once (a re-run is a no-op), then exits and stays exited.
      new docker.Container(
        `${name}-cluster-create`,
        {
          name: `${namePrefix}-redis-cluster-create`,
          image: image.name,
          command: clusterCreateCommand(),
          restart: "no",
          mustRun: false,
          uploads: [
            {
              file: CLUSTER_CREATE_SCRIPT_PATH,
              content: shape.create.script,
              permissions: "0755",
            },
            // Read by root: the job runs sh directly, the entrypoint drops no privileges for it.
            { file: REDIS_PASSWORD_FILE, content: secret, permissions: "0400" },
          ],
          networksAdvanced: [{ name: network.name, ipv4Address: address(CREATE_HOST) }],
          ...JSON_FILE_LOGS,
        },
        { parent: this, dependsOn: nodes },
      );
      this.endpoint = pulumi.output(shape.nodes[0].name);
      this.networkName = network.name;
      this.nodeAliases = shape.nodes.map((shapeNode) => shapeNode.name);
      this.backupJobAddress = address(BACKUP_JOB_HOST);
      this.exporterAddresses = shape.nodes.map((_, n) => address(FIRST_EXPORTER_HOST + n));
      this.backendAddress = address(BACKEND_CLIENT_HOST);
    }

    this.port = pulumi.output(DEFAULT_REDIS_PORT);
    this.tls = pulumi.output(false);
    this.authToken = secret;
    this.renderedFiles = files;
    this.registerOutputs({
      endpoint: this.endpoint,
      port: this.port,
      tls: this.tls,
      authToken: this.authToken,
      networkName: this.networkName,
    });
  }
}
