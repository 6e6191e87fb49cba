// What the mock "provider" answers for attributes only a real provider knows (ids, ARNs,
// endpoints). Every such value is a recognisable placeholder naming the resource and attribute,
// never a plausible fake: "<computed:aws:rds/instance:Instance::prod-mysql-primary.address>".

/** Attributes a real provider computes, per resource type, that our program reads. */
export const COMPUTED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  "aws:ec2/vpc:Vpc": ["arn", "defaultSecurityGroupId"],
  "aws:ec2/subnet:Subnet": ["arn"],
  "aws:ec2/securityGroup:SecurityGroup": ["arn"],
  "aws:ec2/eip:Eip": ["publicIp", "allocationId"],
  "aws:ec2/natGateway:NatGateway": ["publicIp"],
  "aws:rds/instance:Instance": ["arn", "address", "endpoint", "resourceId", "hostedZoneId"],
  // Auto-named resources: the provider picks the physical name.
  "aws:rds/parameterGroup:ParameterGroup": ["arn", "name"],
  "aws:rds/subnetGroup:SubnetGroup": ["arn", "name"],
  "aws:elasticache/parameterGroup:ParameterGroup": ["arn", "name"],
  "aws:elasticache/subnetGroup:SubnetGroup": ["arn", "name"],
  "aws:elasticache/replicationGroup:ReplicationGroup": [
    "arn",
    "primaryEndpointAddress",
    "readerEndpointAddress",
    "configurationEndpointAddress",
  ],
  "aws:lb/loadBalancer:LoadBalancer": ["arn", "arnSuffix", "dnsName", "zoneId"],
  "aws:lb/targetGroup:TargetGroup": ["arn", "arnSuffix"],
  "aws:lb/listener:Listener": ["arn"],
  "aws:acm/certificate:Certificate": ["arn", "notAfter"],
  "aws:sns/topic:Topic": ["arn"],
  "aws:kms/key:Key": ["arn", "keyId"],
  "aws:iam/role:Role": ["arn", "name"],
  "aws:iam/instanceProfile:InstanceProfile": ["arn", "name"],
  "aws:backup/vault:Vault": ["arn"],
  "aws:backup/plan:Plan": ["arn", "version"],
  "aws:backup/restoreTestingPlan:RestoreTestingPlan": ["arn"],
  "aws:cloudwatch/metricAlarm:MetricAlarm": ["arn"],
  "aws:cloudwatch/eventRule:EventRule": ["arn"],
  "aws:route53/healthCheck:HealthCheck": ["arn"],
  "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": ["chatConfigurationArn"],
  "aws:s3/bucketV2:BucketV2": ["arn", "bucketRegionalDomainName"],
  "aws:s3/bucket:Bucket": ["arn", "bucket", "bucketRegionalDomainName", "region"],
  "aws:ssm/parameter:Parameter": ["arn"],
  "aws:route53/record:Record": ["fqdn"],
  "aws:ec2/launchTemplate:LaunchTemplate": ["arn", "latestVersion"],
  "aws:autoscaling/group:Group": ["arn", "name"],
  "aws:cloudwatch/logGroup:LogGroup": ["arn"],
  "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
  "random:index/randomId:RandomId": ["hex", "b64Url", "b64Std", "dec"],
  "tls:index/privateKey:PrivateKey": ["privateKeyPem", "publicKeyPem"],
  "tls:index/selfSignedCert:SelfSignedCert": ["certPem", "validityEndTime", "validityStartTime"],
  "tls:index/locallySignedCert:LocallySignedCert": [
    "certPem",
    "validityEndTime",
    "validityStartTime",
  ],
  "tls:index/certRequest:CertRequest": ["certRequestPem"],
  "docker:index/remoteImage:RemoteImage": ["imageId", "repoDigest"],
  "docker:index/image:Image": ["repoDigest", "baseImageName", "registryServer"],
};

export function placeholder(type: string, name: string, attribute: string): string {
  return `<computed:${type}::${name}.${attribute}>`;
}

type Inputs = Record<string, unknown>;

/**
 * Computed attributes that are lists of objects, shaped by the resource's inputs the way the
 * provider shapes them; every provider-chosen value in them is still a placeholder.
 */
const COMPUTED_STRUCTURES: Readonly<
  Record<string, (type: string, name: string, inputs: Inputs) => Record<string, unknown>>
> = {
  // One DNS validation option per name on the certificate; ACM always validates by CNAME.
  "aws:acm/certificate:Certificate": (type, name, inputs) => {
    const domains = [
      inputs.domainName,
      ...((inputs.subjectAlternativeNames as unknown[] | undefined) ?? []),
    ].filter((d): d is string => typeof d === "string");
    return {
      domainValidationOptions: [...new Set(domains)].map((domain) => ({
        domainName: domain,
        resourceRecordName: placeholder(type, name, `domainValidationOptions[${domain}].name`),
        resourceRecordType: "CNAME",
        resourceRecordValue: placeholder(type, name, `domainValidationOptions[${domain}].value`),
      })),
    };
  },
};

/** The provider-computed state of one resource, as placeholders. */
export function computedState(
  type: string,
  name: string,
  inputs: Inputs = {},
): Record<string, unknown> {
  const state: Record<string, unknown> = {};
  for (const attribute of COMPUTED_ATTRIBUTES[type] ?? []) {
    state[attribute] = placeholder(type, name, attribute);
  }
  return { ...state, ...(COMPUTED_STRUCTURES[type]?.(type, name, inputs) ?? {}) };
}
