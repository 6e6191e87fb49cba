// `webstack:data:RedisCluster` on Docker: one node on the internal data network (dev, test), or
// with `layout: cluster` six nodes (3 primaries × 1 replica, prod's shape) on a network of their
// own with fixed addresses, plus the one-shot job (create-cluster.sh) that joins them. redis.conf
// holds the AUTH secret, so it is uploaded as a secret; health checks and the job read the
// password from a secret file, so no container carries it in a variable (`docker inspect`).
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ipv4, parseCidr } from "../catalog/ipv4";
import { HEALTHCHECK_TIMINGS, JSON_FILE_LOGS, RESTART_POLICY } from "../container-defaults";
import { generatedPassword } from "../passwords";
import { DockerRedisClusterArgs, RedisClusterOutputs } from "./contract";
import { DEFAULT_REDIS_PORT, MIB, renderRedisConf } from "./redis-conf";

/** The official image's documented config location. */
const REDIS_CONF_PATH = "/usr/local/etc/redis/redis.conf";
const PASSWORD_FILE = "/run/secrets/redis-password";
const CREATE_SCRIPT_PATH = "/usr/local/bin/create-cluster.sh";
/** uid/gid of the `redis` user the official image's entrypoint drops to; it reads the files. */
const REDIS_IMAGE_UID = "999";
/**
 * Host part of every fixed address on the cluster network: node n's is FIRST_NODE_HOST + n, node
 * n's redis_exporter's FIRST_EXPORTER_HOST + n. Docker hands out a dynamic address from the whole
 * subnet, so it could take a stopped node's and that node could not start again: every container
 * there has a fixed one, and all fit the smallest subnet the config allows (a /27: .1–.30).
 */
const CLUSTER_HOSTS = {
  firstNode: 10,
  createJob: 20,
  backupJob: 21,
  firstExporter: 22,
  backend: 28,
} as const;

/** `HEALTHCHECK CMD-SHELL`: PONG from the local node, authenticated with the password file. */
export function redisHealthcheck(passwordFile = PASSWORD_FILE, port = DEFAULT_REDIS_PORT) {
  return [
    "CMD-SHELL",
    `REDISCLI_AUTH="$(cat ${passwordFile})" redis-cli -p ${port} ping | grep -q PONG`,
  ];
}

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
   * Fixed addresses on `networkName` the cluster layout's other clients must take: the backup
   * job's, one per node's redis_exporter (in `nodeAliases` order) and the app's backend's.
   * Undefined in the single layout, where the data network has no fixed addresses.
   */
  readonly backupJobAddress?: string;
  readonly exporterAddresses?: readonly string[];
  readonly backendAddress?: string;

  constructor(name: string, args: DockerRedisClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:data:RedisCluster", name, {}, opts);
    const parent = { parent: this };
    const cluster = args.layout === "cluster";
    const password = generatedPassword(`${name}-auth-token`, "redis", parent);
    const secret = pulumi.secret(password.result);
    const owned = { owner: REDIS_IMAGE_UID, group: REDIS_IMAGE_UID, permissions: "0400" };
    const passwordUpload: Upload = { file: PASSWORD_FILE, content: secret, ...owned };
    const conf = pulumi.secret(
      password.result.apply((token) =>
        renderRedisConf({
          nodeMemoryBytes: args.memoryMb * MIB,
          maxmemoryBytes: args.maxmemoryMb === undefined ? undefined : args.maxmemoryMb * MIB,
          password: token,
          ...(cluster ? { cluster: {} } : {}),
        }),
      ),
    );
    const image = new docker.RemoteImage(
      `${name}-image`,
      { name: args.image, keepLocally: true },
      parent,
    );

    const node = (
      suffix: string,
      network: docker.types.input.ContainerNetworksAdvanced,
    ): docker.Container => {
      const volume = new docker.Volume(
        `${name}-${suffix}-data`,
        { name: `${args.namePrefix}-${suffix}-data` },
        { parent: this, retainOnDelete: true },
      );
      return new docker.Container(
        `${name}-${suffix}`,
        {
          name: `${args.namePrefix}-${suffix}`,
          image: image.name,
          command: ["redis-server", REDIS_CONF_PATH],
          restart: RESTART_POLICY,
          memory: args.memoryMb,
          uploads: [{ file: REDIS_CONF_PATH, content: conf, ...owned }, passwordUpload],
          volumes: [{ volumeName: volume.name, containerPath: "/data" }],
          networksAdvanced: [network],
          healthcheck: { tests: redisHealthcheck(), ...HEALTHCHECK_TIMINGS },
          ...JSON_FILE_LOGS,
        },
        { parent: this },
      );
    };

    const files: Record<string, pulumi.Output<string>> = {};
    if (!cluster) {
      node("redis", { name: args.networkName, aliases: ["redis"] });
      files["redis/redis.conf"] = conf;
      this.networkName = pulumi.output(args.networkName);
      this.nodeAliases = ["redis"];
    } else {
      const subnet = parseCidr(args.clusterSubnet);
      const address = (host: number) => ipv4(subnet.base + host);
      // Nodes announce their own address; fixed ones let a restarted cluster find itself again.
      const network = new docker.Network(
        `${name}-cluster`,
        {
          name: `${args.namePrefix}-redis-cluster`,
          driver: "bridge",
          internal: true,
          ipamConfigs: [{ subnet: `${address(0)}/${subnet.prefix}` }],
        },
        parent,
      );
      this.nodeAliases = Array.from({ length: 6 }, (_, n) => `redis-${n}`);
      const nodes = this.nodeAliases.map((alias, n) => {
        files[`redis/node-${n}.conf`] = conf;
        const ipv4Address = address(CLUSTER_HOSTS.firstNode + n);
        return node(`redis-${n}`, { name: network.name, ipv4Address, aliases: [alias] });
      });
      const nodeList = this.nodeAliases
        .map((_, n) => `${address(CLUSTER_HOSTS.firstNode + n)}:${DEFAULT_REDIS_PORT}`)
        .join(" ");
      const script = fs.readFileSync(path.join(__dirname, "create-cluster.sh"), "utf8");
      files["redis/create-cluster.sh"] = pulumi.output(script);
      // One-shot: joins the nodes once (a re-run is a no-op), then exits and stays exited.
      new docker.Container(
        `${name}-cluster-create`,
        {
          name: `${args.namePrefix}-redis-cluster-create`,
          image: image.name,
          command: ["sh", CREATE_SCRIPT_PATH],
          envs: [`REDIS_NODES=${nodeList}`, `REDIS_PASSWORD_FILE=${PASSWORD_FILE}`],
          restart: "no",
          mustRun: false,
          uploads: [
            { file: CREATE_SCRIPT_PATH, content: script, permissions: "0755" },
            // Read by root: the job runs sh directly, the entrypoint drops no privileges for it.
            { file: PASSWORD_FILE, content: secret, permissions: "0400" },
          ],
          networksAdvanced: [{ name: network.name, ipv4Address: address(CLUSTER_HOSTS.createJob) }],
          ...JSON_FILE_LOGS,
        },
        { parent: this, dependsOn: nodes },
      );
      this.networkName = network.name;
      this.backupJobAddress = address(CLUSTER_HOSTS.backupJob);
      this.exporterAddresses = nodes.map((_, n) => address(CLUSTER_HOSTS.firstExporter + n));
      this.backendAddress = address(CLUSTER_HOSTS.backend);
    }

    this.endpoint = pulumi.output(this.nodeAliases[0]);
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
