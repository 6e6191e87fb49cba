// AWS identifiers the program builds from the name prefix `<project>-<stack>`, with AWS's rules
// for them, so config refuses a project or stack name that would break one before anything is
// registered, and the policy pack can judge what ships by the same limits.
//
// The rules, from the API references: CreateDBInstance's DBInstanceIdentifier "must contain from
// 1 to 63 letters, numbers, or hyphens; first character must be a letter; can't end with a hyphen
// or contain two consecutive hyphens" (stored as a lowercase string); CreateReplicationGroup's
// ReplicationGroupId the same with "from 1 to 40 alphanumeric characters or hyphens". We ask for
// lower case outright: AWS would store an upper-case name lowered, and the next diff would differ.

/** Lower-case letters, digits and single hyphens, starting with a letter, not ending in a hyphen. */
export const AWS_IDENTIFIER = /^[a-z](?:-?[a-z0-9])*$/;

export const AWS_IDENTIFIER_RULE =
  "lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen";

export interface IdentifierLimit {
  readonly what: string;
  readonly maxLength: number;
  /** The longest suffix the program puts after the prefix (components/mysql/aws.ts, redis/aws.ts). */
  readonly longestSuffix: string;
}

export const AWS_IDENTIFIER_LIMITS: readonly IdentifierLimit[] = [
  // `-mysql-primary`, `-mysql-replica-<n>` with at most 5 replicas.
  { what: "RDS DB instance identifier", maxLength: 63, longestSuffix: "-mysql-replica-5" },
  { what: "ElastiCache replication group id", maxLength: 40, longestSuffix: "-redis" },
];
