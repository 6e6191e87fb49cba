// What makes an S3 bucket of ours private, shared by every bucket the program creates (the ALB's
// access logs, the uploaded files): SSE-S3 encryption by default, public access blocked on all
// four switches, ACLs disabled (the bucket owner owns every object), and a bucket policy that
// refuses any request made without TLS, whoever makes it.
import * as pulumi from "@pulumi/pulumi";
import type { Bucket } from "@pulumi/aws/s3/bucket";
import { BucketOwnershipControls } from "@pulumi/aws/s3/bucketOwnershipControls";
import { BucketPolicy } from "@pulumi/aws/s3/bucketPolicy";
import { BucketPublicAccessBlock } from "@pulumi/aws/s3/bucketPublicAccessBlock";
import { BucketServerSideEncryptionConfiguration } from "@pulumi/aws/s3/bucketServerSideEncryptionConfiguration";

/** One statement of an IAM or bucket policy document. */
export type PolicyStatement = Record<string, unknown>;

/** Denies every S3 action on the bucket and its objects to a request that is not TLS. */
function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyWithoutTls",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/**
 * Refuses writes encrypted with a customer-provided key (SSE-C): whoever holds write access could
 * otherwise re-encrypt every object under a key only they know and ask a ransom for it.
 */
export function denyCustomerKeys(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyCustomerProvidedKeys",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: `${bucketArn}/*`,
    Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
  };
}

/** A bucket policy document: the given statements, then the TLS-only deny. */
export function privateBucketPolicy(
  bucketArn: string,
  statements: readonly PolicyStatement[] = [],
): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [...statements, denyInsecureTransport(bucketArn)],
  };
}

/**
 * Makes `bucket` private: its encryption, public access block, ownership controls and policy, as
 * children `<name>-encryption`, `-public-access`, `-ownership` and `-policy` of `parent` (names
 * the buckets had before this helper existed, so their URNs did not change). `policy` is the whole
 * document; build it with `privateBucketPolicy` so the TLS-only deny is always in it.
 */
export function makeBucketPrivate(
  name: string,
  bucket: Bucket,
  policy: pulumi.Input<string>,
  parent: pulumi.Resource,
  /** Keep these settings on the bucket when they leave the program (a bucket that is retained). */
  retainOnDelete = false,
): BucketPolicy {
  const opts = { parent, retainOnDelete };
  new BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      bucket: bucket.id,
      // SSE-S3: the only encryption ALB log delivery supports, and the app writes with plain
      // s3:PutObject (no kms:GenerateDataKey to grant). AWS Backup encrypts its copies with the
      // vault's customer-managed key.
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    },
    opts,
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
    opts,
  );
  new BucketOwnershipControls(
    `${name}-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  return new BucketPolicy(`${name}-policy`, { bucket: bucket.id, policy }, opts);
}
