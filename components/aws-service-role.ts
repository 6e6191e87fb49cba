// An IAM role that one AWS service assumes, with AWS-managed policies attached: what AWS Backup,
// RDS enhanced monitoring and the app hosts' EC2 instances each need. Policies are named by their
// path under `arn:<partition>:iam::aws:policy/`, so the role works in every AWS partition.
import * as pulumi from "@pulumi/pulumi";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicyAttachment } from "@pulumi/aws/iam/rolePolicyAttachment";

export interface ServiceRole {
  readonly role: Role;
  readonly attachments: readonly RolePolicyAttachment[];
  /**
   * The role's ARN, resolved once every managed policy is attached: whatever is given it (a
   * backup selection, a database instance) never starts work the role may not do yet.
   */
  readonly arnWhenAttached: pulumi.Output<string>;
}

/** `policies`: child name of each attachment → the managed policy's path, in that order. */
export function serviceRole(
  name: string,
  service: string,
  description: string,
  policies: Readonly<Record<string, string>>,
  parent: pulumi.Resource,
): ServiceRole {
  const role = new Role(
    name,
    {
      description,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
      }),
    },
    { parent },
  );
  const partition = getPartitionOutput({}, { parent }).partition;
  const attachments = Object.entries(policies).map(
    ([attachment, policy]) =>
      new RolePolicyAttachment(
        attachment,
        {
          role: role.name,
          policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`,
        },
        { parent },
      ),
  );
  const arnWhenAttached = pulumi
    .all([role.arn, ...attachments.map((a) => a.id)])
    .apply(([arn]) => arn);
  return { role, attachments, arnWhenAttached };
}
