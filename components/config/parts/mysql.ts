// MySQL primary and read replicas: engine, size, storage, windows and parameter overrides.
import { z } from "zod";
import { RDS_INSTANCE_CLASSES } from "../../catalog/instance-sizes";
import {
  parameterProblem,
  RESERVED_DATABASES,
  RESERVED_USERS,
  RESTORE_TEST_PREFIX,
} from "../../catalog/mysql";
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

/** A lower-case identifier that is none of `reserved`. */
function identifier(reserved: readonly string[], what: string) {
  return pattern(IDENTIFIER, "a lower-case identifier of up to 32 characters (a-z, 0-9, _)").refine(
    (name) => !reserved.includes(name),
    { error: `must not be ${what} (${reserved.join(", ")})` },
  );
}

const common = {
  engineVersion: pattern(/^8\.(0|4)(\.\d{1,2})?$/, 'a MySQL 8 version such as "8.4" or "8.4.3"')
    .default("8.4")
    .describe("MySQL engine version; a line past end of standard support is refused."),
  allowExtendedSupport: boolean()
    .default(false)
    .describe("Accept an engine line past end of standard support (RDS bills Extended Support)."),
  storageGb: integer(20, 65536).default(20).describe("Allocated storage per instance, GiB."),
  replicas: integer(0, 5).default(0).describe("Read replicas of the primary."),
  database: identifier(RESERVED_DATABASES, "a schema the server owns")
    .refine((name) => !name.startsWith(RESTORE_TEST_PREFIX), {
      error: `must not start with ${RESTORE_TEST_PREFIX} (the restore test's scratch databases)`,
    })
    .default("app")
    .describe("Application database name."),
  username: identifier(RESERVED_USERS, "a reserved account name")
    .default("app")
    .describe("Application database user; its password is generated."),
  parameters: z
    .record(
      z.string(),
      z.union([z.string(), z.number()], { error: "must be a string or a number" }),
      { error: "must map MySQL system variables to values" },
    )
    .superRefine((parameters, context) => {
      for (const [name, value] of Object.entries(parameters)) {
        const message = parameterProblem(name, value);
        if (message) context.addIssue({ code: "custom", message, path: [name], input: value });
      }
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
