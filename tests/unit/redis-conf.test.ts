// redis.conf rendering: maxmemory sizing from the node, the REQUIREMENTS policy lines, the
// disabled commands, cluster options, path remapping and validation messages that never
// repeat the password.
import {
  MIB,
  RedisConfSpec,
  redisMaxmemoryBytes,
  renderRedisConf,
  validateRedisPassword,
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
    [1 * GIB, 768 * MIB], // dev/test single node (REQUIREMENTS §1: 1 GB)
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

  test("takes a test timeout, an explicit bus port and an announced address", () => {
    const conf = render({
      cluster: { nodeTimeoutMs: 2000, busPort: 40000, announceIp: "10.0.0.5" },
    });
    expect(conf.get("cluster-node-timeout")).toEqual(["2000"]);
    expect(conf.get("cluster-port")).toEqual(["40000"]);
    expect(conf.get("cluster-announce-ip")).toEqual(["10.0.0.5"]);
  });
});

test("paths can be remapped for tests", () => {
  const conf = render({
    paths: {
      dir: "/tmp/x",
      dbfilename: "snap.rdb",
      appendfilename: "log.aof",
      pidfile: "/tmp/x/r.pid",
      logfile: "/tmp/x/r.log",
    },
  });
  expect(conf.get("dir")).toEqual(["/tmp/x"]);
  expect(conf.get("dbfilename")).toEqual(["snap.rdb"]);
  expect(conf.get("appendfilename")).toEqual(['"log.aof"']);
  expect(conf.get("pidfile")).toEqual(["/tmp/x/r.pid"]);
  expect(conf.get("logfile")).toEqual(['"/tmp/x/r.log"']);
});

describe("validation", () => {
  test.each<[string, Partial<RedisConfSpec>, string]>([
    [
      "maxmemory larger than the node",
      { nodeMemoryBytes: GIB, maxmemoryBytes: 2 * GIB },
      "redis.maxmemoryBytes 2147483648 is not allowed: it exceeds the node's memory (nodeMemoryBytes 1073741824); use at most that, ideally 75 % of it",
    ],
    [
      "a tiny maxmemory",
      { maxmemoryBytes: MIB },
      "redis.maxmemoryBytes 1048576 is not allowed: use an integer from 8388608 to 9007199254740991",
    ],
    [
      "a tiny node",
      { nodeMemoryBytes: MIB },
      "redis.nodeMemoryBytes 1048576 is not allowed: use an integer from 16777216 to 9007199254740991",
    ],
    [
      "port 70000",
      { port: 70000 },
      "redis.port 70000 is not allowed: use an integer from 1 to 65535",
    ],
    [
      "an empty bind list",
      { bind: [] },
      "redis.bind [] is not allowed: use one or more IP addresses",
    ],
    [
      "a relative dir",
      { paths: { dir: "data" } },
      "redis.paths.dir \"data\" is not allowed: use an absolute path of letters, digits, '.', '_', '-' and '/'",
    ],
    [
      "a dbfilename with a slash",
      { paths: { dbfilename: "../dump.rdb" } },
      "redis.paths.dbfilename \"../dump.rdb\" is not allowed: use a file name of letters, digits, '.', '_', '-'",
    ],
    [
      "a bus port equal to the port",
      { port: 7000, cluster: { busPort: 7000 } },
      "redis.cluster.busPort 7000 is not allowed: it must differ from port 7000",
    ],
    [
      "a node timeout of 100 ms",
      { cluster: { nodeTimeoutMs: 100 } },
      "redis.cluster.nodeTimeoutMs 100 is not allowed: use an integer from 500 to 120000",
    ],
  ])("%s is refused", (_name, change, message) => {
    expect(() => renderRedisConf({ nodeMemoryBytes: GIB, password: PASSWORD, ...change })).toThrow(
      new Error(message),
    );
  });

  test.each([
    ["short", "Abc123", "redis.password of length 6 is not allowed: use 16 to 128 characters"],
    [
      "long",
      "A".repeat(129),
      "redis.password of length 129 is not allowed: use 16 to 128 characters",
    ],
    [
      "with @",
      "Abcdefgh12345678@",
      "redis.password contains '@', which is not allowed: use letters, digits and ! & # $ ^ < > - only",
    ],
    [
      'with "',
      'Abcdefgh12345678"',
      "redis.password contains '\"', which is not allowed: use letters, digits and ! & # $ ^ < > - only",
    ],
    [
      "with a space",
      "Abcdefgh 12345678",
      "redis.password contains U+0020, which is not allowed: use letters, digits and ! & # $ ^ < > - only",
    ],
    [
      "with a newline",
      "Abcdefgh12345678\nmaxmemory 0",
      "redis.password contains U+000A, which is not allowed: use letters, digits and ! & # $ ^ < > - only",
    ],
  ])("a password %s is refused without echoing it", (_name, password, message) => {
    expect(() => validateRedisPassword(password)).toThrow(new Error(message));
  });
});
