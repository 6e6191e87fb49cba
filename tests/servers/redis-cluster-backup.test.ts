// The rendered backup.sh against a real six-node Redis Cluster formed by create-cluster.sh: one key
// in each of the 16,384 slots, one verified RDB per current primary with cluster-slots.tsv naming
// its slots, every key back when the RDBs are loaded, a manual failover followed (the primary the
// run asks is the promoted replica), the documented restore into the cluster after every key is
// lost, a stopped (SIGSTOP) primary failing the run by name within its time limit with the lock
// released, and a dead primary failing the run by name with status 0.
import * as fs from "node:fs";
import * as path from "node:path";
import { MIB } from "../../components/redis/redis-conf";
import { backupJobEnv, installBackupScripts } from "../support/backup-job";
import {
  CLUSTER_NODE_COUNT,
  CREATE_CLUSTER_SCRIPT,
  LoopbackNode,
  loopbackCluster,
} from "../support/redis-cluster";
import {
  Daemon,
  freePorts,
  portAccepts,
  requireBinary,
  run,
  RunResult,
  scratchDir,
  waitFor,
} from "../support/servers";
import { RespConnection, RespValue, describeReply, infoFields, keySlot } from "./resp-client";

const PASSWORD = "Cluster-Backup-Secret-7";
const SLOTS = 16384;
// No automatic failover while the test runs: a killed primary stays the slots' owner, so the
// backup run must face it (production keeps the rendered 5 s).
const NODE_TIMEOUT_MS = 120_000;

interface Owner {
  readonly slots: string;
  readonly port: number;
  readonly id: string;
}

interface ManifestRow {
  readonly file: string;
  readonly slots: string;
  readonly id: string;
  readonly primary: string;
}

/** One key per hash slot: `slot-key:<n>` for the first n that lands in each slot. */
function oneKeyPerSlot(): string[] {
  const keys: string[] = new Array<string>(SLOTS);
  let found = 0;
  for (let n = 0; found < SLOTS; n++) {
    const key = `slot-key:${n}`;
    const slot = keySlot(key);
    if (keys[slot] === undefined) {
      keys[slot] = key;
      found++;
    }
  }
  return keys;
}

function inRanges(slot: number, slots: string): boolean {
  return slots.split(",").some((range) => {
    const [start, end = start] = range.split("-").map(Number);
    return slot >= start && slot <= end;
  });
}

function metricStatus(file: string): number {
  const match = /^webstack_backup_last_status\{kind="redis"\} (\d)$/m.exec(
    fs.readFileSync(file, "utf8"),
  );
  if (!match) throw new Error(`${file} has no redis status`);
  return Number(match[1]);
}

function goodBackups(kindDir: string): string[] {
  if (!fs.existsSync(kindDir)) return [];
  return fs
    .readdirSync(kindDir)
    .filter((n) => /^\d{8}T\d{6}Z$/.test(n) && fs.existsSync(path.join(kindDir, n, "BACKUP_OK")))
    .sort();
}

function readManifest(dir: string): ManifestRow[] {
  return fs
    .readFileSync(path.join(dir, "cluster-slots.tsv"), "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [file, slots, id, primary] = line.split("\t");
      return { file, slots, id, primary };
    });
}

/** Waits for the clock to reach the next second, so two runs never share a backup stamp. */
async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1100 - (Date.now() % 1000)));
}

describe("backup.sh redis against a real Redis Cluster", () => {
  let root: string;
  let backupDir: string;
  let metricsFile: string;
  let script: string;
  let passwordFile: string;
  let redisServer: string;
  let layout: ReturnType<typeof loopbackCluster>;
  const ports: number[] = [];
  const daemons = new Map<number, Daemon>();
  const keys = oneKeyPerSlot();

  async function command(port: number, ...args: (string | number)[]): Promise<RespValue> {
    const connection = await RespConnection.open(port, PASSWORD);
    try {
      return await connection.command(...args);
    } finally {
      connection.close();
    }
  }

  /** Slot ranges per primary as CLUSTER SLOTS on `port` reports them. */
  async function owners(port: number): Promise<Owner[]> {
    const reply = (await command(port, "CLUSTER", "SLOTS")) as RespValue[][];
    const byId = new Map<string, { port: number; ranges: [number, number][] }>();
    for (const range of reply) {
      const primary = range[2] as RespValue[];
      const entry = byId.get(primary[2] as string) ?? { port: primary[1] as number, ranges: [] };
      entry.ranges.push([range[0] as number, range[1] as number]);
      byId.set(primary[2] as string, entry);
    }
    return [...byId.entries()]
      .map(([id, { port: p, ranges }]) => ({
        id,
        port: p,
        slots: ranges
          .sort((a, b) => a[0] - b[0])
          .map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`))
          .join(","),
      }))
      .sort((a, b) => a.slots.localeCompare(b.slots));
  }

  function backup(extra: NodeJS.ProcessEnv = {}): RunResult {
    return run(script, ["redis"], {
      env: backupJobEnv({
        BACKUP_DIR: backupDir,
        METRICS_DIR: path.join(root, "metrics"),
        REDIS_CLUSTER: "1",
        // Two seeds: the run must not depend on one node being up.
        REDIS_HOST: `127.0.0.1:${ports[0]} 127.0.0.1:${ports[1]}`,
        REDIS_PASSWORD_FILE: passwordFile,
        ...extra,
      }),
      timeoutMs: 30_000,
    });
  }

  function startNode(node: LoopbackNode): Daemon {
    const daemon = new Daemon(node.name, redisServer, [path.join(node.dataDir, "redis.conf")]);
    daemons.set(node.port, daemon);
    return daemon;
  }

  async function clusterOk(): Promise<void> {
    await waitFor("cluster_state:ok on all six nodes", async () => {
      const infos = await Promise.all(
        ports.map(async (p) => infoFields(await command(p, "CLUSTER", "INFO"))),
      );
      return infos.every((i) => i.get("cluster_state") === "ok");
    });
  }

  beforeAll(async () => {
    redisServer = requireBinary("redis-server", "redis-server");
    requireBinary("redis-cli", "redis-tools");
    root = scratchDir("redis-cluster-backup");
    backupDir = path.join(root, "backups");
    metricsFile = path.join(root, "metrics", "webstack_backup_redis.prom");
    script = installBackupScripts(path.join(root, "bin")).backup;
    passwordFile = path.join(root, "redis-password");
    fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });

    const free = await freePorts(CLUSTER_NODE_COUNT * 2);
    ports.push(...free.slice(0, CLUSTER_NODE_COUNT));
    layout = loopbackCluster({
      nodeMemoryBytes: 128 * MIB,
      password: PASSWORD,
      ports: free,
      dataDirRoot: path.join(root, "nodes"),
      nodeTimeoutMs: NODE_TIMEOUT_MS,
    });
    for (const node of layout.nodes) {
      fs.mkdirSync(node.dataDir, { recursive: true });
      const confPath = path.join(node.dataDir, "redis.conf");
      fs.writeFileSync(confPath, node.conf, { mode: 0o600 });
      startNode(node);
    }
    for (const node of layout.nodes) {
      await waitFor(`${node.name} on port ${node.port}`, () => portAccepts(node.port), {
        describe: () => daemons.get(node.port)?.log ?? "",
      });
    }
    const created = run("sh", [CREATE_CLUSTER_SCRIPT], {
      env: { PATH: process.env.PATH, REDIS_PASSWORD_FILE: passwordFile, ...layout.createEnv },
      timeoutMs: 30_000,
    });
    if (created.status !== 0) throw new Error(`create failed: ${created.stdout}${created.stderr}`);
    await clusterOk();

    const current = await owners(ports[0]);
    for (const owner of current) {
      const connection = await RespConnection.open(owner.port, PASSWORD);
      try {
        const mine = keys.filter((key) => inRanges(keySlot(key), owner.slots));
        const replies = await connection.pipeline(mine.map((key) => ["SET", key, `v:${key}`]));
        const refused = replies.filter((r) => r !== "OK").map(describeReply);
        if (refused.length > 0) throw new Error(`writes refused: ${refused.slice(0, 3)}`);
      } finally {
        connection.close();
      }
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...daemons.values()].map((daemon) => daemon.stop()));
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test("the single-node interface refuses a cluster node rather than back up one shard", () => {
    const result = backup({
      REDIS_CLUSTER: "",
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: `${ports[2]}`,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `127.0.0.1:${ports[2]} is a Redis Cluster node, whose RDB holds only its own slots: set REDIS_CLUSTER=1`,
    );
    expect(goodBackups(path.join(backupDir, "redis"))).toEqual([]);
  });

  test("one verified RDB per primary, named by its slots, holding every key", async () => {
    const result = backup();
    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
    expect(metricStatus(metricsFile)).toBe(1);
    const [stamp] = goodBackups(path.join(backupDir, "redis"));
    const dir = path.join(backupDir, "redis", stamp);

    const expected = await owners(ports[0]);
    expect(expected).toHaveLength(3);
    const manifest = readManifest(dir).sort((a, b) => a.slots.localeCompare(b.slots));
    expect(manifest).toEqual(
      expected.map((o) => ({
        file: `slots-${o.slots.split(",")[0]}.rdb`,
        slots: o.slots,
        id: o.id,
        primary: `127.0.0.1:${o.port}`,
      })),
    );
    expect(fs.readdirSync(dir).sort()).toEqual(
      ["BACKUP_OK", "SHA256SUMS", "cluster-slots.tsv", ...manifest.map((r) => r.file)].sort(),
    );
    expect(fs.readFileSync(path.join(dir, "BACKUP_OK"), "utf8")).toContain(
      "redis=cluster primaries=3 seed=",
    );
    expect(run("sha256sum", ["--check", "--quiet", "SHA256SUMS"], { cwd: dir }).status).toBe(0);

    // Each RDB loaded into a fresh server: its keys are exactly those of its slots, and together
    // they are every key written.
    const restorePorts = await freePorts(manifest.length);
    let total = 0;
    for (const [i, row] of manifest.entries()) {
      const rdb = path.join(dir, row.file);
      expect(fs.readFileSync(rdb).subarray(0, 5).toString()).toBe("REDIS");
      const restoreDir = path.join(root, `restore-${i}`);
      fs.mkdirSync(restoreDir);
      fs.copyFileSync(rdb, path.join(restoreDir, "dump.rdb"));
      const server = new Daemon(`restore-${i}`, redisServer, [
        "--port",
        String(restorePorts[i]),
        "--bind",
        "127.0.0.1",
        "--dir",
        restoreDir,
        "--save",
        "",
        "--appendonly",
        "no",
      ]);
      try {
        await waitFor(`restore-${i}`, () => portAccepts(restorePorts[i]));
        const connection = await RespConnection.connect(restorePorts[i]);
        try {
          const restored = (await connection.command("KEYS", "*")) as string[];
          expect(restored.filter((key) => !inRanges(keySlot(key), row.slots))).toEqual([]);
          expect(await connection.command("GET", restored[0])).toBe(`v:${restored[0]}`);
          total += restored.length;
        } finally {
          connection.close();
        }
      } finally {
        await server.stop();
      }
    }
    expect(total).toBe(SLOTS);
  });

  test("after a failover the run backs up the promoted replica, not the deployed primary", async () => {
    const before = await owners(ports[0]);
    const oldPrimary = before[0];
    // Its replica, asked of the replicas themselves (a node's CLUSTER NODES may not list every
    // replica yet right after the cluster forms), and in sync: a manual failover needs that
    // (Redis 7 delays the first sync by 5 s).
    let replicaPort = 0;
    await waitFor(
      "a replica of the first primary, in sync",
      async () => {
        for (const port of ports) {
          const info = infoFields(await command(port, "INFO", "replication"));
          if (
            info.get("role") === "slave" &&
            Number(info.get("master_port")) === oldPrimary.port &&
            info.get("master_link_status") === "up"
          ) {
            replicaPort = port;
            return true;
          }
        }
        return false;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(await command(replicaPort, "CLUSTER", "FAILOVER")).toBe("OK");
    // Every node's view, the seeds' included: a seed that has not heard of the failover yet
    // would send the run to the demoted node, which the run refuses (ROLE check).
    await waitFor("every node to see the replica promoted", async () => {
      const views = await Promise.all(ports.map((port) => owners(port)));
      return views.every((now) =>
        now.some((o) => o.slots === oldPrimary.slots && o.port === replicaPort),
      );
    });

    await nextSecond();
    const result = backup();
    expect(result.status).toBe(0);
    const stamps = goodBackups(path.join(backupDir, "redis"));
    const row = readManifest(path.join(backupDir, "redis", stamps[stamps.length - 1])).find(
      (r) => r.slots === oldPrimary.slots,
    );
    expect(row?.primary).toBe(`127.0.0.1:${replicaPort}`);
  });

  test("the RDBs restored into the cluster by the documented steps bring every key back", async () => {
    const stamps = goodBackups(path.join(backupDir, "redis"));
    const dir = path.join(backupDir, "redis", stamps[stamps.length - 1]);
    const current = await owners(ports[0]);
    // docs/operations-docker.md: stop every node; remove every node's data (here that is also
    // the loss: from now on the keys exist only in the backup); each RDB to the node serving its
    // slots now, as dump.rdb; nodes.conf kept.
    await Promise.all([...daemons.values()].map((daemon) => daemon.stop()));
    for (const node of layout.nodes) {
      fs.rmSync(path.join(node.dataDir, "appendonlydir"), { recursive: true, force: true });
      fs.rmSync(path.join(node.dataDir, "dump.rdb"), { force: true });
    }
    const primaries = readManifest(dir).map((row) => {
      const owner = current.find((o) => o.slots === row.slots)!;
      const node = layout.nodes.find((n) => n.port === owner.port)!;
      fs.copyFileSync(path.join(dir, row.file), path.join(node.dataDir, "dump.rdb"));
      return node;
    });
    // With AOF on and no AOF files Redis starts empty, so a one-off server with AOF off loads
    // the RDB and writes the AOF from it; then the node starts as deployed.
    const [oneOffPort] = await freePorts(1);
    for (const node of primaries) {
      const oneOff = new Daemon("one-off", redisServer, [
        ...["--port", String(oneOffPort), "--bind", "127.0.0.1", "--dir", node.dataDir],
        ...["--appendonly", "no", "--save", ""],
      ]);
      try {
        await waitFor("the one-off server", () => portAccepts(oneOffPort));
        const connection = await RespConnection.connect(oneOffPort);
        try {
          expect(await connection.command("CONFIG", "SET", "appendonly", "yes")).toBe("OK");
          await waitFor("the AOF written", async () => {
            const info = infoFields(await connection.command("INFO", "persistence"));
            return (
              info.get("aof_enabled") === "1" &&
              info.get("aof_rewrite_in_progress") === "0" &&
              info.get("aof_rewrite_scheduled") === "0"
            );
          });
        } finally {
          connection.close();
        }
      } finally {
        await oneOff.stop();
      }
    }
    for (const node of layout.nodes) startNode(node);
    for (const node of layout.nodes) await waitFor(node.name, () => portAccepts(node.port));
    await clusterOk();

    let total = 0;
    for (const owner of await owners(ports[0])) {
      total += (await command(owner.port, "DBSIZE")) as number;
    }
    expect(total).toBe(SLOTS);
    const probe = keys[SLOTS - 1];
    const owner = (await owners(ports[0])).find((o) => inRanges(keySlot(probe), o.slots))!;
    expect(await command(owner.port, "GET", probe)).toBe(`v:${probe}`);
  });

  test("a stopped primary fails the run within its time limit, naming it, lock released", async () => {
    const current = await owners(ports[1]);
    const victim = current.find((o) => o.port !== ports[0] && o.port !== ports[1]) ?? current[0];
    const goodBefore = goodBackups(path.join(backupDir, "redis"));
    await nextSecond();
    // Stopped, the node keeps its port open and never answers (node-timeout is 120 s here, so
    // the cluster does not fail it over meanwhile).
    process.kill(daemons.get(victim.port)!.pid!, "SIGSTOP");
    const started = Date.now();
    let result: RunResult;
    try {
      result = backup({ REDIS_QUERY_TIMEOUT_SECONDS: "2", REDIS_TIMEOUT_SECONDS: "2" });
    } finally {
      process.kill(daemons.get(victim.port)!.pid!, "SIGCONT");
    }
    expect((Date.now() - started) / 1000).toBeLessThan(10);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `primary 127.0.0.1:${victim.port} (node ${victim.id}, slots ${victim.slots}): ROLE got no answer within 2 s (REDIS_QUERY_TIMEOUT_SECONDS), stopped`,
    );
    expect(metricStatus(metricsFile)).toBe(0);
    expect(fs.existsSync(path.join(backupDir, ".lock-redis"))).toBe(false);
    expect(goodBackups(path.join(backupDir, "redis"))).toEqual(goodBefore);
  });

  test("a dead primary fails the run, naming it, and reports status 0", async () => {
    const current = await owners(ports[1]);
    const victim = current.find((o) => o.port !== ports[0] && o.port !== ports[1]) ?? current[0];
    await daemons.get(victim.port)!.stop("SIGKILL");
    const goodBefore = goodBackups(path.join(backupDir, "redis"));

    await nextSecond();
    const result = backup();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `primary 127.0.0.1:${victim.port} (node ${victim.id}, slots ${victim.slots}): ROLE failed: Could not connect to Redis at 127.0.0.1:${victim.port}: Connection refused`,
    );
    expect(metricStatus(metricsFile)).toBe(0);
    expect(goodBackups(path.join(backupDir, "redis"))).toEqual(goodBefore);
  });
});
