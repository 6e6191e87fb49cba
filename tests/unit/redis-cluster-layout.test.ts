// Six-node cluster layout: node names and addresses, per-node configuration, the create
// command (password in the environment, never argv) and the validation messages.
import { redisClusterLayout, RedisClusterLayoutSpec } from "../../components/redis/cluster-layout";
import { MIB } from "../../components/redis/redis-conf";

const PASSWORD = "Cluster-Secret-0123456789";
const base: RedisClusterLayoutSpec = { nodeMemoryBytes: 4096 * MIB, password: PASSWORD };

function confLine(conf: string, directive: string): string | undefined {
  return conf.split("\n").find((line) => line.startsWith(`${directive} `));
}

describe("default layout (one container per node)", () => {
  const layout = redisClusterLayout(base);

  test("six nodes named redis-0 … redis-5 on port 6379, bus 16379, each in /data", () => {
    expect(layout.nodes.map((n) => [n.name, n.host, n.port, n.busPort, n.dataDir])).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => [`redis-${i}`, `redis-${i}`, 6379, 16379, "/data"]),
    );
  });

  test("every node is a cluster member with maxmemory from the 4 GB node and the production timeout", () => {
    for (const node of layout.nodes) {
      expect(confLine(node.conf, "cluster-enabled")).toBe("cluster-enabled yes");
      expect(confLine(node.conf, "cluster-node-timeout")).toBe("cluster-node-timeout 5000");
      expect(confLine(node.conf, "maxmemory")).toBe("maxmemory 3072mb");
      expect(confLine(node.conf, "maxmemory-policy")).toBe("maxmemory-policy allkeys-lru");
    }
  });

  test("the create command names all six nodes, one replica each, and carries no password", () => {
    expect(layout.create.argv).toEqual([
      "redis-cli",
      "--cluster",
      "create",
      "redis-0:6379",
      "redis-1:6379",
      "redis-2:6379",
      "redis-3:6379",
      "redis-4:6379",
      "redis-5:6379",
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ]);
    expect(layout.create.env).toEqual({ REDISCLI_AUTH: PASSWORD });
    expect(layout.create.script).not.toContain(PASSWORD);
  });

  test("the create script ends by running exactly that command", () => {
    const lines = layout.create.script.trimEnd().split("\n");
    expect(lines[lines.length - 1]).toBe(`exec ${layout.create.argv.join(" ")}`);
  });
});

test("all nodes on one host: given addresses, per-node directories and a test timeout", () => {
  const layout = redisClusterLayout({
    ...base,
    namePrefix: "parity",
    dataDirRoot: "/tmp/cluster",
    nodeTimeoutMs: 2000,
    bind: ["127.0.0.1"],
    nodes: [0, 1, 2, 3, 4, 5].map((i) => ({
      host: "127.0.0.1",
      port: 7000 + i,
      busPort: 8000 + i,
    })),
  });
  expect(layout.nodes.map((n) => n.dataDir)).toEqual(
    [0, 1, 2, 3, 4, 5].map((i) => `/tmp/cluster/parity-${i}`),
  );
  expect(layout.nodes.map((n) => confLine(n.conf, "cluster-port"))).toEqual(
    [0, 1, 2, 3, 4, 5].map((i) => `cluster-port ${8000 + i}`),
  );
  expect(confLine(layout.nodes[3].conf, "dir")).toBe("dir /tmp/cluster/parity-3");
  expect(confLine(layout.nodes[3].conf, "port")).toBe("port 7003");
  expect(confLine(layout.nodes[3].conf, "cluster-node-timeout")).toBe("cluster-node-timeout 2000");
  expect(layout.create.argv.slice(3, 9)).toEqual(
    [0, 1, 2, 3, 4, 5].map((i) => `127.0.0.1:${7000 + i}`),
  );
});

describe("validation", () => {
  const six = [0, 1, 2, 3, 4, 5].map((i) => ({ host: `h${i}`, port: 6379 }));
  test.each<[string, Partial<RedisClusterLayoutSpec>, string]>([
    [
      "five nodes",
      { nodes: six.slice(0, 5) },
      "redis.nodes has 5 entries, which is not allowed: a cluster of 3 primaries × 1 replica needs exactly 6",
    ],
    [
      "two nodes on one port",
      { nodes: [...six.slice(0, 5), { host: "h0", port: 6379 }] },
      "redis.nodes[5] reuses h0:6379, which is not allowed: every node needs its own client and bus port",
    ],
    [
      "a bus port clashing with another node's port",
      {
        nodes: [
          { host: "h", port: 7000, busPort: 7001 },
          ...six.slice(1, 5),
          { host: "h", port: 7001 },
        ],
      },
      "redis.nodes[5] reuses h:7001, which is not allowed: every node needs its own client and bus port",
    ],
    [
      "a host with a space",
      { nodes: [{ host: "bad host", port: 1 }, ...six.slice(1)] },
      'redis.nodes[0].host "bad host" is not allowed: use a host name or IPv4 address',
    ],
    [
      "an upper-case prefix",
      { namePrefix: "Redis" },
      "redis.namePrefix \"Redis\" is not allowed: use lower-case letters, digits and '-', starting with a letter",
    ],
    [
      "maxmemory above the node",
      { maxmemoryBytes: 8192 * MIB },
      "redis.maxmemoryBytes 8589934592 is not allowed: it exceeds the node's memory (nodeMemoryBytes 4294967296); use at most that, ideally 75 % of it",
    ],
  ])("%s is refused", (_name, change, message) => {
    expect(() => redisClusterLayout({ ...base, ...change })).toThrow(new Error(message));
  });
});
