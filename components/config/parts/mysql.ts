// MySQL primary and read replicas: engine, size, storage, windows and parameter overrides.
import { z } from "zod";
import { RDS_INSTANCE_CLASSES } from "../../catalog/instance-sizes";
import { OWNED_PARAMETERS } from "../../mysql/overrides";
import { OPERATIONS_USERS } from "../../mysql/replication";
import {
  boolean,
  catalogKey,
  decimal,
  integer,
  oneOf,
  pattern,
  pinnedImage,
  section,
} from "../fields";
import { DAILY_WINDOW, WEEKLY_WINDOW } from "../windows";

const IDENTIFIER = /^[a-z][a-z0-9_]{0,31}$/;
const RESERVED_USERS = [
  "root",
  "admin",
  "rdsadmin",
  "mysql",
  "replication",
  "repl",
  ...Object.values(OPERATIONS_USERS),
];

const common = {
  engineVersion: pattern(/^8\.(0|4)(\.\d{1,2})?$/, 'a MySQL 8 version such as "8.4" or "8.4.3"')
    .default("8.4")
    .describe("MySQL engine version; a line past end of standard support is refused."),
  allowExtendedSupport: boolean()
    .default(false)
    .describe("Accept an engine line past end of standard support (RDS bills Extended Support)."),
  storageGb: integer(20, 65536).default(20).describe("Allocated storage per instance, GiB."),
  replicas: integer(0, 5).default(0).describe("Read replicas of the primary."),
  database: pattern(IDENTIFIER, "a lower-case identifier of up to 32 characters (a-z, 0-9, _)")
    .default("app")
    .describe("Application database name."),
  username: pattern(IDENTIFIER, "a lower-case identifier of up to 32 characters (a-z, 0-9, _)")
    .refine((name) => !RESERVED_USERS.includes(name), {
      error: `must not be a reserved account name (${RESERVED_USERS.join(", ")})`,
    })
    .default("app")
    .describe("Application database user; its password is generated."),
  parameters: z
    .record(
      pattern(/^[a-z_][a-z0-9_]*$/, "a MySQL system variable name"),
      z.union([z.string(), z.number()], { error: "must be a string or a number" }),
    )
    .refine((parameters) => Object.keys(parameters).every((k) => !OWNED_PARAMETERS.includes(k)), {
      error: `must not set what webstack owns (${OWNED_PARAMETERS.join(", ")})`,
    })
    .default({})
    .describe(
      "Extra MySQL system variables for the parameter group or my.cnf; not replication, paths or durability.",
    ),
};

export const mysqlSchema = {
  docker: section(
    {
      ...common,
      vcpu: decimal(0.5, 64).default(1).describe("CPU limit of each MySQL container."),
      memoryGb: decimal(0.5, 512).default(2).describe("Memory limit of each MySQL container, GiB."),
      flavour: oneOf(["mysql", "mariadb"])
        .default("mysql")
        .describe("Server flavour the containers run."),
      image: pinnedImage().default("mysql:8.4.4").describe("MySQL container image."),
      publishPort: boolean()
        .default(false)
        .describe("Publish 3306 on 127.0.0.1 of the Docker host (dev only)."),
    },
    "MySQL primary and replicas as containers.",
  ),
  aws: section(
    {
      ...common,
      instanceClass: catalogKey("RDS instance class", RDS_INSTANCE_CLASSES).describe(
        "RDS instance class of the primary and replicas.",
      ),
      maxStorageGb: integer(20, 65536)
        .optional()
        .describe("Upper bound for RDS storage autoscaling, GiB; above storageGb."),
      multiAz: boolean().default(false).describe("Synchronous standby in a second AZ."),
      backupRetentionDays: integer(1, 35).default(7).describe("Days RDS keeps automated backups."),
      backupWindow: pattern(DAILY_WINDOW, 'a daily UTC window "hh:mm-hh:mm", e.g. "02:00-03:00"')
        .default("02:00-03:00")
        .describe("Daily RDS backup window, UTC; must not overlap maintenanceWindow."),
      maintenanceWindow: pattern(
        WEEKLY_WINDOW,
        'a weekly UTC window "ddd:hh:mm-ddd:hh:mm", e.g. "sun:04:00-sun:05:00"',
      )
        .default("sun:04:00-sun:05:00")
        .describe("Weekly maintenance window, UTC."),
    },
    "MySQL primary and replicas on RDS.",
  ),
};
