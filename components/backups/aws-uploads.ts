// `webstack:ops:UploadsStore`: the S3 bucket the application keeps uploaded files in on AWS —
// versioned (AWS Backup backs up only versioned buckets, and versions undo an overwrite between
// two backups), encrypted, public access blocked, ACLs disabled, TLS-only, and kept when the
// stack is destroyed. Its backups are the files tier of AWS Backup (components/backups/aws.ts).
import * as pulumi from "@pulumi/pulumi";
import { Bucket } from "@pulumi/aws/s3/bucket";
import { BucketLifecycleConfiguration } from "@pulumi/aws/s3/bucketLifecycleConfiguration";
import { BucketOwnershipControls } from "@pulumi/aws/s3/bucketOwnershipControls";
import { BucketPolicy } from "@pulumi/aws/s3/bucketPolicy";
import { BucketPublicAccessBlock } from "@pulumi/aws/s3/bucketPublicAccessBlock";
import { BucketServerSideEncryptionConfiguration } from "@pulumi/aws/s3/bucketServerSideEncryptionConfiguration";
import { BucketVersioning } from "@pulumi/aws/s3/bucketVersioning";

export interface UploadsStoreArgs {
  /**
   * Days a replaced or deleted file's old version stays in the bucket; AWS Backup keeps its own
   * copies for the files tier's retention regardless. No default (the files tier's retention).
   */
  readonly noncurrentVersionDays: number;
  /** Pulumi `protect` on the bucket (a destroy then fails instead of skipping it). @default false */
  readonly protect?: boolean;
}

/** Refuses a request that is not TLS, whoever makes it. */
export function tlsOnlyPolicy(bucketArn: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

export class AwsUploadsStore extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  /** Resolves once versioning is on: AWS Backup refuses an unversioned bucket. */
  readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: UploadsStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:ops:UploadsStore", name, {}, opts);
    if (!Number.isInteger(args.noncurrentVersionDays) || args.noncurrentVersionDays < 1) {
      throw new Error(
        `${name}: noncurrentVersionDays must be a whole number of days, at least 1 (got ${args.noncurrentVersionDays})`,
      );
    }
    const parent = { parent: this };

    // Uploaded files are data: the bucket outlives `pulumi destroy` (retainOnDelete) and is
    // never emptied by the provider (forceDestroy off).
    const bucket = new Bucket(
      `${name}-bucket`,
      { forceDestroy: false },
      { parent: this, retainOnDelete: true, protect: args.protect === true },
    );
    const versioning = new BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      parent,
    );
    new BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        // SSE-S3 lets the app write with plain s3:PutObject; AWS Backup encrypts its copies with
        // the vault's customer-managed key.
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
      `${name}-versions`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-old-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      // Versioning must be on before a noncurrent-version rule means anything.
      pulumi.mergeOptions(parent, { dependsOn: [versioning] }),
    );
    new BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucket.id,
        policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyPolicy(arn))),
      },
      parent,
    );

    this.bucketName = bucket.bucket;
    this.bucketArn = pulumi.all([bucket.arn, versioning.id]).apply(([arn]) => arn);
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
