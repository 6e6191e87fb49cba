// Replication script rendering: what each flavour's script sends, that no secret can be baked
// in, and the validation messages. The scripts' run-time behaviour is proven in
// tests/servers/mysql-scripts.test.ts and on MariaDB in tests/servers/mysql-replication.test.ts.
import {
  PrimaryInitSpec,
  ReplicaSetupSpec,
  renderPrimaryInitScript,
  renderReplicaSetupScript,
} from "../../components/mysql/replication";

const primarySpec: PrimaryInitSpec = { database: "labelmedix", appUser: "labelmedix_app" };
const replicaSpec: ReplicaSetupSpec = { primaryHost: "mysql-primary" };

describe("flavour switches in the replica script", () => {
  test.each([
    // flavour, must contain, must not contain
    ["mysql", "SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1", "MASTER_"],
    ["mysql", "SET PERSIST super_read_only = ON;", "SET GLOBAL read_only"],
    ["mysql", 'echo "get-server-public-key"', "mariadb --defaults-file"],
    ["mysql", "Replica_IO_Running: Yes", "Slave_IO_Running"],
    ["mariadb", "MASTER_USE_GTID=slave_pos", "SOURCE_"],
    ["mariadb", "SET GLOBAL read_only = ON;", "super_read_only = ON"],
    ["mariadb", 'mariadb --defaults-file="$local_defaults"', "get-server-public-key"],
    ["mariadb", "Slave_IO_Running: Yes", "Replica_IO_Running"],
  ] as const)("%s: has %s, not %s", (flavour, present, absent) => {
    const script = renderReplicaSetupScript({ ...replicaSpec, flavour });
    expect(script).toContain(present);
    expect(script).not.toContain(absent);
  });

  test("defaults: mysql flavour, port 3306, user replicator, the image socket, 300 s wait", () => {
    const script = renderReplicaSetupScript(replicaSpec);
    expect(script).toContain(
      "CHANGE REPLICATION SOURCE TO SOURCE_HOST='mysql-primary', SOURCE_PORT=3306, SOURCE_USER='replicator',",
    );
    expect(script).toContain('echo "socket=/var/run/mysqld/mysqld.sock"');
    expect(script).toContain("deadline=$((SECONDS + 300))");
  });
});

describe("primary script", () => {
  test.each([
    ["mysql", "COLLATE utf8mb4_0900_ai_ci;", "mysql --defaults-file"],
    ["mariadb", "COLLATE utf8mb4_unicode_ci;", "mariadb --defaults-file"],
  ] as const)("%s creates the database with %s and runs %s", (flavour, collation, client) => {
    const script = renderPrimaryInitScript({ ...primarySpec, flavour });
    expect(script).toContain(
      `CREATE DATABASE IF NOT EXISTS \\\`labelmedix\\\` CHARACTER SET utf8mb4 ${collation}`,
    );
    expect(script).toContain(client);
  });

  test("the application user gets its own database only; the replication user only REPLICATION SLAVE", () => {
    const grants = renderPrimaryInitScript(primarySpec)
      .split("\n")
      .filter((line) => line.startsWith("GRANT"));
    expect(grants).toEqual([
      "GRANT ALL PRIVILEGES ON \\`labelmedix\\`.* TO 'labelmedix_app'@'%';",
      "GRANT REPLICATION SLAVE ON *.* TO 'replicator'@'%';",
    ]);
  });

  test("an underscore in the database name is escaped so the grant cannot match other databases", () => {
    const script = renderPrimaryInitScript({ ...primarySpec, database: "shop_db" });
    expect(script).toContain("GRANT ALL PRIVILEGES ON \\`shop\\_db\\`.* TO");
  });

  test("passwords appear only as run-time expansions of the secret variables", () => {
    const script = renderPrimaryInitScript(primarySpec);
    const identified = script.split("\n").filter((line) => line.includes("IDENTIFIED BY"));
    expect(identified).toHaveLength(4);
    for (const line of identified) {
      expect(line).toMatch(/IDENTIFIED BY \$\(sql_string "\$(app|replication)_password"\);$/);
    }
  });
});

describe("validation", () => {
  test.each<[string, () => string, string]>([
    [
      "a database name with a quote",
      () => renderPrimaryInitScript({ ...primarySpec, database: "shop`; DROP" }),
      "mysql.database \"shop`; DROP\" is not allowed: use a letter then letters, digits or '_', at most 64 characters",
    ],
    [
      "a user name longer than 32",
      () => renderPrimaryInitScript({ ...primarySpec, appUser: "u".repeat(33) }),
      `mysql.appUser "${"u".repeat(33)}" is not allowed: use a letter then letters, digits or '_', at most 32 characters`,
    ],
    [
      "the same user for the app and replication",
      () => renderPrimaryInitScript({ ...primarySpec, replicationUser: primarySpec.appUser }),
      'mysql.replicationUser "labelmedix_app" is not allowed: it must differ from appUser',
    ],
    [
      "a host with a quote",
      () => renderReplicaSetupScript({ primaryHost: "db'; --" }),
      "mysql.primaryHost \"db'; --\" is not allowed: use a host name or IPv4 address (letters, digits, '.', '-')",
    ],
    [
      "port 0",
      () => renderReplicaSetupScript({ ...replicaSpec, primaryPort: 0 }),
      "mysql.primaryPort 0 is not allowed: use an integer from 1 to 65535",
    ],
    [
      "a zero wait",
      () => renderReplicaSetupScript({ ...replicaSpec, primaryWaitSeconds: 0 }),
      "mysql.primaryWaitSeconds 0 is not allowed: use an integer from 1 to 3600",
    ],
    [
      "a socket with a space",
      () => renderReplicaSetupScript({ ...replicaSpec, socket: "/run/my sql.sock" }),
      "mysql.socket \"/run/my sql.sock\" is not allowed: use an absolute path of letters, digits, '.', '_', '-' and '/'",
    ],
    [
      "an unknown flavour",
      () => renderReplicaSetupScript({ ...replicaSpec, flavour: "percona" as "mysql" }),
      'mysql.flavour "percona" is not allowed: use "mysql" or "mariadb"',
    ],
  ])("%s is refused", (_name, render, message) => {
    expect(render).toThrow(new Error(message));
  });
});
