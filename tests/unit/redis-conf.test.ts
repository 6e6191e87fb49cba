// redis.conf rendering: maxmemory sizing from the node, the docs/requirements.md §3 policy
// lines, the disabled commands, cluster options and the data directory.
import {
  MIB,
  RedisConfSpec,
  redisMaxmemoryBytes,
  renderRedisConf,
} from "../../components/redis/redis-conf";

const GIB = 1024 * MIB;
const PASSWORD = "Abcdefgh12345678-!&#$^<>";

/** redis.conf as directive → list of argument strings (directives may repeat). */
function directives(text: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const space = line.indexOf(" ");
    const name = line.slice(0, space);
    result.set(name, [...(result.get(name) ?? []), line.slice(space + 1)]);
  }
  return result;
}

function render(spec: Partial<RedisConfSpec> = {}): Map<string, string[]> {
  return directives(renderRedisConf({ nodeMemoryBytes: GIB, password: PASSWORD, ...spec }));
}

describe("maxmemory from the node size", () => {
  test.each([
    // node bytes, maxmemory bytes — 75 %, rounded down to a MiB
    [16 * MIB, 12 * MIB],
    [1 * GIB, 768 * MIB], // dev/test single node (docs/requirements.md §1: 1 GB)
    [4 * GIB, 3 * GIB], // prod-parity cluster node (4 GB)
    [1.5 * GIB, 1152 * MIB],
    [100 * MIB + 1, 75 * MIB],
  ])("a %d-byte node gets maxmemory %d", (node, expected) => {
    expect(redisMaxmemoryBytes({ nodeMemoryBytes: node })).toBe(expected);
  });

  test("an explicit maxmemory up to the node size is kept", () => {
    expect(redisMaxmemoryBytes({ nodeMemoryBytes: GIB, maxmemoryBytes: GIB })).toBe(GIB);
  });

  test.each([
    [768 * MIB, "768mb"],
    [100 * MIB + 5, "104857605"],
  ])("maxmemory %d is written as %s", (maxmemory, text) => {
    expect(render({ maxmemoryBytes: maxmemory }).get("maxmemory")).toEqual([text]);
  });
});

describe("policy every node gets", () => {
  test.each([
    ["maxmemory-policy", ["allkeys-lru"]],
    ["save", ["900 1", "300 10", "60 10000"]],
    ["appendonly", ["yes"]],
    ["appendfsync", ["everysec"]],
    ["requirepass", [`"${PASSWORD}"`]],
    ["masterauth", [`"${PASSWORD}"`]],
    ["protected-mode", ["yes"]],
    ["daemonize", ["no"]],
    ["port", ["6379"]],
    ["bind", ["0.0.0.0"]],
    ["dir", ["/data"]],
    ["logfile", ['""']],
    ["slowlog-log-slower-than", ["10000"]],
    ["slowlog-max-len", ["128"]],
    ["rename-command", ['FLUSHALL ""', 'FLUSHDB ""', 'SHUTDOWN ""']],
    ["enable-debug-command", ["no"]],
    ["enable-module-command", ["no"]],
    ["enable-protected-configs", ["no"]],
  ])("%s %j", (name, values) => {
    expect(render().get(name)).toEqual(values);
  });

  test("standalone by default: no cluster directives, no pid file", () => {
    const names = [...render().keys()];
    expect(names.filter((n) => n.startsWith("cluster-"))).toEqual([]);
    expect(names).not.toContain("pidfile");
  });
});

describe("cluster mode", () => {
  test("turns on the cluster with the production node timeout and the default bus port", () => {
    const conf = render({ port: 7000, cluster: {} });
    expect(conf.get("cluster-enabled")).toEqual(["yes"]);
    expect(conf.get("cluster-node-timeout")).toEqual(["5000"]);
    expect(conf.get("cluster-port")).toEqual(["17000"]);
    expect(conf.get("cluster-config-file")).toEqual(["nodes.conf"]);
    expect(conf.get("cluster-require-full-coverage")).toEqual(["yes"]);
    expect(conf.has("cluster-announce-ip")).toBe(false);
  });

  test("takes a test timeout and an explicit bus port", () => {
    const conf = render({ cluster: { nodeTimeoutMs: 2000, busPort: 40000 } });
    expect(conf.get("cluster-node-timeout")).toEqual(["2000"]);
    expect(conf.get("cluster-port")).toEqual(["40000"]);
  });
});

test("the data directory can move (several nodes on one test host)", () => {
  expect(render({ dir: "/tmp/x" }).get("dir")).toEqual(["/tmp/x"]);
  expect(render().get("dbfilename")).toEqual(["dump.rdb"]);
  expect(render().get("appendfilename")).toEqual(['"appendonly.aof"']);
});
