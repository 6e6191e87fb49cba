// The stack-config schema: one shape per target, discriminated by `target`. Keys shared by both
// targets are written once in each part's file; a key of the other target is refused by name.
import { z } from "zod";
import { alarmsSchema } from "./parts/alarms";
import { alertsSchema } from "./parts/alerts";
import { appSchema } from "./parts/app";
import { backupsSchema } from "./parts/backups";
import { edgeSchema } from "./parts/edge";
import { domainsSchema, identityFields, TARGETS, Target } from "./parts/identity";
import { mysqlSchema } from "./parts/mysql";
import { networkSchema } from "./parts/network";
import { redisSchema } from "./parts/redis";

const target = <T extends Target>(name: T) =>
  z.literal(name).describe(`Where the platform runs: ${TARGETS.join(" or ")}.`);

export const dockerConfigSchema = z.strictObject({
  ...identityFields,
  target: target("docker"),
  domains: domainsSchema.docker,
  app: appSchema.docker,
  mysql: mysqlSchema.docker,
  redis: redisSchema.docker,
  edge: edgeSchema.docker,
  alerts: alertsSchema.docker,
  alarms: alarmsSchema.docker,
  backups: backupsSchema,
});

export const awsConfigSchema = z.strictObject({
  ...identityFields,
  target: target("aws"),
  domains: domainsSchema.aws,
  network: networkSchema,
  app: appSchema.aws,
  mysql: mysqlSchema.aws,
  redis: redisSchema.aws,
  edge: edgeSchema.aws,
  alerts: alertsSchema.aws,
  alarms: alarmsSchema.aws,
  backups: backupsSchema,
});

/** The schema of each target, for parsing and for "applies only to target …" messages. */
export const TARGET_SCHEMAS = { docker: dockerConfigSchema, aws: awsConfigSchema } as const;

export const stackConfigSchema = z.discriminatedUnion("target", [
  dockerConfigSchema,
  awsConfigSchema,
]);

/** The validated values of one stack file, defaults applied. */
export type StackValues = z.output<typeof stackConfigSchema>;
export type DockerStackValues = z.output<typeof dockerConfigSchema>;
export type AwsStackValues = z.output<typeof awsConfigSchema>;
