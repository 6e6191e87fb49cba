// A six-node Redis Cluster (3 primaries × 1 replica, prod's shape) laid out on loopback for the
// server tests: each node's redis.conf as the product renders it for a cluster member, on its own
// port, bus port and directory, and the environment create-cluster.sh (the job that joins them in
// the Docker layout) needs besides REDIS_PASSWORD_FILE.
import * as path from "node:path";
import { renderRedisConf } from "../../components/redis/redis-conf";

export const CLUSTER_NODE_COUNT = 6;
export const CREATE_CLUSTER_SCRIPT = path.resolve(
  __dirname,
  "../../components/redis/create-cluster.sh",
);

export interface LoopbackNode {
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
  /** redis.conf for this node. Contains the password. */
  readonly conf: string;
}

export function loopbackCluster(spec: {
  readonly nodeMemoryBytes: number;
  readonly password: string;
  /** Six client ports, then six bus ports. */
  readonly ports: readonly number[];
  readonly dataDirRoot: string;
  /** @default the product's 5000 ms */
  readonly nodeTimeoutMs?: number;
}): { nodes: LoopbackNode[]; createEnv: { REDIS_NODES: string } } {
  const nodes = Array.from({ length: CLUSTER_NODE_COUNT }, (_, i) => {
    const name = `redis-${i}`;
    const dataDir = path.join(spec.dataDirRoot, name);
    const port = spec.ports[i];
    const conf = renderRedisConf({
      nodeMemoryBytes: spec.nodeMemoryBytes,
      password: spec.password,
      port,
      bind: ["127.0.0.1"],
      dir: dataDir,
      cluster: { nodeTimeoutMs: spec.nodeTimeoutMs, busPort: spec.ports[CLUSTER_NODE_COUNT + i] },
    });
    return { name, port, dataDir, conf };
  });
  const REDIS_NODES = nodes.map((node) => `127.0.0.1:${node.port}`).join(" ");
  return { nodes, createEnv: { REDIS_NODES } };
}
