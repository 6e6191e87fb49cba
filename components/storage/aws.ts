// `webstack:storage:UploadsBucket`: the S3 bucket the application keeps uploaded files in on AWS
// (staging, prod) — private as every bucket of ours is (components/storage/private-bucket.ts),
// versioned (AWS Backup backs up only versioned buckets, and versions undo an overwrite or a
// delete between two backups), and kept when the stack is destroyed. The environment builds it
// before the edge, whose app hosts read and write it, and the backups, which select it for the
// files tier (components/backups/aws.ts). On Docker the same files live on a named volume.
import * as pulumi from "@pulumi/pulumi";
import { Bucket } from "@pulumi/aws/s3/bucket";
import { BucketLifecycleConfiguration } from "@pulumi/aws/s3/bucketLifecycleConfiguration";
import { BucketVersioning } from "@pulumi/aws/s3/bucketVersioning";
import { denyCustomerKeys, makeBucketPrivate, privateBucketPolicy } from "./private-bucket";

export interface UploadsBucketArgs {
  /**
   * Days a replaced or deleted file's old version stays in the bucket; AWS Backup keeps its own
   * copies for the files tier's retention regardless. No default (the files tier's retention).
   */
  readonly noncurrentVersionDays: number;
  /** Pulumi `protect` on the bucket (a destroy then fails instead of skipping it). @default false */
  readonly protect?: boolean;
}

/** What the app hosts and the backups need to know of the uploads bucket. */
export class AwsUploadsBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  /** Resolves once versioning is on: AWS Backup refuses an unversioned bucket. */
  readonly bucketArn: pulumi.Output<string>;
  /** The region the bucket lives in, for the app's S3 client. */
  readonly region: pulumi.Output<string>;

  constructor(name: string, args: UploadsBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:storage:UploadsBucket", name, {}, opts);
    const parent = { parent: this };
    // Its settings stay with it: deleting BucketVersioning would suspend versioning, and deleting
    // the privacy resources would lift the public access block and the TLS-only policy on a
    // bucket that outlived the stack.
    const settings = { parent: this, retainOnDelete: true };

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
      settings,
    );
    makeBucketPrivate(
      name,
      bucket,
      bucket.arn.apply((arn) => JSON.stringify(privateBucketPolicy(arn, [denyCustomerKeys(arn)]))),
      this,
      true,
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

    this.bucketName = bucket.bucket;
    this.bucketArn = pulumi.all([bucket.arn, versioning.id]).apply(([arn]) => arn);
    this.region = bucket.region;
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      region: this.region,
    });
  }
}
