// What the app hosts' role may do with the uploads bucket, as a plain policy document: list the
// bucket, and read, write and delete its objects — nothing else, on nothing else. No s3:* and no
// bucket-level administration (policy, versioning, lifecycle, ACLs, deleting the bucket or an
// object version): a compromised host can overwrite or delete the current files, and both are
// recoverable, because the bucket keeps old versions and AWS Backup copies it daily into a vault
// this role cannot touch. Pure: no Pulumi import.

/**
 * Object actions the backend needs for uploads; version-specific actions are left out on purpose.
 * AbortMultipartUpload: the SDKs' multipart upload aborts a failed upload, which is its own
 * permission (without it the parts linger until the bucket's lifecycle rule removes them).
 */
export const UPLOADS_OBJECT_ACTIONS = [
  "s3:GetObject",
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:AbortMultipartUpload",
] as const;

/** The inline policy document for the app hosts' role, on the bucket `bucketArn` only. */
export function uploadsAccessPolicy(bucketArn: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListUploads",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: bucketArn,
      },
      {
        Sid: "ReadWriteUploads",
        Effect: "Allow",
        Action: [...UPLOADS_OBJECT_ACTIONS],
        Resource: `${bucketArn}/*`,
      },
    ],
  };
}
