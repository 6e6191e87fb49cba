// `webstack:data:MysqlCluster` on Docker: a primary and N read replicas from one pinned image,
// each with the rendered my.cnf and first-start script uploaded, passwords as uploaded files named
// by *_FILE variables, data on a named volume that outlives the container, and no port published
// beyond the internal data network (dev may publish the primary on 127.0.0.1).
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { HEALTHCHECK_TIMINGS, JSON_FILE_LOGS, RESTART_POLICY } from "../container-defaults";
import { generatedPassword } from "../passwords";
import { DockerMysqlClusterArgs, MysqlClusterOutputs, MysqlCredentials } from "./contract";
import { DEFAULT_MYSQL_PATHS, DEFAULT_MYSQL_PORT, MIB, renderMyCnf } from "./my-cnf";
import { renderMyCnfOverrides } from "./overrides";
import {
  INIT_SCRIPT_NAMES,
  OPERATIONS_USERS,
  REPLICATION_ENV,
  renderPrimaryInitScript,
  renderReplicaSetupScript,
} from "./replication";
import { validateDockerMysqlArgs } from "./validate";

/** The images read *.cnf from here after their own defaults. */
export const MY_CNF_PATH = "/etc/mysql/conf.d/webstack.cnf";
export const INIT_DIR = "/docker-entrypoint-initdb.d";
export const SECRETS_DIR = "/run/secrets";
/** uid/gid of the `mysql` user in the official mysql and mariadb images; it reads the secrets. */
export const MYSQL_IMAGE_UID = "999";
export const PRIMARY_ALIAS = "mysql-primary";
export const replicaAlias = (index: number) => `mysql-replica-${index}`;

type Upload = docker.types.input.ContainerUpload;

export class DockerMysqlCluster extends pulumi.ComponentResource implements MysqlClusterOutputs {
  readonly writeEndpoint: pulumi.Output<string>;
  readonly readEndpoint: pulumi.Output<string>;
  readonly replicaEndpoints: pulumi.Output<string>[];
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
    validateDockerMysqlArgs(name, args);
    const parent = { parent: this };
    const { flavour, namePrefix } = args;
    // Whole MiB: the container limit and the buffer pool are sized from the same number.
    const memoryMb = Math.floor(args.memoryGb * 1024);
    const overrides = renderMyCnfOverrides(args.parameters);

    const rootPassword = generatedPassword(`${name}-root-password`, "mysql", parent);
    const appPassword = generatedPassword(`${name}-app-password`, "mysql", parent);
    const replicationPassword = generatedPassword(`${name}-replication-password`, "mysql", parent);
    const secretFile = (file: string, password: typeof rootPassword): Upload => ({
      file: `${SECRETS_DIR}/${file}`,
      content: pulumi.secret(password.result),
      owner: MYSQL_IMAGE_UID,
      group: MYSQL_IMAGE_UID,
      permissions: "0400",
    });
    const secrets = {
      root: secretFile("mysql-root-password", rootPassword),
      app: secretFile("mysql-app-password", appPassword),
      replication: secretFile("mysql-replication-password", replicationPassword),
    };
    const operations = args.operationsUsers
      ? {
          backup: generatedPassword(`${name}-backup-password`, "mysql", parent),
          monitor: generatedPassword(`${name}-monitor-password`, "mysql", parent),
        }
      : undefined;
    const fileEnv = (variable: string, upload: Upload) => `${variable}_FILE=${upload.file}`;

    const image = new docker.RemoteImage(
      `${name}-image`,
      { name: args.image, keepLocally: true },
      parent,
    );

    const primaryCnf =
      renderMyCnf({ flavour, role: "primary", serverId: 1, memoryBytes: memoryMb * MIB }) +
      overrides;
    const primaryInit = renderPrimaryInitScript({
      flavour,
      database: args.database,
      appUser: args.username,
      ...(operations
        ? { backupUser: OPERATIONS_USERS.backup, monitorUser: OPERATIONS_USERS.monitor }
        : {}),
    });
    const operationsUploads = operations
      ? [
          secretFile("mysql-backup-password", operations.backup),
          secretFile("mysql-monitor-password", operations.monitor),
        ]
      : [];
    const replicaSetup = renderReplicaSetupScript({
      flavour,
      primaryHost: PRIMARY_ALIAS,
      primaryPort: DEFAULT_MYSQL_PORT,
    });

    const server = (
      role: string,
      alias: string,
      cnf: string,
      init: { file: string; content: string },
      secretUploads: Upload[],
      envs: string[],
      publish: boolean,
      dependsOn: pulumi.Resource[],
    ): docker.Container => {
      const volume = new docker.Volume(
        `${name}-${role}-data`,
        { name: `${namePrefix}-mysql-${role}-data` },
        { parent: this, retainOnDelete: true },
      );
      return new docker.Container(
        `${name}-${role}`,
        {
          name: `${namePrefix}-mysql-${role}`,
          image: image.name,
          hostname: alias,
          restart: RESTART_POLICY,
          memory: memoryMb,
          cpus: String(args.vcpu),
          envs,
          uploads: [
            // MySQL ignores world-writable option files; 0644 is what it wants.
            { file: MY_CNF_PATH, content: cnf, permissions: "0644" },
            { file: `${INIT_DIR}/${init.file}`, content: init.content, permissions: "0755" },
            ...secretUploads,
          ],
          volumes: [{ volumeName: volume.name, containerPath: DEFAULT_MYSQL_PATHS.datadir }],
          networksAdvanced: [{ name: args.networkName, aliases: [alias] }],
          ports: publish
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

    const primary = server(
      "primary",
      PRIMARY_ALIAS,
      primaryCnf,
      { file: INIT_SCRIPT_NAMES.primary, content: primaryInit },
      [secrets.root, secrets.app, secrets.replication, ...operationsUploads],
      [
        fileEnv(REPLICATION_ENV.rootPassword, secrets.root),
        fileEnv(REPLICATION_ENV.appPassword, secrets.app),
        fileEnv(REPLICATION_ENV.replicationPassword, secrets.replication),
        ...(operations
          ? [
              fileEnv(REPLICATION_ENV.backupPassword, operationsUploads[0]),
              fileEnv(REPLICATION_ENV.monitorPassword, operationsUploads[1]),
            ]
          : []),
      ],
      args.publishPort,
      [],
    );

    const replicaCnfs: Record<string, string> = {};
    const replicaEndpoints = Array.from({ length: args.replicas }, (_, i) => {
      const index = i + 1;
      const cnf =
        renderMyCnf({
          flavour,
          role: "replica",
          serverId: 1 + index,
          memoryBytes: memoryMb * MIB,
        }) + overrides;
      replicaCnfs[`mysql/replica-${index}.cnf`] = cnf;
      server(
        `replica-${index}`,
        replicaAlias(index),
        cnf,
        { file: INIT_SCRIPT_NAMES.replica, content: replicaSetup },
        // Never the application user's secret or database variables: a replica must not write
        // anything of its own before it follows the primary.
        [secrets.root, secrets.replication],
        [
          fileEnv(REPLICATION_ENV.rootPassword, secrets.root),
          fileEnv(REPLICATION_ENV.replicationPassword, secrets.replication),
          // Time-zone tables then arrive from the primary instead of as local GTIDs.
          "MYSQL_INITDB_SKIP_TZINFO=1",
        ],
        false,
        [primary],
      );
      return pulumi.output(replicaAlias(index));
    });

    this.writeEndpoint = pulumi.output(PRIMARY_ALIAS);
    this.readEndpoint = replicaEndpoints[0] ?? this.writeEndpoint;
    this.replicaEndpoints = replicaEndpoints;
    this.serverAliases = [
      PRIMARY_ALIAS,
      ...Array.from({ length: args.replicas }, (_, i) => replicaAlias(i + 1)),
    ];
    if (operations) {
      this.operationsCredentials = {
        backup: {
          username: OPERATIONS_USERS.backup,
          password: pulumi.secret(operations.backup.result),
        },
        monitor: {
          username: OPERATIONS_USERS.monitor,
          password: pulumi.secret(operations.monitor.result),
        },
      };
    }
    this.port = pulumi.output(DEFAULT_MYSQL_PORT);
    this.database = pulumi.output(args.database);
    this.username = pulumi.output(args.username);
    this.password = pulumi.secret(appPassword.result);
    const files: Record<string, string> = {
      "mysql/primary.cnf": primaryCnf,
      "mysql/primary-init.sh": primaryInit,
      ...replicaCnfs,
      ...(args.replicas > 0 ? { "mysql/replica-setup.sh": replicaSetup } : {}),
    };
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
