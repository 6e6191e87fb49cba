// `webstack:edge:AccessLogBucket`: the S3 bucket of the ALB's access logs — private as all ours
// (components/storage/private-bucket.ts; SSE-S3 is the only encryption ALB log delivery supports),
// objects expiring after the tier's retention, writable by Elastic Load Balancing only under
// `<prefix>/AWSLogs/<account>/`, as the principal the region delivers as.
import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import { getServiceAccountOutput } from "@pulumi/aws/elb/getServiceAccount";
import { Bucket } from "@pulumi/aws/s3/bucket";
import { BucketLifecycleConfiguration } from "@pulumi/aws/s3/bucketLifecycleConfiguration";
import { makeBucketPrivate, PolicyStatement, privateBucketPolicy } from "../storage/private-bucket";

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

/** Key prefix the load balancer writes under. */
export const ACCESS_LOG_PREFIX = "alb";

/** The bucket policy document: ELB may put log objects of this account, nothing else. */
export function logDeliveryPolicy(
  bucketArn: string,
  accountId: string,
  legacyElbAccountArn?: string,
): Record<string, unknown> {
  const writer = (Sid: string, Principal: unknown): PolicyStatement => ({
    Sid,
    Effect: "Allow",
    Principal,
    Action: "s3:PutObject",
    Resource: `${bucketArn}/${ACCESS_LOG_PREFIX}/AWSLogs/${accountId}/*`,
  });
  return privateBucketPolicy(bucketArn, [
    writer("ElbLogDelivery", { Service: ELB_LOG_DELIVERY_SERVICE }),
    ...(legacyElbAccountArn !== undefined
      ? [writer("ElbLogDeliveryLegacyRegion", { AWS: legacyElbAccountArn })]
      : []),
  ]);
}

export class AccessLogBucket extends pulumi.ComponentResource {
  /** Bucket name, for the load balancer's `accessLogs.bucket`. */
  readonly bucketName: pulumi.Output<string>;

  /** Logs are kept `retentionDays` (the tier's); `protect` keeps the bucket while it holds some. */
  constructor(
    name: string,
    args: { readonly retentionDays: number; readonly protect: boolean },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("webstack:edge:AccessLogBucket", name, {}, opts);
    const parent = { parent: this };

    const bucket = new Bucket(
      `${name}`,
      // Logs of a stack that is torn down go with it, unless the tier protects its data.
      { forceDestroy: !args.protect },
      { parent: this, protect: args.protect },
    );
    new BucketLifecycleConfiguration(
      `${name}-expiry`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: { prefix: `${ACCESS_LOG_PREFIX}/` },
            expiration: { days: args.retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      parent,
    );

    const region = getRegionOutput({}, parent).region;
    const legacyElbAccountArn = region.apply((r) =>
      LEGACY_ELB_LOG_REGIONS.includes(r) ? getServiceAccountOutput({}, parent).arn : undefined,
    );
    const accountId = getCallerIdentityOutput({}, parent).accountId;
    const policy = makeBucketPrivate(
      name,
      bucket,
      pulumi
        .all([bucket.arn, accountId, legacyElbAccountArn])
        .apply(([bucketArn, account, legacy]) =>
          JSON.stringify(logDeliveryPolicy(bucketArn, account, legacy)),
        ),
      this,
    );

    this.bucketName = pulumi
      .all([bucket.bucket, policy.id])
      // The load balancer checks it may write when logging is enabled: name the bucket only
      // once the policy exists.
      .apply(([bucketName]) => bucketName);
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
