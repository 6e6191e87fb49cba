// Puts the environment/project/owner/stack tags on every AWS resource that takes tags and the same
// labels on every Docker container, network and volume, through one stack transformation, so no
// component can forget them. Policies read a resource's tier from its `environment` tag/label.
import * as pulumi from "@pulumi/pulumi";

/** AWS resource types that accept a `tags` map. */
export const AWS_TAGGABLE_TYPES: ReadonlySet<string> = new Set([
  "aws:acm/certificate:Certificate",
  "aws:autoscaling/group:Group", // tags itself with its own list form; see TAG_LIST_TYPES
  "aws:backup/plan:Plan",
  "aws:backup/restoreTestingPlan:RestoreTestingPlan",
  "aws:backup/vault:Vault",
  "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
  "aws:cloudwatch/eventRule:EventRule",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "aws:ec2/eip:Eip",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/vpc:Vpc",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  "aws:ec2/flowLog:FlowLog",
  "aws:elasticache/parameterGroup:ParameterGroup",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:elasticache/subnetGroup:SubnetGroup",
  "aws:iam/instanceProfile:InstanceProfile",
  "aws:iam/policy:Policy",
  "aws:iam/role:Role",
  "aws:kms/key:Key",
  "aws:lb/listener:Listener",
  "aws:lb/listenerRule:ListenerRule",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/targetGroup:TargetGroup",
  "aws:rds/instance:Instance",
  "aws:rds/parameterGroup:ParameterGroup",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:route53/healthCheck:HealthCheck",
  "aws:s3/bucketV2:BucketV2",
  "aws:s3/bucket:Bucket",
  "aws:sns/topic:Topic",
  "aws:ssm/parameter:Parameter",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
]);

/** Types whose `tags` is a list of {key, value, propagateAtLaunch} instead of a map. */
const TAG_LIST_TYPES: ReadonlySet<string> = new Set(["aws:autoscaling/group:Group"]);

/** Docker resource types that accept `labels` ([{label, value}]). */
export const DOCKER_LABELLED_TYPES: ReadonlySet<string> = new Set([
  "docker:index/container:Container",
  "docker:index/network:Network",
  "docker:index/volume:Volume",
]);

type Props = Record<string, unknown>;
interface DockerLabel {
  label: string;
  value: string;
}

/** Merges `add` under the existing value, which a component may have passed as an Output. */
function merged<T>(existing: unknown, add: (plain: T | undefined) => T): pulumi.Input<T> {
  return pulumi.Output.isInstance(existing)
    ? (existing as pulumi.Output<T | undefined>).apply(add)
    : add(existing as T | undefined);
}

/** Adds `tags` to one resource's props; a component's own tag of the same key wins. */
export function withTags(
  type: string,
  props: Props,
  tags: Readonly<Record<string, string>>,
): Props {
  if (TAG_LIST_TYPES.has(type)) {
    type TagEntry = { key: string; value: unknown; propagateAtLaunch: boolean };
    return {
      ...props,
      tags: merged<TagEntry[]>(props.tags, (existing = []) => {
        const keys = new Set(existing.map((t) => t.key));
        const added = Object.entries(tags)
          .filter(([key]) => !keys.has(key))
          .map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
        return [...existing, ...added];
      }),
    };
  }
  if (AWS_TAGGABLE_TYPES.has(type)) {
    return {
      ...props,
      tags: merged<Props>(props.tags, (existing = {}) => ({ ...tags, ...existing })),
    };
  }
  if (DOCKER_LABELLED_TYPES.has(type)) {
    return {
      ...props,
      labels: merged<DockerLabel[]>(props.labels, (existing = []) => {
        const keys = new Set(existing.map((l) => l.label));
        const added = Object.entries(tags)
          .filter(([label]) => !keys.has(label))
          .map(([label, value]) => ({ label, value }));
        return [...existing, ...added];
      }),
    };
  }
  return props;
}

/**
 * Registers the transformation for every resource the stack creates from here on. It is the
 * SDK-side stack transformation: it runs in this process before a resource is registered, so the
 * engine, the policy pack and the mock runtime all see the tags on the resource's inputs.
 */
export function registerTagging(tags: Readonly<Record<string, string>>): void {
  pulumi.runtime.registerStackTransformation((args) => {
    const props = withTags(args.type, args.props as Props, tags);
    return props === args.props ? undefined : { props, opts: args.opts };
  });
}
