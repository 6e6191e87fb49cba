// The Docker backup job's arguments, their validation, and what the job container is given: the
// tiers it runs, its environment (BACKUP_JOB_ENVIRONMENT's names, the stack's retention) and the
// image build arguments. Pure: the unit tests call these directly.
import type * as pulumi from "@pulumi/pulumi";
import { BACKUP_KINDS, BackupKind, BackupTier } from "../catalog/backups";
import type { Tier } from "../catalog/tiers";
import { retentionEnvironment } from "./backup-script";

/** Paths inside the job container. */
export const JOB_PATHS = {
  backups: "/backups",
  metrics: "/var/lib/webstack/metrics",
  uploads: "/var/lib/webstack/uploads",
  config: "/etc/webstack/config",
  crontab: "/etc/webstack/crontab",
  backupScript: "/usr/local/bin/backup.sh",
  restoreScript: "/usr/local/bin/restore.sh",
  secrets: "/run/secrets/webstack",
} as const;

/** uid/gid the job image runs as (job-image/Dockerfile); it reads the secret files. */
export const JOB_UID = "10001";

export interface DockerBackupsArgs {
  /** Environment whose backups these are. */
  readonly tier: Tier;
  /** Prefix of every container and volume name, e.g. "webstack-dev". */
  readonly namePrefix: string;
  /** The stack's backup tiers (`stackBackupTiers(config)`): schedules and retention. */
  readonly tiers: Readonly<Record<BackupKind, BackupTier>>;
  /** The MySQL primary the job dumps, and the flavour and line its client tools must match. */
  readonly mysql: {
    /** The primary's network alias. */
    readonly host: string;
    readonly port: number;
    /** Network the primary is on; the job joins it (and finds Redis there). */
    readonly networkName: pulumi.Input<string>;
    /** The backup user (`operationsCredentials.backup`). */
    readonly user: string;
    readonly password: pulumi.Input<string>;
    readonly flavour: "mysql" | "mariadb";
    /** e.g. "8.4" or "8.0.40": picks the client tools' release line. */
    readonly engineVersion: string;
  };
  /**
   * The Redis to snapshot: one node (`layout: "single"`), or a Redis Cluster whose current
   * primaries the job finds from seed nodes at every run and backs up one RDB each.
   * @default none (no redis tier)
   */
  readonly redis?: {
    /**
     * Network aliases: the node, or with the cluster layout the seed nodes (every node, so a run
     * still finds the cluster while some are down).
     */
    readonly hosts: readonly string[];
    readonly port: number;
    /** @default "single" */
    readonly layout?: "single" | "cluster";
    readonly authToken: pulumi.Input<string>;
    /**
     * Network the nodes are on when it is not the MySQL one (the cluster layout has its own, and
     * its nodes announce addresses there); the job joins it too.
     * @default mysql.networkName
     */
    readonly networkName?: pulumi.Input<string>;
    /**
     * The job's fixed IPv4 address on `networkName`, outside every address the nodes use
     * (`DockerRedisCluster.backupJobAddress`): a dynamic one could be a stopped node's, which
     * could then not start. Only with `networkName`.
     * @default none (Docker picks one)
     */
    readonly address?: string;
  };
  /** The uploads volume, mounted read-only. @default none (no files tier) */
  readonly uploadsVolumeName?: pulumi.Input<string>;
  /**
   * Configuration the weekly config tier keeps, by relative path; never secret-bearing files.
   * @default {} (no config tier)
   */
  readonly configFiles?: Readonly<Record<string, pulumi.Input<string>>>;
}

const PREFIX = /^[a-z0-9][a-z0-9_.-]*$/;
const HOST = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;
const RELATIVE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

function isIpv4(text: string): boolean {
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  return octets !== null && octets.slice(1).every((o) => Number(o) <= 255);
}

/** Throws, naming the field and what is allowed, before any resource exists. */
export function validateDockerBackupsArgs(owner: string, args: DockerBackupsArgs): void {
  if (!PREFIX.test(args.namePrefix)) {
    throw new Error(
      `${owner}: namePrefix must be lower-case letters, digits, '_', '.' or '-' (got "${args.namePrefix}")`,
    );
  }
  const hosts: [string, string][] = [["mysql.host", args.mysql.host]];
  if (args.redis) {
    const { layout = "single", hosts: redisHosts } = args.redis;
    if (layout !== "single" && layout !== "cluster") {
      throw new Error(
        `${owner}: redis.layout must be "single" or "cluster" (got "${String(layout)}")`,
      );
    }
    if (layout === "single" ? redisHosts.length !== 1 : redisHosts.length === 0) {
      throw new Error(
        `${owner}: redis.hosts must name ${layout === "single" ? "exactly one node in the single layout" : "at least one seed node in the cluster layout"} (got ${redisHosts.length})`,
      );
    }
    redisHosts.forEach((host, i) => hosts.push([`redis.hosts[${i}]`, host]));
    const { address } = args.redis;
    if (address !== undefined) {
      if (args.redis.networkName === undefined) {
        throw new Error(
          `${owner}: redis.address needs redis.networkName: it is an address on the Redis network (got "${address}" without one)`,
        );
      }
      if (!isIpv4(address)) {
        throw new Error(
          `${owner}: redis.address must be an IPv4 address such as 192.168.254.21 (got "${address}")`,
        );
      }
    }
  }
  for (const [field, host] of hosts) {
    if (!HOST.test(host)) throw new Error(`${owner}: ${field} must be a host name (got "${host}")`);
  }
  const ports: [string, number][] = [["mysql.port", args.mysql.port]];
  if (args.redis) ports.push(["redis.port", args.redis.port]);
  for (const [field, port] of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${owner}: ${field} must be a port from 1 to 65535 (got ${port})`);
    }
  }
  if (!/^[A-Za-z0-9_]{1,32}$/.test(args.mysql.user)) {
    throw new Error(`${owner}: mysql.user must be a MySQL user name (got "${args.mysql.user}")`);
  }
  if (!["mysql", "mariadb"].includes(args.mysql.flavour)) {
    throw new Error(
      `${owner}: mysql.flavour must be "mysql" or "mariadb" (got "${String(args.mysql.flavour)}")`,
    );
  }
  mysqlAptComponent(owner, args.mysql.engineVersion);
  for (const file of Object.keys(args.configFiles ?? {})) {
    if (!RELATIVE.test(file)) {
      throw new Error(
        `${owner}: configFiles keys must be relative paths without ".." (got "${file}")`,
      );
    }
  }
  // Schedules and retention are checked by the catalog's validation the renderers run.
  retentionEnvironment(args.tiers);
}

/** repo.mysql.com's component for the server's release line. */
export function mysqlAptComponent(owner: string, engineVersion: string): string {
  const onLine = (line: string) => engineVersion === line || engineVersion.startsWith(`${line}.`);
  if (onLine("8.0")) return "mysql-8.0";
  if (onLine("8.4")) return "mysql-8.4-lts";
  throw new Error(
    `${owner}: mysql.engineVersion must be on the 8.0 or 8.4 line (got "${engineVersion}")`,
  );
}

/** The tiers this job runs: every catalog kind whose source exists on this stack. */
export function jobKinds(args: DockerBackupsArgs): BackupKind[] {
  return BACKUP_KINDS.filter((kind) => {
    if (kind === "redis") return args.redis !== undefined;
    if (kind === "files") return args.uploadsVolumeName !== undefined;
    if (kind === "config") return Object.keys(args.configFiles ?? {}).length > 0;
    return true;
  });
}

/** Where the job finds each secret file. */
export const JOB_SECRET_FILES = {
  mysqlPassword: `${JOB_PATHS.secrets}/mysql-backup-password`,
  redisPassword: `${JOB_PATHS.secrets}/redis-password`,
} as const;

/**
 * The job container's environment: BACKUP_JOB_ENVIRONMENT's names with this stack's values and
 * retention. Passwords only as *_FILE paths; their values arrive as uploaded files.
 */
export function jobEnvironment(args: DockerBackupsArgs): Record<string, string> {
  const kinds = jobKinds(args);
  return {
    TZ: "UTC",
    BACKUP_DIR: JOB_PATHS.backups,
    METRICS_DIR: JOB_PATHS.metrics,
    MYSQL_HOST: args.mysql.host,
    MYSQL_PORT: String(args.mysql.port),
    MYSQL_USER: args.mysql.user,
    MYSQL_PASSWORD_FILE: JOB_SECRET_FILES.mysqlPassword,
    ...(kinds.includes("files") ? { UPLOADS_DIR: JOB_PATHS.uploads } : {}),
    ...(kinds.includes("config") ? { CONFIG_DIR: JOB_PATHS.config } : {}),
    ...(args.redis
      ? {
          // backup.sh reads several seeds from one space-separated REDIS_HOST.
          REDIS_HOST: args.redis.hosts.join(" "),
          REDIS_PORT: String(args.redis.port),
          REDIS_PASSWORD_FILE: JOB_SECRET_FILES.redisPassword,
          ...(args.redis.layout === "cluster" ? { REDIS_CLUSTER: "1" } : {}),
        }
      : {}),
    ...retentionEnvironment(args.tiers),
  };
}

/** Build arguments of job-image/Dockerfile. */
export function jobImageBuildArgs(owner: string, args: DockerBackupsArgs): Record<string, string> {
  return {
    MYSQL_FLAVOUR: args.mysql.flavour,
    MYSQL_APT_COMPONENT: mysqlAptComponent(owner, args.mysql.engineVersion),
  };
}
