// `webstack:edge:AccessLogBucket`: the S3 bucket the ALB writes its access logs to — encrypted
// with S3-managed keys (the only encryption ALB log delivery supports), public access blocked,
// ACLs disabled, objects expiring after the tier's retention, writable by ELB log delivery only
// under the ALB's prefix, and unusable without TLS.
import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import { getServiceAccountOutput } from "@pulumi/aws/elb/getServiceAccount";
import { Bucket } from "@pulumi/aws/s3/bucket";
import { BucketLifecycleConfiguration } from "@pulumi/aws/s3/bucketLifecycleConfiguration";
import { BucketOwnershipControls } from "@pulumi/aws/s3/bucketOwnershipControls";
import { BucketPolicy } from "@pulumi/aws/s3/bucketPolicy";
import { BucketPublicAccessBlock } from "@pulumi/aws/s3/bucketPublicAccessBlock";
import { BucketServerSideEncryptionConfiguration } from "@pulumi/aws/s3/bucketServerSideEncryptionConfiguration";
import { LEGACY_ELB_LOG_REGIONS, logDeliveryPolicy } from "./elb-log-delivery";

export interface AccessLogBucketArgs {
  /** Key prefix the load balancer writes under. @default "alb" */
  readonly prefix?: string;
  /** Days an access log is kept. No default (the tier's log retention). */
  readonly retentionDays: number;
  /** Keep the bucket (refuse to delete it while it holds logs). @default false */
  readonly protect?: boolean;
}

export class AccessLogBucket extends pulumi.ComponentResource {
  /** Bucket name, for the load balancer's `accessLogs.bucket`. */
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** The prefix the policy lets ELB write under. */
  readonly prefix: string;

  constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:edge:AccessLogBucket", name, {}, opts);
    if (!Number.isInteger(args.retentionDays) || args.retentionDays < 1) {
      throw new Error(
        `${name}: retentionDays must be a whole number of days, at least 1 (got ${args.retentionDays})`,
      );
    }
    const prefix = args.prefix ?? "alb";
    const parent = { parent: this };

    const bucket = new Bucket(
      `${name}`,
      // Logs of a stack that is torn down go with it, unless the tier protects its data.
      { forceDestroy: !args.protect },
      { parent: this, protect: args.protect === true },
    );
    new BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      parent,
    );
    new BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    new BucketLifecycleConfiguration(
      `${name}-expiry`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: { prefix: `${prefix}/` },
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
    const policy = new BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucket.id,
        policy: pulumi
          .all([bucket.arn, accountId, legacyElbAccountArn])
          .apply(([bucketArn, account, legacy]) =>
            JSON.stringify(
              logDeliveryPolicy({
                bucketArn,
                prefix,
                accountId: account,
                legacyElbAccountArn: legacy,
              }),
            ),
          ),
      },
      parent,
    );

    this.bucketName = pulumi
      .all([bucket.bucket, policy.id])
      // The load balancer checks it may write when logging is enabled: name the bucket only
      // once the policy exists.
      .apply(([bucketName]) => bucketName);
    this.bucketArn = bucket.arn;
    this.prefix = prefix;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
