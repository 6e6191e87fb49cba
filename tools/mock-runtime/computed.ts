// What the mock provider answers for values only a real provider knows (ids, ARNs, endpoints,
// data sources). Every such value is a recognisable placeholder naming the resource and
// attribute, never a plausible fake: "<computed:aws:rds/instance:Instance::prod-mysql-primary.address>".

/** Attributes a real provider computes, per resource type, that our program reads. */
const ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
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

/**
 * Provider functions (data sources) the program calls, with the attributes of their result; "[]"
 * marks a list (of six, as many zones as any region has). An unknown token throws: a program that
 * starts calling something new must say here what the offline answer is.
 */
const FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": ["names[]", "zoneIds[]"],
  "aws:index/getCallerIdentity:getCallerIdentity": ["accountId", "arn", "userId"],
  "aws:index/getPartition:getPartition": ["partition", "dnsSuffix"],
  "aws:index/getRegion:getRegion": ["name", "region"],
  "aws:ec2/getAmi:getAmi": ["id", "imageId", "name", "rootDeviceName"],
  "aws:elb/getServiceAccount:getServiceAccount": ["id", "arn"],
};

export function placeholder(type: string, name: string, attribute: string): string {
  return `<computed:${type}::${name}.${attribute}>`;
}

/** The provider-computed state of one resource, as placeholders. */
export function computedState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const state: Record<string, unknown> = Object.fromEntries(
    (ATTRIBUTES[type] ?? []).map((attribute) => [attribute, placeholder(type, name, attribute)]),
  );
  if (type === "aws:acm/certificate:Certificate") {
    // One DNS validation option per name on the certificate; ACM always validates by CNAME.
    const names = [inputs.domainName, ...((inputs.subjectAlternativeNames as unknown[]) ?? [])];
    const domains = new Set(names.filter((d): d is string => typeof d === "string"));
    state.domainValidationOptions = [...domains].map((domain) => ({
      domainName: domain,
      resourceRecordName: placeholder(type, name, `domainValidationOptions[${domain}].name`),
      resourceRecordType: "CNAME",
      resourceRecordValue: placeholder(type, name, `domainValidationOptions[${domain}].value`),
    }));
  }
  return state;
}

/** The result of provider function `token`, as placeholders. */
export function functionResult(token: string): Record<string, unknown> {
  const attributes = FUNCTIONS[token];
  if (!attributes) {
    throw new Error(
      `the mock runtime has no answer for ${token}; add one to tools/mock-runtime/computed.ts`,
    );
  }
  const value = (attribute: string) => `<computed:${token.replace(/:[^:]*$/, "")}.${attribute}>`;
  return Object.fromEntries(
    attributes.map((attribute) => {
      const list = attribute.replace(/\[\]$/, "");
      if (list === attribute) return [attribute, value(attribute)];
      return [list, Array.from({ length: 6 }, (_, i) => value(`${list}[${i}]`))];
    }),
  );
}
