// `webstack:edge:AppHosts`: the app hosts behind the ALB — an auto-scaling group of Ubuntu
// instances in the private subnets whose cloud-init runs Nginx and the app containers. No key pair
// and no SSH: operators use SSM Session Manager. Secrets are SSM SecureString parameters the hosts
// fetch at boot, never user data. The role may use the uploads bucket, and nothing else in S3.
import * as pulumi from "@pulumi/pulumi";
import { Group } from "@pulumi/aws/autoscaling/group";
import { getAmiOutput } from "@pulumi/aws/ec2/getAmi";
import { LaunchTemplate } from "@pulumi/aws/ec2/launchTemplate";
import { InstanceProfile } from "@pulumi/aws/iam/instanceProfile";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import { Parameter } from "@pulumi/aws/ssm/parameter";
import { serviceRole } from "../aws-service-role";
import {
  BACKEND_SECRETS_DIR,
  BootSpec,
  renderBootEnvironment,
  renderCloudInit,
} from "./cloud-init";
import type { AwsEdgePlacement, EdgeArgs } from "./contract";
import type { NginxSiteSpec } from "./site-spec";
import type { SelfSignedTls } from "./tls";

/** Canonical's AWS account, owner of the official Ubuntu images. */
const CANONICAL_OWNER_ID = "099720109477";

/** Name patterns of Canonical's x86_64 server images per release. */
const UBUNTU_AMI_NAMES: Readonly<Record<"ubuntu-22.04" | "ubuntu-24.04", string>> = {
  "ubuntu-22.04": "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*",
  "ubuntu-24.04": "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
};

/** AWS-managed policies the instance role needs: SSM sessions and the CloudWatch agent. */
const MANAGED_POLICIES = ["AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy"];

/** Cloud-init installs packages and pulls images before the ALB may judge a host. */
const HEALTH_CHECK_GRACE_SECONDS = 600;

/** The AWS edge's args, and what AwsEdge made for the hosts. */
export type AppHostsArgs = EdgeArgs &
  AwsEdgePlacement & {
    /** The hosts register here; its health decides whether a host is replaced. */
    readonly targetGroupArn: pulumi.Input<string>;
    /** The site Nginx serves, and its rendered nginx.conf. */
    readonly siteSpec: NginxSiteSpec;
    readonly nginxConf: string;
    /** The internal certificate Nginx serves. */
    readonly certificate: Pick<SelfSignedTls, "certificatePem" | "privateKeyPem">;
  };

export class AppHosts extends pulumi.ComponentResource {
  readonly autoScalingGroupName: pulumi.Output<string>;
  /** The cloud-init the launch template carries (decoded). */
  readonly cloudInit: pulumi.Output<string>;
  /** The boot script's settings, as the hosts' env file holds them. */
  readonly bootEnvironment: pulumi.Output<string>;

  constructor(name: string, args: AppHostsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:edge:AppHosts", name, {}, opts);
    const { uploadsBucket } = args;
    // The same arg names the bucket to the backend and grants the role on it, so the backend is
    // never told of a bucket it may not use. AWS_REGION is the variable every AWS SDK reads for
    // its region; credentials come from the instance role.
    const plainSettings = {
      ...args.backend?.environment,
      UPLOADS_BUCKET: uploadsBucket.bucketName,
      AWS_REGION: uploadsBucket.region,
    };
    const secrets = Object.entries(args.backend?.secrets ?? {});
    const parent = { parent: this };
    const parameterPrefix = `/${args.namePrefix}/edge`;

    // SecureString parameters (AWS-managed key aws/ssm): only this role may read them.
    const secretParameter = (suffix: string, path: string, value: pulumi.Input<string>) =>
      new Parameter(
        `${name}-${suffix.replace(/\//g, "-")}`,
        {
          name: `${parameterPrefix}/${suffix}`,
          type: "SecureString",
          value: pulumi.secret(value),
          description: `Fetched by the ${args.namePrefix} app hosts at boot into ${path}`,
        },
        parent,
      );
    const parameters = [
      secretParameter("tls-key", args.siteSpec.paths.key, args.certificate.privateKeyPem),
      ...secrets.map(([secret, value]) => {
        const file = secret.toLowerCase();
        return secretParameter(`backend/${file}`, `${BACKEND_SECRETS_DIR}/${file}`, value);
      }),
    ];

    // Every grant the boot script uses; the launch template waits for all of them (below).
    const { role, attachments: bootGrants } = serviceRole(
      `${name}-role`,
      "ec2.amazonaws.com",
      `${args.namePrefix} app hosts: SSM sessions, CloudWatch agent, boot secrets, uploads`,
      Object.fromEntries(MANAGED_POLICIES.map((policy) => [`${name}-${policy}`, policy])),
      this,
    );
    // The aws/ssm key's own policy lets the account's principals decrypt through SSM, so
    // ssm:GetParameter on exactly these parameters is all the role needs. The deny matters
    // because AmazonSSMManagedInstanceCore allows reading every parameter ("*"), and the
    // backend, on the host's network, acts as this role: it must not read other stacks'
    // secrets. (It can still read this stack's own, the TLS key among them: see docs/edge.md.)
    const bootParameterArns = parameters.map((p) => p.arn);
    const bootSecrets = new RolePolicy(
      `${name}-boot-secrets`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "ssm:GetParameter",
              Resource: bootParameterArns,
            },
            {
              Sid: "NoOtherParameters",
              Effect: "Deny",
              // Every SSM action that returns a parameter's value.
              Action: [
                "ssm:GetParameter",
                "ssm:GetParameters",
                "ssm:GetParametersByPath",
                "ssm:GetParameterHistory",
              ],
              NotResource: bootParameterArns,
            },
          ],
        }),
      },
      parent,
    );
    // The backend stores uploaded files here: it may list the bucket, and read, write and delete
    // its objects, and abort a failed multipart upload (else the parts linger until the bucket's
    // lifecycle rule removes them). No s3:*, no bucket administration, no object versions: a
    // compromised host can overwrite or delete the current files, and both are recoverable, from
    // the bucket's old versions and from AWS Backup's daily copy in a vault this role cannot touch.
    const uploadsAccess = new RolePolicy(
      `${name}-uploads`,
      {
        role: role.id,
        policy: pulumi.output(uploadsBucket.bucketArn).apply((bucket) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Sid: "ListUploads", Effect: "Allow", Action: "s3:ListBucket", Resource: bucket },
              {
                Sid: "ReadWriteUploads",
                Effect: "Allow",
                Action: [
                  "s3:GetObject",
                  "s3:PutObject",
                  "s3:DeleteObject",
                  "s3:AbortMultipartUpload",
                ],
                Resource: `${bucket}/*`,
              },
            ],
          }),
        ),
      },
      parent,
    );
    const profile = new InstanceProfile(`${name}-profile`, { role: role.name }, parent);

    const image = getAmiOutput(
      {
        owners: [CANONICAL_OWNER_ID],
        mostRecent: true,
        filters: [
          { name: "name", values: [UBUNTU_AMI_NAMES[args.os]] },
          { name: "architecture", values: ["x86_64"] },
          { name: "virtualization-type", values: ["hvm"] },
          { name: "root-device-type", values: ["ebs"] },
        ],
      },
      parent,
    );

    const boot: BootSpec = {
      site: args.siteSpec,
      images: { frontend: args.frontendImage, backend: args.backendImage },
      tlsKeyParameter: `${parameterPrefix}/tls-key`,
      backendSecretParameters: `${parameterPrefix}/backend`,
      backendSecrets: secrets.map(([secret]) => secret),
    };
    this.bootEnvironment = pulumi.output(renderBootEnvironment(boot));
    this.cloudInit = pulumi
      .all([args.certificate.certificatePem, pulumi.all(plainSettings)])
      .apply(([certificatePem, backendEnvironment]) =>
        renderCloudInit({ ...boot, nginxConf: args.nginxConf, certificatePem, backendEnvironment }),
      );

    const template = new LaunchTemplate(
      `${name}-template`,
      {
        description: `${args.namePrefix} app hosts: Nginx and the app containers`,
        imageId: image.id,
        instanceType: args.instanceType,
        iamInstanceProfile: { arn: profile.arn },
        vpcSecurityGroupIds: [args.appSecurityGroupId],
        // IMDSv2 only; one hop, so the containers (one hop further) cannot reach the role.
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
        },
        monitoring: { enabled: true },
        blockDeviceMappings: [
          {
            deviceName: image.rootDeviceName,
            ebs: {
              volumeSize: args.diskGb,
              volumeType: "gp3",
              encrypted: "true",
              deleteOnTermination: "true",
            },
          },
        ],
        userData: this.cloudInit.apply((text) => Buffer.from(text, "utf8").toString("base64")),
        updateDefaultVersion: true,
      },
      // A new template version rolls the hosts, whose boot script fetches its secrets first under
      // `set -e`: the secrets and every grant of the role (managed policies, the secrets policy,
      // the uploads bucket) must be in place before any host can start from it.
      { parent: this, dependsOn: [...parameters, ...bootGrants, bootSecrets, uploadsAccess] },
    );

    const group = new Group(
      `${name}-asg`,
      {
        minSize: args.hosts,
        desiredCapacity: args.hosts,
        // Room for an instance refresh to start new hosts before it stops old ones.
        maxSize: args.hosts * 2,
        vpcZoneIdentifiers: args.privateSubnetIds,
        launchTemplate: {
          id: template.id,
          version: template.latestVersion.apply(String),
        },
        targetGroupArns: [args.targetGroupArn],
        healthCheckType: "ELB",
        healthCheckGracePeriod: HEALTH_CHECK_GRACE_SECONDS,
        instanceRefresh: {
          strategy: "Rolling",
          preferences: {
            minHealthyPercentage: 100,
            maxHealthyPercentage: 200,
            instanceWarmup: String(HEALTH_CHECK_GRACE_SECONDS),
          },
        },
        metricsGranularity: "1Minute",
        enabledMetrics: [
          "GroupDesiredCapacity",
          "GroupInServiceInstances",
          "GroupPendingInstances",
          "GroupTerminatingInstances",
          "GroupTotalInstances",
        ],
        tags: [{ key: "Name", value: `${args.namePrefix}-app`, propagateAtLaunch: true }],
      },
      parent,
    );

    this.autoScalingGroupName = group.name;
    this.registerOutputs({
      autoScalingGroupName: this.autoScalingGroupName,
      cloudInit: this.cloudInit,
    });
  }
}
