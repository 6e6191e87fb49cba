// The access-log bucket's policy for the ALB: Elastic Load Balancing may put objects under
// `<prefix>/AWSLogs/<account>/` and nothing else, and nobody may use the bucket without TLS.
// Regions opened before December 2021 (Jakarta) deliver logs as a regional ELB account, later
// ones as the log-delivery service principal; the policy grants the one the region uses.
// Pure: no Pulumi resources.
import { PolicyStatement, privateBucketPolicy } from "../storage/private-bucket";

/** The service principal ELB delivers access logs as (every region opened since Jakarta). */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** Regions where ELB delivers as a per-region AWS account (opened before Jakarta, Dec 2021). */
export const LEGACY_ELB_LOG_REGIONS: readonly string[] = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-north-1",
  "me-south-1",
  "sa-east-1",
  "us-gov-west-1",
  "us-gov-east-1",
  "cn-north-1",
  "cn-northwest-1",
];

export interface LogDeliveryPolicySpec {
  /** ARN of the access-log bucket. */
  readonly bucketArn: string;
  /** Key prefix the ALB writes under (its `accessLogs.prefix`). */
  readonly prefix: string;
  /** The account that owns the load balancer. */
  readonly accountId: string;
  /** The region's ELB account ARN, in legacy regions only. */
  readonly legacyElbAccountArn?: string;
}

/** The bucket policy document, as a plain object. */
export function logDeliveryPolicy(spec: LogDeliveryPolicySpec): Record<string, unknown> {
  if (!/^[a-z0-9][a-z0-9/_-]*[a-z0-9]$/.test(spec.prefix) || spec.prefix.includes("AWSLogs")) {
    throw new Error(
      `access log prefix must be lower-case letters, digits, '/', '_' or '-' without "AWSLogs" (got ${JSON.stringify(spec.prefix)})`,
    );
  }
  const logObjects = `${spec.bucketArn}/${spec.prefix}/AWSLogs/${spec.accountId}/*`;
  const writers: PolicyStatement[] = [
    {
      Sid: "ElbLogDelivery",
      Effect: "Allow",
      Principal: { Service: ELB_LOG_DELIVERY_SERVICE },
      Action: "s3:PutObject",
      Resource: logObjects,
    },
  ];
  if (spec.legacyElbAccountArn !== undefined) {
    writers.push({
      Sid: "ElbLogDeliveryLegacyRegion",
      Effect: "Allow",
      Principal: { AWS: spec.legacyElbAccountArn },
      Action: "s3:PutObject",
      Resource: logObjects,
    });
  }
  return privateBucketPolicy(spec.bucketArn, writers);
}
