// `webstack:edge:AccessLogBucket`: the S3 bucket the ALB writes its access logs to — private as
// every bucket of ours is (components/storage/private-bucket.ts: SSE-S3, the only encryption ALB
// log delivery supports; public access blocked; ACLs disabled; TLS only), objects expiring after
// the tier's retention, and writable by ELB log delivery only under the ALB's prefix.
import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import { getServiceAccountOutput } from "@pulumi/aws/elb/getServiceAccount";
import { Bucket } from "@pulumi/aws/s3/bucket";
import { BucketLifecycleConfiguration } from "@pulumi/aws/s3/bucketLifecycleConfiguration";
import { makeBucketPrivate } from "../storage/private-bucket";
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
    const policy = makeBucketPrivate(
      name,
      bucket,
      pulumi
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
      this,
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
