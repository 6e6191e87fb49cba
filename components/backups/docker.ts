// `webstack:ops:Backups` on Docker (dev, test): a job container running the crontab (job.ts) with
// supercronic — full dumps, binary logs, uploaded files, configuration and the Redis snapshot (one
// RDB per primary in the cluster layout), each checked and pruned by backup.sh, and the weekly
// restore test — writing to a backup volume and reporting to the textfile volume node_exporter
// reads. Its image is built by `pulumi up` from job-image/; the volumes outlive every container
// and `destroy`.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { HEALTHCHECK_TIMINGS, JSON_FILE_LOGS, RESTART_POLICY } from "../container-defaults";
import type { BackupsOutputs } from "./contract";
import {
  DockerBackupsArgs,
  JOB_PATHS,
  JOB_SCRIPTS,
  jobEnvironment,
  jobKinds,
  renderCrontab,
} from "./job";

/** uid/gid the job image runs as (job-image/Dockerfile); it reads the secret files. */
const JOB_UID = "10001";
const JOB_IMAGE_CONTEXT = path.join(__dirname, "job-image");

export class DockerBackups extends pulumi.ComponentResource implements BackupsOutputs {
  /** The backup volume's name. */
  readonly destination: pulumi.Output<string>;
  /**
   * The volume of the job's textfile metrics, for node_exporter. Resolves only once the job
   * container exists: a new volume takes its owner from the first container mounting it, and the
   * job (not root) must be the one that can write it.
   */
  readonly metricsVolumeName: pulumi.Output<string>;
  readonly renderedFiles: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: DockerBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:ops:Backups", name, {}, opts);
    const { namePrefix, mysql, redis } = args;
    const parent = { parent: this };
    const kinds = jobKinds(args);

    const volume = (suffix: string) =>
      new docker.Volume(
        `${name}-${suffix}`,
        { name: `${namePrefix}-${suffix}` },
        { parent: this, retainOnDelete: true },
      );
    const backups = volume("backups");
    const metrics = volume("backup-metrics");

    const buildArgs = {
      MYSQL_FLAVOUR: mysql.flavour,
      // repo.mysql.com's component for the server's release line.
      MYSQL_APT_COMPONENT: mysql.engineVersion.startsWith("8.0") ? "mysql-8.0" : "mysql-8.4-lts",
    };
    const dockerfile = path.join(JOB_IMAGE_CONTEXT, "Dockerfile");
    // Pinned, and changed exactly when the image would be (which replaces the job container).
    const tag = crypto
      .createHash("sha256")
      .update(fs.readFileSync(dockerfile, "utf8"))
      .update(JSON.stringify(buildArgs))
      .digest("hex")
      .slice(0, 12);
    const image = new docker.Image(
      `${name}-job-image`,
      {
        imageName: `${namePrefix}-backup-job:${tag}`,
        build: { context: JOB_IMAGE_CONTEXT, dockerfile, args: buildArgs },
        // Built on the Docker host the stack deploys to; no registry involved.
        skipPush: true,
      },
      parent,
    );

    const crontab = renderCrontab(args.tiers, kinds);
    const scripts = JOB_SCRIPTS.map((script) => ({
      file: `${JOB_PATHS.scripts}/${script}`,
      content: fs.readFileSync(path.join(__dirname, script), "utf8"),
      permissions: script === "common.sh" ? "0444" : "0555",
    }));
    const secretFile = (file: string, value: pulumi.Input<string>) => ({
      file,
      content: pulumi.secret(value),
      owner: JOB_UID,
      group: JOB_UID,
      permissions: "0400",
    });
    const configUploads = kinds.includes("config")
      ? Object.entries(args.configFiles ?? {}).map(([file, content]) => ({
          file: `${JOB_PATHS.config}/${file}`,
          content,
          permissions: "0444",
        }))
      : [];

    const job = new docker.Container(
      `${name}-job`,
      {
        name: `${namePrefix}-backup-job`,
        image: image.imageName,
        command: [JOB_PATHS.crontab],
        // Reaps the dump tools' children if a job is killed mid-run.
        init: true,
        restart: RESTART_POLICY,
        envs: Object.entries(jobEnvironment(args)).map(([key, value]) => `${key}=${value}`),
        uploads: [
          { file: JOB_PATHS.crontab, content: crontab, permissions: "0444" },
          ...scripts,
          secretFile(JOB_PATHS.mysqlPassword, mysql.password),
          ...(redis ? [secretFile(JOB_PATHS.redisPassword, redis.authToken)] : []),
          ...configUploads,
        ],
        volumes: [
          { volumeName: backups.name, containerPath: JOB_PATHS.backups },
          { volumeName: metrics.name, containerPath: JOB_PATHS.metrics },
          ...(args.uploadsVolumeName !== undefined
            ? [
                {
                  volumeName: args.uploadsVolumeName,
                  containerPath: JOB_PATHS.uploads,
                  readOnly: true,
                },
              ]
            : []),
        ],
        networksAdvanced: [
          { name: mysql.networkName },
          ...(redis?.network
            ? [{ name: redis.network.name, ipv4Address: redis.network.address }]
            : []),
        ],
        // Healthy while the crontab parses and the backup volume is writable; whether backups
        // succeed is what BackupFailed and BackupStale watch.
        healthcheck: {
          tests: [
            "CMD",
            "sh",
            "-c",
            `supercronic -test ${JOB_PATHS.crontab} && test -w ${JOB_PATHS.backups}`,
          ],
          ...HEALTHCHECK_TIMINGS,
        },
        ...JSON_FILE_LOGS,
      },
      parent,
    );

    this.destination = backups.name;
    this.metricsVolumeName = pulumi.all([metrics.name, job.id]).apply(([volumeName]) => volumeName);
    this.renderedFiles = {
      "backups/crontab": pulumi.output(crontab),
      ...Object.fromEntries(
        scripts.map((s) => [`backups/${path.basename(s.file)}`, pulumi.output(s.content)]),
      ),
    };
    this.registerOutputs({
      destination: this.destination,
      metricsVolumeName: this.metricsVolumeName,
    });
  }
}
