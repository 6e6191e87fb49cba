// What `max_connections` an RDS instance runs with, as a number: the DbConnectionsHigh alarm
// divides the DatabaseConnections metric by it, and CloudWatch has no metric for the setting.
import { RDS_INSTANCE_CLASSES } from "../catalog/instance-sizes";
import { GIB, type RdsParameter } from "./my-cnf";

/** RDS for MySQL's default: `{DBInstanceClassMemory/12582880}`, one connection per 12 MiB. */
export const RDS_BYTES_PER_DEFAULT_CONNECTION = 12_582_880;

/**
 * `max_connections` from the parameter group entries (webstack always renders one; a stack may
 * override it with a whole number), or what the instance class implies when no entry sets it.
 * For the latter the class's full memory stands in for DBInstanceClassMemory, which RDS reduces by
 * what the OS keeps: a slight upper bound, so the alarm's percentage is a slight under-estimate.
 */
export function rdsMaxConnections(
  parameters: readonly RdsParameter[],
  instanceClass: string,
): number {
  const size = RDS_INSTANCE_CLASSES[instanceClass];
  if (!size) {
    throw new Error(
      `instanceClass ${JSON.stringify(instanceClass)} is not allowed: use one of ${Object.keys(RDS_INSTANCE_CLASSES).join(", ")}`,
    );
  }
  const value = parameters.find((p) => p.name === "max_connections")?.value;
  if (value === undefined) {
    return Math.floor((size.memoryGiB * GIB) / RDS_BYTES_PER_DEFAULT_CONNECTION);
  }
  if (/^\d+$/.test(value) && Number(value) > 0) return Number(value);
  throw new Error(
    `mysql.parameters.max_connections ${JSON.stringify(value)} is not allowed on AWS: use a whole number above 0, because the DbConnectionsHigh alarm divides by it`,
  );
}
