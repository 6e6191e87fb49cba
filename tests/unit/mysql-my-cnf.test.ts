// my.cnf and RDS parameter rendering: buffer-pool sizing from host memory, the MySQL/MariaDB
// option switches, replica read-only, path remapping, the RDS-owned settings left out of the
// parameter group, and the stack's mysql.parameters on top of both.
import fc from "fast-check";
import {
  BUFFER_POOL_CHUNK_BYTES,
  GIB,
  MIB,
  MyCnfSpec,
  RdsParameter,
  innodbBufferPool,
  rdsParameterGroupFamily,
  rdsParameters,
  renderMyCnf,
} from "../../components/mysql/my-cnf";

/** rdsParameters as a plain name → value map. */
function parameterGroupParameters(spec: Parameters<typeof rdsParameters>[0]) {
  return Object.fromEntries(rdsParameters(spec).map((p) => [p.name, p.value]));
}

/** Parses option-file text into section → option → value; fails on a repeated option. */
function parseCnf(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1], current);
      continue;
    }
    const [key, ...rest] = line.split("=");
    const name = key.trim();
    if (!current) throw new Error(`option outside a section: ${line}`);
    if (current.has(name)) throw new Error(`option repeated: ${name}`);
    current.set(name, rest.join("=").trim());
  }
  return sections;
}

function mysqld(spec: Partial<MyCnfSpec> = {}): Map<string, string> {
  const text = renderMyCnf({ role: "primary", serverId: 1, memoryBytes: 2 * GIB, ...spec });
  return parseCnf(text).get("mysqld")!;
}

describe("innodb_buffer_pool_size from host memory", () => {
  test.each([
    // host memory, flavour, pool MiB, instances — why
    [512 * MIB, "mysql", 128, 1], // floor: one chunk, InnoDB's default
    [768 * MIB, "mysql", 256, 1], // 512 MiB reserve decides
    [1 * GIB, "mysql", 512, 1], // reserve still decides (70 % would be 716 MiB)
    [2 * GIB, "mysql", 1408, 1], // dev: 70 % = 1433.6 MiB, down to 11 chunks
    [4 * GIB, "mysql", 2816, 2], // 2 instances, unit 256 MiB
    [8 * GIB, "mysql", 5120, 5], // prod 4 vCPU / 8 GB: 5 instances, unit 640 MiB
    [16 * GIB, "mysql", 11264, 8],
    [64 * GIB, "mysql", 45056, 8], // instances capped at 8
    [2 * GIB, "mariadb", 1408, 1],
    [8 * GIB, "mariadb", 5632, 1], // single pool: only the chunk rounding
    [16 * GIB, "mariadb", 11392, 1],
  ] as const)("%d bytes, %s → %d MiB in %d instance(s)", (memory, flavour, poolMib, instances) => {
    expect(innodbBufferPool(memory, flavour)).toEqual({ sizeBytes: poolMib * MIB, instances });
  });

  test("for every host size: ≤ 70 %, ≥ 512 MiB left over, a whole multiple of chunk × instances", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 640 * MIB, max: 1024 * GIB }),
        fc.constantFrom("mysql" as const, "mariadb" as const),
        (memory, flavour) => {
          const { sizeBytes, instances } = innodbBufferPool(memory, flavour);
          return (
            sizeBytes <= memory * 0.7 &&
            memory - sizeBytes >= 512 * MIB &&
            sizeBytes % (BUFFER_POOL_CHUNK_BYTES * instances) === 0 &&
            instances >= 1 &&
            instances <= 8 &&
            (flavour === "mysql" || instances === 1)
          );
        },
      ),
    );
  });

  test("the rendered file carries the pool size and, for MySQL only, the instance count", () => {
    expect(mysqld({ memoryBytes: 8 * GIB }).get("innodb_buffer_pool_size")).toBe("5120M");
    expect(mysqld({ memoryBytes: 8 * GIB }).get("innodb_buffer_pool_instances")).toBe("5");
    const maria = mysqld({ memoryBytes: 8 * GIB, flavour: "mariadb" });
    expect(maria.get("innodb_buffer_pool_size")).toBe("5632M");
    expect(maria.has("innodb_buffer_pool_instances")).toBe(false);
  });
});

describe("settings every server gets", () => {
  test.each([
    ["default_storage_engine", "InnoDB"],
    ["character_set_server", "utf8mb4"],
    ["log_bin", "/var/lib/mysql/binlog"],
    ["binlog_format", "ROW"],
    ["binlog_expire_logs_seconds", "604800"],
    ["sync_binlog", "1"],
    ["innodb_flush_log_at_trx_commit", "1"],
    ["slow_query_log", "ON"],
    ["long_query_time", "1"],
    ["skip_name_resolve", "ON"],
    ["relay_log_recovery", "ON"],
    ["max_connections", "200"],
    ["port", "3306"],
    ["bind_address", "0.0.0.0"],
  ])("%s = %s on both flavours", (option, value) => {
    expect(mysqld({ flavour: "mysql" }).get(option)).toBe(value);
    expect(mysqld({ flavour: "mariadb" }).get(option)).toBe(value);
  });

  test("the [client] section points the image's own tools at the same socket and port", () => {
    const client = parseCnf(
      renderMyCnf({ role: "primary", serverId: 1, memoryBytes: GIB, port: 3307 }),
    ).get("client");
    expect(Object.fromEntries(client!)).toEqual({
      port: "3307",
      socket: "/var/run/mysqld/mysqld.sock",
      default_character_set: "utf8mb4",
    });
  });
});

describe("flavour switches", () => {
  test.each([
    // option, on mysql, on mariadb (undefined = absent)
    ["gtid_mode", "ON", undefined],
    ["enforce_gtid_consistency", "ON", undefined],
    ["log_replica_updates", "ON", undefined],
    ["gtid_strict_mode", undefined, "ON"],
    ["log_slave_updates", undefined, "ON"],
    ["collation_server", "utf8mb4_0900_ai_ci", "utf8mb4_unicode_ci"],
    ["super_read_only", undefined, undefined],
  ])("%s: mysql %s, mariadb %s", (option, onMysql, onMariadb) => {
    expect(mysqld({ flavour: "mysql" }).get(option)).toBe(onMysql);
    expect(mysqld({ flavour: "mariadb" }).get(option)).toBe(onMariadb);
  });

  test("flavour defaults to mysql", () => {
    expect(mysqld().get("gtid_mode")).toBe("ON");
  });
});

describe("roles", () => {
  test.each(["mysql", "mariadb"] as const)("%s replica is read_only; primary is not", (flavour) => {
    expect(mysqld({ flavour, role: "replica", serverId: 2 }).get("read_only")).toBe("ON");
    expect(mysqld({ flavour, role: "primary" }).has("read_only")).toBe(false);
  });
});

describe("paths", () => {
  test("tests can move every path without touching anything else", () => {
    const paths = {
      datadir: "/scratch/a/data",
      socket: "/scratch/a/s.sock",
      pidFile: "/scratch/a/p.pid",
      errorLog: "/scratch/a/error.log",
      slowLog: "/scratch/a/slow.log",
      binlogBasename: "/scratch/a/data/bin",
      relayLogBasename: "/scratch/a/data/relay",
      tmpdir: "/scratch/a/tmp",
    };
    const moved = mysqld({ paths });
    expect([
      moved.get("datadir"),
      moved.get("socket"),
      moved.get("pid_file"),
      moved.get("log_error"),
      moved.get("slow_query_log_file"),
      moved.get("log_bin"),
      moved.get("relay_log"),
      moved.get("tmpdir"),
    ]).toEqual(Object.values(paths));
    const original = mysqld();
    const changed = [...original.keys()].filter((k) => original.get(k) !== moved.get(k));
    expect(changed.sort()).toEqual(
      [
        "datadir",
        "socket",
        "pid_file",
        "slow_query_log_file",
        "log_bin",
        "relay_log",
        "tmpdir",
      ].sort(),
    );
  });

  test("without an error log path, errors go to stderr for docker logs", () => {
    expect(mysqld().has("log_error")).toBe(false);
  });
});

describe("RDS parameter group", () => {
  test("ships the same intent as my.cnf for MySQL", () => {
    const params = parameterGroupParameters({ memoryBytes: 8 * GIB });
    expect(params).toEqual({
      binlog_format: "ROW",
      character_set_server: "utf8mb4",
      collation_server: "utf8mb4_0900_ai_ci",
      enforce_gtid_consistency: "ON",
      "gtid-mode": "ON",
      innodb_buffer_pool_instances: "5",
      innodb_buffer_pool_size: String(5120 * MIB),
      innodb_flush_log_at_trx_commit: "1",
      log_output: "FILE",
      long_query_time: "1",
      max_allowed_packet: String(64 * MIB),
      max_connections: "200",
      skip_name_resolve: "1",
      slow_query_log: "1",
      sync_binlog: "1",
    });
  });

  test("MariaDB gets gtid_strict_mode and its own collation instead of the MySQL GTID switches", () => {
    const params = parameterGroupParameters({ flavour: "mariadb", memoryBytes: 8 * GIB });
    expect(params.gtid_strict_mode).toBe("1");
    expect(params.collation_server).toBe("utf8mb4_unicode_ci");
    expect(params).not.toHaveProperty("gtid-mode");
    expect(params).not.toHaveProperty("innodb_buffer_pool_instances");
  });

  test.each([
    "server_id",
    "port",
    "datadir",
    "socket",
    "log_bin",
    "relay_log",
    "read_only",
    "super_read_only",
    "binlog_expire_logs_seconds",
    "log_replica_updates",
  ])("leaves %s to RDS", (name) => {
    expect(parameterGroupParameters({ memoryBytes: 8 * GIB })).not.toHaveProperty(name);
  });

  test.each([
    ["innodb_buffer_pool_size", "pending-reboot"],
    ["innodb_buffer_pool_instances", "pending-reboot"],
    ["gtid-mode", "pending-reboot"],
    ["skip_name_resolve", "pending-reboot"],
    ["slow_query_log", "immediate"],
    ["max_connections", "immediate"],
  ])("%s is applied %s", (name, applyMethod) => {
    const entry = rdsParameters({ memoryBytes: 8 * GIB }).find((p) => p.name === name);
    expect(entry?.applyMethod).toBe(applyMethod);
  });

  test.each([
    ["mysql", "8.0.40", "mysql8.0"],
    ["mysql", "8.4.3", "mysql8.4"],
    ["mariadb", "10.11.9", "mariadb10.11"],
    ["mysql", "8.0", "mysql8.0"],
  ] as const)("%s %s → parameter group family %s", (flavour, version, family) => {
    expect(rdsParameterGroupFamily(flavour, version)).toBe(family);
  });
});

describe("the stack's mysql.parameters", () => {
  test("none add nothing to my.cnf", () => {
    const text = renderMyCnf({ role: "primary", serverId: 1, memoryBytes: GIB });
    expect(text.endsWith("default_character_set = utf8mb4\n")).toBe(true);
  });

  test("become a trailing [mysqld] group, sorted by name, so they win", () => {
    const text = renderMyCnf({
      role: "primary",
      serverId: 1,
      memoryBytes: GIB,
      parameters: { max_connections: 500, long_query_time: "0.5" },
    });
    expect(
      text.endsWith(
        [
          "default_character_set = utf8mb4",
          "# Overrides from the stack's mysql.parameters; later options win.",
          "[mysqld]",
          "long_query_time = 0.5",
          "max_connections = 500",
          "",
        ].join("\n"),
      ),
    ).toBe(true);
  });

  test("replace the rendered RDS entry and apply at the next reboot", () => {
    const base = rdsParameters({ memoryBytes: 8 * GIB });
    const merged = rdsParameters({
      memoryBytes: 8 * GIB,
      parameters: { max_connections: 500, wait_timeout: 600 },
    });
    expect(merged.filter((p) => p.name === "max_connections")).toEqual([
      { name: "max_connections", value: "500", applyMethod: "pending-reboot" },
    ]);
    expect(merged.find((p) => p.name === "wait_timeout")).toEqual<RdsParameter>({
      name: "wait_timeout",
      value: "600",
      applyMethod: "pending-reboot",
    });
    expect(merged).toHaveLength(base.length + 1);
    expect(merged.map((p) => p.name)).toEqual([...merged.map((p) => p.name)].sort());
  });
});
