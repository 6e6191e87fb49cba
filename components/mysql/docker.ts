// `webstack:data:MysqlCluster` on Docker: a primary and N read replicas from one pinned image,
// each with the rendered my.cnf and the first-start script (first-start.sh) uploaded, settings
// in environment variables, passwords as uploaded files named by *_FILE variables, data on a
// named volume that outlives the container, and no port published beyond the internal data
// network (dev may publish the primary on 127.0.0.1, through a bridge network of its own).
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { OPERATIONS_USERS, REPLICATION_USER, RESTORE_TEST_PREFIX } from "../catalog/mysql";
import { HEALTHCHECK_TIMINGS, JSON_FILE_LOGS, RESTART_POLICY } from "../container-defaults";
import { generatedPassword } from "../passwords";
import { DockerMysqlClusterArgs, MysqlClusterOutputs, MysqlCredentials } from "./contract";
import { DEFAULT_MYSQL_PATHS, DEFAULT_MYSQL_PORT, MIB, renderMyCnf } from "./my-cnf";

const FIRST_START_SCRIPT = fs.readFileSync(path.join(__dirname, "first-start.sh"), "utf8");
/** uid/gid of the `mysql` user in the official mysql and mariadb images; it reads the secrets. */
const MYSQL_IMAGE_UID = "999";

type Upload = docker.types.input.ContainerUpload;

export class DockerMysqlCluster extends pulumi.ComponentResource implements MysqlClusterOutputs {
  readonly writeEndpoint: pulumi.Output<string>;
  readonly readEndpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly database: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;
  readonly renderedFiles: Readonly<Record<string, pulumi.Output<string>>>;
  /** Every server's network alias, the primary first (what exporters and backups connect to). */
  readonly serverAliases: string[];
  /** Logins of the backup job and the metrics exporter; set when `operationsUsers` is true. */
  readonly operationsCredentials?: {
    readonly backup: MysqlCredentials;
    readonly monitor: MysqlCredentials;
  };

  constructor(name: string, args: DockerMysqlClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:data:MysqlCluster", name, {}, opts);
    const parent = { parent: this };
    const { flavour, namePrefix } = args;
    // Whole MiB: the container limit and the buffer pool are sized from the same number.
    const memoryMb = Math.floor(args.memoryGb * 1024);

    // A password as a generated secret, the uploaded file holding it and the variable naming it.
    const secret = (role: string, variable: string) => {
      const password = pulumi.secret(
        generatedPassword(`${name}-${role}-password`, "mysql", parent).result,
      );
      const file = `/run/secrets/mysql-${role}-password`;
      const upload: Upload = {
        file,
        content: password,
        owner: MYSQL_IMAGE_UID,
        group: MYSQL_IMAGE_UID,
        permissions: "0400",
      };
      return { password, upload, env: `${variable}_FILE=${file}` };
    };
    const root = secret("root", "MYSQL_ROOT_PASSWORD");
    const app = secret("app", "WEBSTACK_DB_PASSWORD");
    const replication = secret("replication", "WEBSTACK_REPLICATION_PASSWORD");
    const operations = args.operationsUsers
      ? [
          secret("backup", "WEBSTACK_BACKUP_PASSWORD"),
          secret("monitor", "WEBSTACK_MONITOR_PASSWORD"),
        ]
      : [];
    const settings = [
      `WEBSTACK_FLAVOUR=${flavour}`,
      `WEBSTACK_REPLICATION_USER=${REPLICATION_USER}`,
    ];

    const image = new docker.RemoteImage(
      `${name}-image`,
      { name: args.image, keepLocally: true },
      parent,
    );
    // Docker publishes no port of a container whose only network is internal (the data
    // network is), so a published primary also joins a bridge network of its own that gives it
    // a gateway. Nothing else joins it; the port is bound to 127.0.0.1 only.
    const publishNetwork =
      args.publishPort &&
      new docker.Network(
        `${name}-published`,
        { name: `${namePrefix}-mysql-published`, driver: "bridge", internal: false },
        parent,
      );
    const files: Record<string, string> = { "mysql/first-start.sh": FIRST_START_SCRIPT };
    // Server `index`: 0 the primary, then the replicas.
    const server = (
      index: number,
      secrets: ReturnType<typeof secret>[],
      envs: string[],
      dependsOn: pulumi.Resource[],
    ): docker.Container => {
      const role = index === 0 ? "primary" : `replica-${index}`;
      const alias = `mysql-${role}`;
      this.serverAliases.push(alias);
      const cnf = renderMyCnf({
        flavour,
        role: index === 0 ? "primary" : "replica",
        serverId: index + 1,
        memoryBytes: memoryMb * MIB,
        parameters: args.parameters,
      });
      files[`mysql/${role}.cnf`] = cnf;
      const volume = new docker.Volume(
        `${name}-${role}-data`,
        { name: `${namePrefix}-mysql-${role}-data` },
        { parent: this, retainOnDelete: true },
      );
      const published = index === 0 && publishNetwork;
      return new docker.Container(
        `${name}-${role}`,
        {
          name: `${namePrefix}-mysql-${role}`,
          image: image.name,
          hostname: alias,
          restart: RESTART_POLICY,
          memory: memoryMb,
          cpus: String(args.vcpu),
          envs: [...secrets.map((s) => s.env), ...envs, ...settings],
          uploads: [
            // MySQL ignores world-writable option files; 0644 is what it wants.
            { file: "/etc/mysql/conf.d/webstack.cnf", content: cnf, permissions: "0644" },
            // The images run *.sh here once, after their own setup, against a temporary server.
            {
              file: "/docker-entrypoint-initdb.d/50-webstack.sh",
              content: FIRST_START_SCRIPT,
              permissions: "0755",
            },
            ...secrets.map((s) => s.upload),
          ],
          volumes: [{ volumeName: volume.name, containerPath: DEFAULT_MYSQL_PATHS.datadir }],
          networksAdvanced: [
            ...(published ? [{ name: publishNetwork.name }] : []),
            { name: args.networkName, aliases: [alias] },
          ],
          ports: published
            ? [{ internal: DEFAULT_MYSQL_PORT, external: DEFAULT_MYSQL_PORT, ip: "127.0.0.1" }]
            : [],
          healthcheck: {
            // `ping` answers "alive" even when access is denied, so it needs no password.
            tests: [
              "CMD",
              flavour === "mariadb" ? "mariadb-admin" : "mysqladmin",
              "ping",
              "--silent",
            ],
            ...HEALTHCHECK_TIMINGS,
          },
          ...JSON_FILE_LOGS,
        },
        { parent: this, dependsOn },
      );
    };

    this.serverAliases = [];
    const primary = server(
      0,
      [root, app, replication, ...operations],
      [
        "WEBSTACK_ROLE=primary",
        `WEBSTACK_DATABASE=${args.database}`,
        `WEBSTACK_DB_USER=${args.username}`,
        ...(args.operationsUsers
          ? [
              `WEBSTACK_BACKUP_USER=${OPERATIONS_USERS.backup}`,
              `WEBSTACK_RESTORE_TEST_PREFIX=${RESTORE_TEST_PREFIX}`,
              `WEBSTACK_MONITOR_USER=${OPERATIONS_USERS.monitor}`,
            ]
          : []),
      ],
      [],
    );
    for (let index = 1; index <= args.replicas; index++) {
      // Never the application user's secret or database variables: a replica must not write
      // anything of its own before it follows the primary. Time-zone tables then arrive from
      // the primary instead of as local GTIDs.
      server(
        index,
        [root, replication],
        [
          "MYSQL_INITDB_SKIP_TZINFO=1",
          "WEBSTACK_ROLE=replica",
          `WEBSTACK_PRIMARY_HOST=${this.serverAliases[0]}`,
        ],
        [primary],
      );
    }

    this.writeEndpoint = pulumi.output(this.serverAliases[0]);
    this.readEndpoint = pulumi.output(this.serverAliases[1] ?? this.serverAliases[0]);
    const [backup, monitor] = operations;
    if (backup && monitor) {
      this.operationsCredentials = {
        backup: { username: OPERATIONS_USERS.backup, password: backup.password },
        monitor: { username: OPERATIONS_USERS.monitor, password: monitor.password },
      };
    }
    this.port = pulumi.output(DEFAULT_MYSQL_PORT);
    this.database = pulumi.output(args.database);
    this.username = pulumi.output(args.username);
    this.password = app.password;
    this.renderedFiles = Object.fromEntries(
      Object.entries(files).map(([file, text]) => [file, pulumi.output(text)]),
    );
    this.registerOutputs({
      writeEndpoint: this.writeEndpoint,
      readEndpoint: this.readEndpoint,
      port: this.port,
      database: this.database,
      username: this.username,
      password: this.password,
    });
  }
}
