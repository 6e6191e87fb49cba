// What `max_connections` an RDS instance runs with, as a number: the DbConnectionsHigh alarm
// divides the DatabaseConnections metric by it, and CloudWatch has no metric for the setting.
import { RDS_INSTANCE_CLASSES } from "../catalog/instance-sizes";
import { GIB, type RdsParameter } from "./my-cnf";

/** The formula RDS for MySQL uses by default: one connection per 12 MiB of instance memory. */
const MEMORY_FORMULA = /^\{DBInstanceClassMemory\/(\d+)\}$/;

/**
 * `max_connections` from the parameter group entries, or what the instance class implies when the
 * entry is RDS's `{DBInstanceClassMemory/<n>}` formula (or absent, RDS's own default). The class's
 * full memory stands in for DBInstanceClassMemory, which RDS reduces by what the OS keeps: the
 * figure is a slight upper bound, so the percentage the alarm sees is a slight under-estimate.
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
  const value =
    parameters.find((p) => p.name === "max_connections")?.value ??
    "{DBInstanceClassMemory/12582880}";
  if (/^\d+$/.test(value) && Number(value) > 0) return Number(value);
  const formula = MEMORY_FORMULA.exec(value);
  if (formula && Number(formula[1]) > 0) {
    return Math.max(1, Math.floor((size.memoryGiB * GIB) / Number(formula[1])));
  }
  throw new Error(
    `mysql.parameters.max_connections ${JSON.stringify(value)} is not allowed on AWS: use a whole number above 0 or {DBInstanceClassMemory/<n>}, because the DbConnectionsHigh alarm divides by it`,
  );
}
