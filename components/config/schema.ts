// The whole stack-config schema: every key under `webstack:`, its default and a one-line doc.
// Unknown keys are errors (a typo must never pass silently); cross-field rules live in rules.ts.
import { z } from "zod";
import { alarmsSchema } from "./parts/alarms";
import { alertsSchema } from "./parts/alerts";
import { appSchema } from "./parts/app";
import { backupsSchema } from "./parts/backups";
import { edgeSchema } from "./parts/edge";
import { identityFields } from "./parts/identity";
import { mysqlSchema } from "./parts/mysql";
import { networkSchema } from "./parts/network";
import { redisSchema } from "./parts/redis";

export const stackConfigSchema = z.strictObject({
  ...identityFields,
  network: networkSchema,
  app: appSchema,
  mysql: mysqlSchema,
  redis: redisSchema,
  edge: edgeSchema,
  alerts: alertsSchema,
  alarms: alarmsSchema,
  backups: backupsSchema,
});

/** The validated values of one stack file, defaults applied. */
export type StackValues = z.output<typeof stackConfigSchema>;

/** Keys that apply to only one target; setting them for the other target is an error. */
export const TARGET_ONLY_KEYS: Readonly<Record<"aws" | "docker", readonly string[]>> = {
  aws: [
    "network",
    "app.instanceType",
    "app.diskGb",
    "app.os",
    "mysql.instanceClass",
    "mysql.maxStorageGb",
    "mysql.multiAz",
    "mysql.backupRetentionDays",
    "mysql.backupWindow",
    "mysql.maintenanceWindow",
    "redis.nodeType",
    "redis.shards",
    "redis.replicasPerShard",
    "redis.clusterMode",
    "redis.snapshotWindow",
    "redis.maintenanceWindow",
    "edge.route53ZoneId",
    "alerts.slack.workspaceId",
    "alerts.slack.channelId",
  ],
  docker: [
    "mysql.vcpu",
    "mysql.memoryGb",
    "mysql.flavour",
    "mysql.image",
    "mysql.publishPort",
    "redis.memoryMb",
    "redis.maxmemoryMb",
    "redis.layout",
    "redis.clusterSubnet",
    "redis.image",
    "edge.bindAddress",
    "edge.nginxImage",
    "alerts.email.from",
    "alerts.email.smarthost",
    "alerts.email.requireTls",
    "alerts.email.username",
    "alarms.images",
    "alarms.publishUi",
  ],
};
