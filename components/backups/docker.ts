// `webstack:ops:Backups` on Docker (dev, test): a job container running the rendered crontab with
// supercronic — full dumps, binary logs, uploaded files, configuration and the Redis snapshot (one
// RDB per primary in the cluster layout) on the catalog's schedules, each checked and pruned by
// backup.sh, and the weekly restore test — writing to a backup volume and reporting to the
// textfile volume node_exporter reads. Its image
// is built by `pulumi up` from job-image/; the volumes outlive every container and `destroy`.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { BACKUP_VERIFICATION } from "../catalog/backups";
import { HEALTHCHECK_TIMINGS, JSON_FILE_LOGS, RESTART_POLICY } from "../container-defaults";
import { renderBackupScript, renderCrontab, renderRestoreScript } from "./backup-script";
import type { BackupsOutputs } from "./contract";
import {
  DockerBackupsArgs,
  JOB_PATHS,
  JOB_SECRET_FILES,
  JOB_UID,
  jobEnvironment,
  jobImageBuildArgs,
  jobKinds,
  validateDockerBackupsArgs,
} from "./docker-args";

/** The build context of the job image. */
export const JOB_IMAGE_CONTEXT = path.join(__dirname, "job-image");

/**
 * Tag of the job image: a digest of the Dockerfile and its build arguments, so the tag is pinned
 * and changes exactly when the image would, which replaces the job container.
 */
export function jobImageTag(buildArgs: Readonly<Record<string, string>>): string {
  const dockerfile = fs.readFileSync(path.join(JOB_IMAGE_CONTEXT, "Dockerfile"), "utf8");
  return crypto
    .createHash("sha256")
    .update(dockerfile)
    .update(JSON.stringify(buildArgs))
    .digest("hex")
    .slice(0, 12);
}

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
    validateDockerBackupsArgs(name, args);
    const { namePrefix } = args;
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

    const buildArgs = jobImageBuildArgs(name, args);
    const image = new docker.Image(
      `${name}-job-image`,
      {
        imageName: `${namePrefix}-backup-job:${jobImageTag(buildArgs)}`,
        build: {
          context: JOB_IMAGE_CONTEXT,
          dockerfile: path.join(JOB_IMAGE_CONTEXT, "Dockerfile"),
          args: buildArgs,
        },
        // Built on the Docker host the stack deploys to; no registry involved.
        skipPush: true,
      },
      parent,
    );

    const backupScript = renderBackupScript(args.tiers);
    const restoreScript = renderRestoreScript();
    const crontab = renderCrontab(args.tiers, {
      scriptPath: JOB_PATHS.backupScript,
      restoreTestSchedule: BACKUP_VERIFICATION.restoreTestSchedule,
      kinds,
    });
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
          { file: JOB_PATHS.backupScript, content: backupScript, permissions: "0555" },
          { file: JOB_PATHS.restoreScript, content: restoreScript, permissions: "0555" },
          secretFile(JOB_SECRET_FILES.mysqlPassword, args.mysql.password),
          ...(args.redis ? [secretFile(JOB_SECRET_FILES.redisPassword, args.redis.authToken)] : []),
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
          { name: args.mysql.networkName },
          ...(args.redis?.networkName !== undefined
            ? [
                {
                  name: args.redis.networkName,
                  // Fixed, so it is never a stopped Redis node's address (docker-args.ts).
                  ...(args.redis.address !== undefined ? { ipv4Address: args.redis.address } : {}),
                },
              ]
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
      "backups/backup.sh": pulumi.output(backupScript),
      "backups/restore.sh": pulumi.output(restoreScript),
    };
    this.registerOutputs({
      destination: this.destination,
      metricsVolumeName: this.metricsVolumeName,
    });
  }
}
