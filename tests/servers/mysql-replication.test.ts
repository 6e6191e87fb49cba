// MySQL primary + replica, proven on MariaDB 10.11 (the stand-in for MySQL 8, flavour
// "mariadb"): both servers start from the rendered my.cnf, the first-start script sets up users
// and GTID replication the way the containers run it, and the replica then mirrors the primary,
// refuses application writes, and catches up after being stopped.
import * as fs from "node:fs";
import * as path from "node:path";
import { MIB, MyCnfSpec, renderMyCnf } from "../../components/mysql/my-cnf";
import { FIRST_START_SCRIPT } from "../support/mariadb";
import {
  Daemon,
  freePorts,
  requireBinary,
  run,
  RunResult,
  scratchDir,
  startListening,
  waitFor,
} from "../support/servers";

const DATABASE = "shop";
const APP_USER = "shop_app";
// Quotes, backslashes, '#', '$' and spaces: the scripts must pass them through untouched.
const ROOT_PASSWORD = "root pw with 'quotes' and \\ #";
const APP_PASSWORD = `app'pa"ss\\word #1 $HOME`;
const REPLICATION_PASSWORD = `re\\pl'"#;-- x`;
const SYNC_BUDGET_MS = 10_000;

interface Server {
  readonly name: string;
  readonly dir: string;
  readonly port: number;
  readonly socket: string;
  readonly cnfPath: string;
  daemon?: Daemon;
}

describe("MariaDB primary + replica from the rendered my.cnf and replication scripts", () => {
  let root: string;
  let mariadbd: string;
  let client: string;
  let primary: Server;
  let replica: Server;

  function sql(server: Server, user: string, password: string, query: string): RunResult {
    return run(
      client,
      ["--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", String(server.port)].concat([
        "-u",
        user,
        "--batch",
        "--skip-column-names",
        DATABASE,
      ]),
      { input: query, env: { ...process.env, MYSQL_PWD: password } },
    );
  }

  /** root over the socket, as an operator inside the container would; values only. */
  function query(server: Server, statement: string, format = "--skip-column-names"): string {
    const result = run(
      client,
      ["--no-defaults", `--socket=${server.socket}`, "-u", "root", "--batch", format, DATABASE],
      { input: statement, env: { ...process.env, MYSQL_PWD: ROOT_PASSWORD } },
    );
    if (result.status !== 0) throw new Error(`${server.name}: ${statement}\n${result.stderr}`);
    return result.stdout.trim();
  }

  function replicaStatus(): string {
    return query(replica, "SHOW REPLICA STATUS", "--vertical");
  }

  function checksum(server: Server): string {
    return query(server, "CHECKSUM TABLE orders EXTENDED").split("\t")[1];
  }

  function prepare(name: string, port: number, spec: Omit<MyCnfSpec, "paths" | "port">): Server {
    const dir = path.join(root, name);
    fs.mkdirSync(path.join(dir, "tmp"), { recursive: true });
    const cnf = renderMyCnf({
      ...spec,
      port,
      bindAddress: "127.0.0.1",
      paths: {
        datadir: path.join(dir, "data"),
        socket: path.join(dir, "mysqld.sock"),
        pidFile: path.join(dir, "mysqld.pid"),
        errorLog: path.join(dir, "error.log"),
        slowLog: path.join(dir, "slow.log"),
        binlogBasename: path.join(dir, "data", "binlog"),
        relayLogBasename: path.join(dir, "data", "relay-bin"),
        tmpdir: path.join(dir, "tmp"),
      },
    });
    const cnfPath = path.join(dir, "my.cnf");
    fs.writeFileSync(cnfPath, cnf);
    // What the image does on an empty volume (its flags: no binary log while bootstrapping).
    const installed = run(
      "mariadb-install-db",
      [
        `--defaults-file=${cnfPath}`,
        "--user=root",
        "--auth-root-authentication-method=normal",
      ].concat(["--skip-test-db", "--skip-log-bin"]),
      { timeoutMs: 60_000 },
    );
    if (installed.status !== 0) throw new Error(`mariadb-install-db ${name}: ${installed.stderr}`);
    return { name, dir, port, socket: path.join(dir, "mysqld.sock"), cnfPath };
  }

  async function start(server: Server): Promise<void> {
    const args = [`--defaults-file=${server.cnfPath}`, "--user=root"];
    server.daemon = await startListening(server.name, mariadbd, args, server.port, {
      timeoutMs: 30_000,
      describe: () => readLog(server),
    });
  }

  function readLog(server: Server): string {
    const file = path.join(server.dir, "error.log");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  }

  /** Like the image entrypoint: root gets its password outside the binary log. */
  function setRootPassword(server: Server): void {
    const result = run(client, ["--no-defaults", `--socket=${server.socket}`, "-u", "root"], {
      input: `SET SESSION sql_log_bin = 0; ALTER USER root@localhost IDENTIFIED BY '${ROOT_PASSWORD.replace(/\\/g, "\\\\").replace(/'/g, "''")}';`,
    });
    if (result.status !== 0) throw new Error(`${server.name} root password: ${result.stderr}`);
  }

  beforeAll(async () => {
    mariadbd = requireBinary("mariadbd", "mariadb-server");
    requireBinary("mariadb-install-db", "mariadb-server");
    client = requireBinary("mariadb", "mariadb-client");
    root = scratchDir("mysql-replication");
    const [primaryPort, replicaPort] = await freePorts(2);
    // 768 MiB hosts: the sizing rule gives a 256 MiB buffer pool, light on a shared machine.
    const common = { flavour: "mariadb", memoryBytes: 768 * MIB } as const;
    primary = prepare("primary", primaryPort, { ...common, role: "primary", serverId: 1 });
    replica = prepare("replica", replicaPort, { ...common, role: "replica", serverId: 2 });
    await Promise.all([start(primary), start(replica)]);
    setRootPassword(primary);
    setRootPassword(replica);

    const secrets = path.join(root, "secrets");
    fs.mkdirSync(secrets, { mode: 0o700 });
    const secretFile = (name: string, value: string) => {
      const file = path.join(secrets, name);
      fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
      return file;
    };

    // Primary: secrets as *_FILE (Docker secrets); replica: as plain variables.
    const scriptEnv = {
      PATH: process.env.PATH,
      WEBSTACK_FLAVOUR: "mariadb",
      WEBSTACK_REPLICATION_USER: "replicator",
    };
    const primaryRun = run(FIRST_START_SCRIPT, [], {
      env: {
        ...scriptEnv,
        WEBSTACK_ROLE: "primary",
        WEBSTACK_SOCKET: primary.socket,
        WEBSTACK_DATABASE: DATABASE,
        WEBSTACK_DB_USER: APP_USER,
        MYSQL_ROOT_PASSWORD_FILE: secretFile("root", ROOT_PASSWORD),
        WEBSTACK_DB_PASSWORD_FILE: secretFile("app", APP_PASSWORD),
        WEBSTACK_REPLICATION_PASSWORD_FILE: secretFile("repl", REPLICATION_PASSWORD),
      },
    });
    if (primaryRun.status !== 0) throw new Error(`primary script: ${primaryRun.stderr}`);

    const replicaRun = run(FIRST_START_SCRIPT, [], {
      env: {
        ...scriptEnv,
        WEBSTACK_ROLE: "replica",
        WEBSTACK_SOCKET: replica.socket,
        WEBSTACK_PRIMARY_HOST: "127.0.0.1",
        WEBSTACK_PRIMARY_PORT: String(primary.port),
        WEBSTACK_PRIMARY_WAIT_SECONDS: "20",
        WEBSTACK_REPLICATION_START_SECONDS: "20",
        MYSQL_ROOT_PASSWORD: ROOT_PASSWORD,
        WEBSTACK_REPLICATION_PASSWORD: REPLICATION_PASSWORD,
      },
      timeoutMs: 60_000,
    });
    if (replicaRun.status !== 0) throw new Error(`replica script: ${replicaRun.stderr}`);
  });

  afterAll(async () => {
    await Promise.all([primary?.daemon?.stop(), replica?.daemon?.stop()]);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test("both servers run with what the rendered my.cnf asks for (MariaDB accepts every option)", () => {
    const settings = (server: Server) =>
      query(
        server,
        "SELECT @@binlog_format, @@binlog_expire_logs_seconds, @@sync_binlog, " +
          "@@gtid_strict_mode, @@log_slave_updates, @@character_set_server, @@collation_server, " +
          "@@innodb_buffer_pool_size, @@skip_name_resolve, @@slow_query_log, @@read_only",
      ).split("\t");
    const shared = ["ROW", "604800", "1", "1", "1", "utf8mb4", "utf8mb4_unicode_ci"];
    expect(settings(primary)).toEqual([...shared, String(256 * MIB), "1", "1", "0"]);
    expect(settings(replica)).toEqual([...shared, String(256 * MIB), "1", "1", "1"]);
  });

  test("the application database takes the server's utf8mb4 and its collation from my.cnf", () => {
    expect(
      query(
        primary,
        `SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${DATABASE}'`,
      ),
    ).toBe("utf8mb4\tutf8mb4_unicode_ci");
  });

  test("1,000 rows written on the primary reach the replica with an identical checksum within 10 s", async () => {
    const create = sql(
      primary,
      APP_USER,
      APP_PASSWORD,
      "CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(64) NOT NULL, " +
        "amount DECIMAL(10,2) NOT NULL, note VARCHAR(255) CHARACTER SET utf8mb4);",
    );
    expect(create.stderr).toBe("");
    // One transaction per row, as an application writes them.
    const inserts = Array.from(
      { length: 1000 },
      (_, i) =>
        `INSERT INTO orders VALUES (${i + 1}, 'customer-${i % 37}', ${(i * 7.25).toFixed(2)}, 'naïve 注文 ${i}');`,
    ).join("\n");
    const written = sql(primary, APP_USER, APP_PASSWORD, inserts);
    expect(written.stderr).toBe("");
    const writtenAt = Date.now();

    const expected = checksum(primary);
    await waitFor(
      "the replica's CHECKSUM TABLE to equal the primary's",
      () => checksum(replica) === expected,
      {
        timeoutMs: SYNC_BUDGET_MS,
        describe: () => replicaStatus(),
      },
    );
    expect(Date.now() - writtenAt).toBeLessThanOrEqual(SYNC_BUDGET_MS);
    expect(query(replica, "SELECT COUNT(*) FROM orders")).toBe("1000");
    // Same transactions, same GTIDs: the replica applied exactly the primary's binary log.
    expect(query(replica, "SELECT @@gtid_slave_pos")).toBe(
      query(primary, "SELECT @@gtid_binlog_pos"),
    );
  });

  test("the replica refuses writes from the application user (who exists there by replication)", () => {
    expect(sql(replica, APP_USER, APP_PASSWORD, "SELECT COUNT(*) FROM orders").stdout.trim()).toBe(
      "1000",
    );
    const write = sql(
      replica,
      APP_USER,
      APP_PASSWORD,
      "INSERT INTO orders VALUES (99999, 'x', 1, 'x');",
    );
    expect(write.status).not.toBe(0);
    expect(write.stderr).toMatch(/ERROR 1290 .*--read-only/);
    expect(query(replica, "SELECT COUNT(*) FROM orders WHERE id = 99999")).toBe("0");
  });

  test("a stopped replica catches up after restart, and is still read-only", async () => {
    await replica.daemon!.stop();
    const changes = [
      ...Array.from(
        { length: 500 },
        (_, i) => `INSERT INTO orders VALUES (${1001 + i}, 'late-${i}', ${i}.50, NULL);`,
      ),
      "UPDATE orders SET amount = amount + 1 WHERE id <= 100;",
      "DELETE FROM orders WHERE id BETWEEN 200 AND 249;",
    ].join("\n");
    expect(sql(primary, APP_USER, APP_PASSWORD, changes).stderr).toBe("");
    const expected = checksum(primary);
    expect(expected).not.toBe("");

    await start(replica);
    await waitFor("the restarted replica to catch up", () => checksum(replica) === expected, {
      timeoutMs: SYNC_BUDGET_MS,
      describe: () => replicaStatus(),
    });
    expect(query(replica, "SELECT COUNT(*) FROM orders")).toBe("1450");
    const status = replicaStatus();
    expect(status).toMatch(/Slave_IO_Running: Yes/);
    expect(status).toMatch(/Slave_SQL_Running: Yes/);
    expect(status).toMatch(/Using_Gtid: Slave_Pos/);
    const write = sql(replica, APP_USER, APP_PASSWORD, "DELETE FROM orders;");
    expect(write.stderr).toMatch(/ERROR 1290 .*--read-only/);
  });
});
