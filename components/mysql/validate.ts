// Checks a MysqlCluster's args before any child exists. The stack config already refuses most of
// these; the component checks again because it can be built from other code, and names the
// field, the value and what is allowed.
import { RDS_INSTANCE_CLASSES } from "../catalog/instance-sizes";
import { TIER_FLOORS } from "../catalog/tiers";
import { DAILY_WINDOW, dailyOverlapsWeekly, WEEKLY_WINDOW } from "../config/windows";
import type { AwsMysqlClusterArgs, DockerMysqlClusterArgs, MysqlClusterArgs } from "./contract";

export const MAX_REPLICAS = 5;
/** RDS identifiers: 1–63 letters, digits and single hyphens, starting with a letter. */
const RDS_IDENTIFIER_MAX = 63;
const PREFIX = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const DOCKER_PREFIX = /^[a-z0-9][a-z0-9_.-]*$/;
const IDENTIFIER = /^[a-z][a-z0-9_]{0,31}$/;
/** AWS tag values: up to 256 of these characters. */
const BACKUP_TAG_VALUE = /^[A-Za-z0-9 _.:/=+@-]{1,256}$/;

function refuse(name: string, field: string, value: unknown, allowed: string): never {
  throw new Error(`${name}: ${field} ${JSON.stringify(value)} is not allowed: ${allowed}`);
}

function integerIn(name: string, field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    refuse(name, field, value, `use an integer from ${min} to ${max}`);
  }
}

function validateCommon(name: string, args: MysqlClusterArgs): void {
  integerIn(name, "replicas", args.replicas, 0, MAX_REPLICAS);
  const floor = TIER_FLOORS[args.tier];
  if (!floor) refuse(name, "tier", args.tier, "use dev, test, staging or prod");
  if (args.replicas < floor.mysqlMinReplicas) {
    refuse(
      name,
      "replicas",
      args.replicas,
      `${args.tier} needs at least ${floor.mysqlMinReplicas}`,
    );
  }
  for (const field of ["database", "username"] as const) {
    if (!IDENTIFIER.test(args[field])) {
      refuse(name, field, args[field], "use a lower-case identifier of up to 32 characters");
    }
  }
}

/** RDS identifier of the primary and of replica `i` (1-based). */
export function rdsIdentifiers(
  prefix: string,
  replicas: number,
): {
  primary: string;
  replicas: string[];
} {
  return {
    primary: `${prefix}-mysql-primary`,
    replicas: Array.from({ length: replicas }, (_, i) => `${prefix}-mysql-replica-${i + 1}`),
  };
}

export function validateAwsMysqlArgs(name: string, args: AwsMysqlClusterArgs): void {
  validateCommon(name, args);
  const floor = TIER_FLOORS[args.tier];
  const longest = `${args.identifierPrefix}-mysql-replica-${MAX_REPLICAS}`;
  if (!PREFIX.test(args.identifierPrefix) || longest.length > RDS_IDENTIFIER_MAX) {
    refuse(
      name,
      "identifierPrefix",
      args.identifierPrefix,
      `use lower-case letters, digits and single hyphens, starting with a letter, at most ${RDS_IDENTIFIER_MAX - (longest.length - args.identifierPrefix.length)} characters`,
    );
  }
  if (!(args.instanceClass in RDS_INSTANCE_CLASSES)) {
    refuse(
      name,
      "instanceClass",
      args.instanceClass,
      `use one of ${Object.keys(RDS_INSTANCE_CLASSES).join(", ")}`,
    );
  }
  integerIn(name, "storageGb", args.storageGb, 20, 65536);
  if (args.maxStorageGb !== undefined && !(args.maxStorageGb > args.storageGb)) {
    refuse(name, "maxStorageGb", args.maxStorageGb, `use more than storageGb (${args.storageGb})`);
  }
  integerIn(name, "backupRetentionDays", args.backupRetentionDays, 1, 35);
  if (args.backupRetentionDays < floor.mysqlBackupRetentionDays) {
    refuse(
      name,
      "backupRetentionDays",
      args.backupRetentionDays,
      `${args.tier} needs at least ${floor.mysqlBackupRetentionDays}`,
    );
  }
  if (floor.mysqlMultiAz && !args.multiAz) {
    refuse(name, "multiAz", args.multiAz, `${args.tier} needs a multi-AZ primary`);
  }
  if (!DAILY_WINDOW.test(args.backupWindow)) {
    refuse(name, "backupWindow", args.backupWindow, 'use "hh:mm-hh:mm" (UTC)');
  }
  if (!WEEKLY_WINDOW.test(args.maintenanceWindow)) {
    refuse(name, "maintenanceWindow", args.maintenanceWindow, 'use "ddd:hh:mm-ddd:hh:mm" (UTC)');
  }
  if (dailyOverlapsWeekly(args.backupWindow, args.maintenanceWindow)) {
    refuse(
      name,
      "backupWindow",
      args.backupWindow,
      `it overlaps maintenanceWindow ${args.maintenanceWindow}`,
    );
  }
  if (args.subnetIds.length < 2) {
    refuse(name, "subnetIds", args.subnetIds.length, "RDS needs subnets in at least 2 AZs");
  }
  if (args.backupTag !== undefined && !BACKUP_TAG_VALUE.test(args.backupTag)) {
    refuse(
      name,
      "backupTag",
      args.backupTag,
      "use 1 to 256 letters, digits, spaces and _ . : / = + - @ (an AWS tag value)",
    );
  }
}

export function validateDockerMysqlArgs(name: string, args: DockerMysqlClusterArgs): void {
  validateCommon(name, args);
  if (!DOCKER_PREFIX.test(args.namePrefix)) {
    refuse(name, "namePrefix", args.namePrefix, "use lower-case letters, digits, '_', '.', '-'");
  }
  if (args.flavour !== "mysql" && args.flavour !== "mariadb") {
    refuse(name, "flavour", args.flavour, 'use "mysql" or "mariadb"');
  }
  if (!(args.memoryGb >= 0.5 && args.memoryGb <= 512)) {
    refuse(name, "memoryGb", args.memoryGb, "use 0.5 to 512 (the buffer pool needs 512 MiB)");
  }
  if (!(args.vcpu > 0 && args.vcpu <= 64)) {
    refuse(name, "vcpu", args.vcpu, "use a number above 0 and at most 64");
  }
  if (args.publishPort && args.tier !== "dev") {
    refuse(name, "publishPort", true, "only dev may publish 3306 (on 127.0.0.1)");
  }
}
