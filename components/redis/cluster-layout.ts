// Lays out the six-node Redis Cluster (3 primaries × 1 replica, prod's ElastiCache shape) for
// prod parity on a laptop: each node's name, address and redis.conf, and the one-shot job that
// joins them with `redis-cli --cluster create`. The password reaches redis-cli through the
// REDISCLI_AUTH environment variable, never its argv (visible to every local user in `ps`).
import { DEFAULT_CLUSTER_NODE_TIMEOUT_MS, DEFAULT_REDIS_PORT, renderRedisConf } from "./redis-conf";

export const CLUSTER_NODE_COUNT = 6;
export const CLUSTER_REPLICAS_PER_PRIMARY = 1;
/** How long the create job waits for each node to answer PING before it gives up. */
export const NODE_WAIT_SECONDS = 120;

export interface RedisNodeAddress {
  /** Where the other nodes and the create job reach the node: Docker network alias or IP. */
  readonly host: string;
  readonly port: number;
  /** Cluster bus port. @default port + 10000 */
  readonly busPort?: number;
}

export interface RedisClusterLayoutSpec {
  /** Node names are `${namePrefix}-0` … `${namePrefix}-5`. @default "redis" */
  readonly namePrefix?: string;
  readonly nodeMemoryBytes: number;
  /** @default 75 % of nodeMemoryBytes */
  readonly maxmemoryBytes?: number;
  /** AUTH secret for every node (requirepass and masterauth). */
  readonly password: string;
  /**
   * Exactly six addresses. @default each node's name on port 6379: one container per node,
   * each with its own address on the Docker network.
   */
  readonly nodes?: readonly RedisNodeAddress[];
  /** @default 5000 ms, the production value */
  readonly nodeTimeoutMs?: number;
  /** @default ["0.0.0.0"] */
  readonly bind?: readonly string[];
  /**
   * When set, node `n` keeps its files in `${dataDirRoot}/${n}` (all nodes on one host).
   * @default every node uses "/data", its own volume in its own container
   */
  readonly dataDirRoot?: string;
}

export interface RedisClusterNode {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly busPort: number;
  readonly dataDir: string;
  /** redis.conf for this node. Contains the password: a secret. */
  readonly conf: string;
}

export interface RedisClusterCreate {
  /** `redis-cli --cluster create h:p ×6 --cluster-replicas 1 --cluster-yes` */
  readonly argv: readonly string[];
  /** Environment for the job. Contains the password: a secret. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * POSIX sh for the one-shot container: waits for every node to answer, does nothing when
   * the cluster already exists (a re-created job container must not fail), then execs argv.
   */
  readonly script: string;
}

export interface RedisClusterLayout {
  readonly nodes: readonly RedisClusterNode[];
  readonly create: RedisClusterCreate;
}

export function redisClusterLayout(spec: RedisClusterLayoutSpec): RedisClusterLayout {
  const prefix = spec.namePrefix ?? "redis";
  if (!/^[a-z][a-z0-9-]{0,40}$/.test(prefix)) {
    throw new Error(
      `redis.namePrefix ${JSON.stringify(prefix)} is not allowed: use lower-case letters, digits and '-', starting with a letter`,
    );
  }
  const names = Array.from({ length: CLUSTER_NODE_COUNT }, (_, i) => `${prefix}-${i}`);
  const addresses: readonly RedisNodeAddress[] =
    spec.nodes ?? names.map((host) => ({ host, port: DEFAULT_REDIS_PORT }));
  if (addresses.length !== CLUSTER_NODE_COUNT) {
    throw new Error(
      `redis.nodes has ${addresses.length} entries, which is not allowed: a cluster of ${CLUSTER_NODE_COUNT / (CLUSTER_REPLICAS_PER_PRIMARY + 1)} primaries × ${CLUSTER_REPLICAS_PER_PRIMARY} replica needs exactly ${CLUSTER_NODE_COUNT}`,
    );
  }
  const seen = new Set<string>();
  for (const [i, address] of addresses.entries()) {
    if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(address.host)) {
      throw new Error(
        `redis.nodes[${i}].host ${JSON.stringify(address.host)} is not allowed: use a host name or IPv4 address`,
      );
    }
    for (const port of [address.port, address.busPort ?? address.port + 10000]) {
      const key = `${address.host}:${port}`;
      if (seen.has(key)) {
        throw new Error(
          `redis.nodes[${i}] reuses ${key}, which is not allowed: every node needs its own client and bus port`,
        );
      }
      seen.add(key);
    }
  }

  const nodes = addresses.map((address, i): RedisClusterNode => {
    const busPort = address.busPort ?? address.port + 10000;
    const dataDir = spec.dataDirRoot ? `${spec.dataDirRoot}/${names[i]}` : "/data";
    const conf = renderRedisConf({
      nodeMemoryBytes: spec.nodeMemoryBytes,
      maxmemoryBytes: spec.maxmemoryBytes,
      password: spec.password,
      port: address.port,
      bind: spec.bind,
      paths: { dir: dataDir },
      cluster: { nodeTimeoutMs: spec.nodeTimeoutMs ?? DEFAULT_CLUSTER_NODE_TIMEOUT_MS, busPort },
    });
    return { name: names[i], host: address.host, port: address.port, busPort, dataDir, conf };
  });

  const endpoints = nodes.map((n) => `${n.host}:${n.port}`);
  const argv = [
    "redis-cli",
    "--cluster",
    "create",
    ...endpoints,
    "--cluster-replicas",
    String(CLUSTER_REPLICAS_PER_PRIMARY),
    "--cluster-yes",
  ];
  return {
    nodes,
    create: { argv, env: { REDISCLI_AUTH: spec.password }, script: createScript(nodes, argv) },
  };
}

function createScript(nodes: readonly RedisClusterNode[], argv: readonly string[]): string {
  const first = nodes[0];
  return [
    "#!/bin/sh",
    "# Rendered by webstack (components/redis/cluster-layout.ts). Do not edit: change the stack config.",
    `# Forms the ${nodes.length}-node Redis Cluster once. REDISCLI_AUTH must hold the password.`,
    "set -eu",
    ': "${REDISCLI_AUTH:?REDISCLI_AUTH must hold the cluster password}"',
    "",
    `for node in ${nodes.map((n) => `${n.host}:${n.port}`).join(" ")}; do`,
    "  host=${node%:*}",
    "  port=${node##*:}",
    "  waited=0",
    '  until [ "$(redis-cli -h "$host" -p "$port" ping 2>/dev/null)" = PONG ]; do',
    `    if [ "$waited" -ge ${NODE_WAIT_SECONDS} ]; then`,
    `      echo "webstack: redis node $node did not answer within ${NODE_WAIT_SECONDS} s" >&2`,
    "      exit 1",
    "    fi",
    "    sleep 1",
    "    waited=$((waited + 1))",
    "  done",
    "done",
    "",
    "# A node that already knows other nodes has been joined before: creating again would fail.",
    `known=$(redis-cli -h ${first.host} -p ${first.port} cluster info | sed -n 's/^cluster_known_nodes:\\([0-9]*\\).*/\\1/p')`,
    'if [ "${known:-1}" -gt 1 ]; then',
    '  echo "webstack: the cluster already exists ($known nodes); nothing to do"',
    "  exit 0",
    "fi",
    `exec ${argv.join(" ")}`,
    "",
  ].join("\n");
}
