// The stack outputs: what the application and the delivery workflows read after `pulumi up`.
import * as pulumi from "@pulumi/pulumi";
import type { ValidationRecord } from "../edge/contract";

export interface StackOutputs {
  /** The tier: dev, test, staging or prod. */
  readonly environment: pulumi.Output<string>;
  /** docker or aws. */
  readonly target: pulumi.Output<string>;
  /** https://<first domain> */
  readonly publicUrl: pulumi.Output<string>;
  /** <publicUrl>/api */
  readonly apiUrl: pulumi.Output<string>;
  /** <publicUrl>/healthz, answered by Nginx itself. */
  readonly healthUrl: pulumi.Output<string>;
  /** <publicUrl>/health/ready, answered by the backend (503 when the database is down). */
  readonly readinessUrl: pulumi.Output<string>;
  /** MySQL endpoint for writes (the primary). */
  readonly databaseWriteEndpoint?: pulumi.Output<string>;
  /** MySQL endpoint for reads (a replica; the primary when there is none). */
  readonly databaseReadEndpoint?: pulumi.Output<string>;
  readonly databasePort?: pulumi.Output<number>;
  readonly databaseName?: pulumi.Output<string>;
  readonly databaseUser?: pulumi.Output<string>;
  /** Secret. */
  readonly databasePassword?: pulumi.Output<string>;
  /** Redis primary endpoint, or the configuration endpoint in cluster mode. */
  readonly redisEndpoint?: pulumi.Output<string>;
  readonly redisPort?: pulumi.Output<number>;
  /** Whether Redis clients must use TLS. */
  readonly redisTls?: pulumi.Output<boolean>;
  /** Secret. */
  readonly redisAuthToken?: pulumi.Output<string>;
  /** When the certificate Nginx serves expires (RFC 3339): self-signed on Docker, internal on AWS. */
  readonly certificateNotAfter?: pulumi.Output<string>;
  /** AWS: the ACM certificate at the load balancer (its expiry is CloudWatch's DaysToExpiry). */
  readonly certificateArn?: pulumi.Output<string>;
  /** AWS: the CNAME records ACM needs, to create by hand when Route 53 is not configured. */
  readonly certificateValidationRecords?: pulumi.Output<ValidationRecord[]>;
  /** AWS: point the domains here (CNAME, or an alias record). */
  readonly loadBalancerDnsName?: pulumi.Output<string>;
  /** Where each severity's alarms go: SNS topic ARNs (AWS) or Alertmanager receivers (Docker). */
  readonly alarmDestinations?: pulumi.Output<Record<"warning" | "critical", string>>;
  /** Where backups are kept: the AWS Backup vault name, or the Docker backup volume name. */
  readonly backupDestination?: pulumi.Output<string>;
  /** AWS: the role a restore job from the vault runs as (`aws backup start-restore-job`). */
  readonly backupRoleArn?: pulumi.Output<string>;
  /** AWS: the S3 bucket uploaded files belong in (versioned, backed up at the files tier). */
  readonly uploadsBucketName?: pulumi.Output<string>;
}

/** The public URLs as plain strings, for parts that need them before any output exists. */
export function publicUrls(domains: readonly string[]): {
  publicUrl: string;
  apiUrl: string;
  healthUrl: string;
  readinessUrl: string;
} {
  const publicUrl = `https://${domains[0]}`;
  return {
    publicUrl,
    apiUrl: `${publicUrl}/api`,
    healthUrl: `${publicUrl}/healthz`,
    readinessUrl: `${publicUrl}/health/ready`,
  };
}

/** URLs follow from the canonical domain; Nginx serves them once the edge exists. */
export function urlOutputs(
  domains: readonly string[],
): Pick<StackOutputs, "publicUrl" | "apiUrl" | "healthUrl" | "readinessUrl"> {
  const urls = publicUrls(domains);
  return {
    publicUrl: pulumi.output(urls.publicUrl),
    apiUrl: pulumi.output(urls.apiUrl),
    healthUrl: pulumi.output(urls.healthUrl),
    readinessUrl: pulumi.output(urls.readinessUrl),
  };
}
