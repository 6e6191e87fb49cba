// Program level: the real program for each stack under the mock runtime registers the network
// we promise — and the security rules admit exactly the flows docs/requirements.md §8 allows.
import { ConfigError } from "../../components/config";
import { AWS_TAGGABLE_TYPES, DOCKER_LABELLED_TYPES } from "../../components/tagging";
import { WebstackMocks } from "../../tools/mock-runtime/mocks";
import { runStack, StackRun } from "../../tools/mock-runtime/run-stack";
import { idOf, inputsOf, ofType, stackConfig, synth, withSection } from "../support/program";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

/**
 * AWS resource types that take no tags (associations, attachments, policies, records): a new type
 * the program registers must be put here or in AWS_TAGGABLE_TYPES, so none goes untagged unseen.
 */
const AWS_UNTAGGABLE_TYPES: ReadonlySet<string> = new Set([
  "aws:acm/certificateValidation:CertificateValidation",
  "aws:backup/restoreTestingSelection:RestoreTestingSelection",
  "aws:backup/selection:Selection",
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  "aws:cloudwatch/eventTarget:EventTarget",
  "aws:ec2/route:Route",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:kms/alias:Alias",
  "aws:route53/record:Record",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketVersioningV2:BucketVersioningV2",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:sns/topicSubscription:TopicSubscription",
]);

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of ["dev", "test", "staging", "prod"]) runs[stack] = await synth(stack);
});

/** "what → port ← from" for every rule, with groups by tier name ("lb", "app", "db", "cache"). */
function flows(run: StackRun, type: string): string[] {
  const tierOf = new Map(
    ofType(run, SG).map((sg) => [idOf(sg), sg.name.replace(/^.*-network-(\w+)-sg$/, "$1")]),
  );
  return ofType(run, type)
    .map((rule) => {
      const i = inputsOf(rule);
      const peer = (i.cidrIpv4 ??
        i.cidrIpv6 ??
        tierOf.get(i.referencedSecurityGroupId as string)) as string;
      const range = i.fromPort === i.toPort ? `${i.fromPort}` : `${i.fromPort}-${i.toPort}`;
      return `${tierOf.get(i.securityGroupId as string)} ${i.ipProtocol}/${range} ${peer}`;
    })
    .sort();
}

describe.each(["staging", "prod"])("%s AWS network", (stack) => {
  const azs = stack === "prod" ? 3 : 2;

  test(`one VPC across ${azs} AZs with a public and a private subnet in each`, () => {
    const run = runs[stack];
    const vpcs = ofType(run, "aws:ec2/vpc:Vpc");
    expect(vpcs).toHaveLength(1);
    expect(inputsOf(vpcs[0]).cidrBlock).toBe(stack === "prod" ? "10.40.0.0/16" : "10.30.0.0/16");
    const subnets = ofType(run, "aws:ec2/subnet:Subnet").map(inputsOf);
    expect(subnets).toHaveLength(2 * azs);
    expect(subnets.every((s) => s.vpcId === idOf(vpcs[0]) && s.mapPublicIpOnLaunch === false)).toBe(
      true,
    );
    const zones = new Set(subnets.map((s) => s.availabilityZone));
    expect(zones.size).toBe(azs);
  });

  test("private subnets route out through NAT, public ones through the internet gateway", () => {
    const run = runs[stack];
    const nats = ofType(run, "aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(stack === "prod" ? 3 : 1);
    const routes = ofType(run, "aws:ec2/route:Route").map(inputsOf);
    const viaNat = routes.filter((r) => r.natGatewayId !== undefined);
    const viaIgw = routes.filter((r) => r.gatewayId !== undefined);
    expect(viaNat).toHaveLength(azs);
    expect(viaIgw).toHaveLength(1);
    expect(new Set(viaNat.map((r) => r.natGatewayId)).size).toBe(nats.length);
    const publicSubnetIds = ofType(run, "aws:ec2/subnet:Subnet")
      .filter((subnet) => inputsOf(subnet).tags && String(subnet.name).includes("-public-"))
      .map(idOf);
    for (const nat of nats) expect(publicSubnetIds).toContain(inputsOf(nat).subnetId);
  });

  test("the network component registers exactly these resources", () => {
    const counts: Record<string, number> = {};
    for (const r of runs[stack].resources.filter((r) => r.parent === `${stack}-network`)) {
      counts[r.type] = (counts[r.type] ?? 0) + 1;
    }
    const nats = stack === "prod" ? 3 : 1;
    expect(counts).toEqual({
      "aws:ec2/vpc:Vpc": 1,
      "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
      "aws:ec2/internetGateway:InternetGateway": 1,
      "aws:ec2/subnet:Subnet": 2 * azs,
      "aws:ec2/routeTable:RouteTable": 1 + azs,
      "aws:ec2/route:Route": 1 + azs,
      "aws:ec2/routeTableAssociation:RouteTableAssociation": 2 * azs,
      "aws:ec2/eip:Eip": nats,
      "aws:ec2/natGateway:NatGateway": nats,
      [ENDPOINT]: 1,
      [SG]: 4,
      [INGRESS]: 5,
      [EGRESS]: 5,
    });
  });

  test("S3 bypasses NAT: a gateway endpoint on exactly the private subnets' route tables", () => {
    const run = runs[stack];
    const privateSubnetIds = new Set(
      ofType(run, "aws:ec2/subnet:Subnet")
        .filter((subnet) => (inputsOf(subnet).tags as Record<string, string>).tier === "private")
        .map(idOf),
    );
    const privateTables = ofType(run, "aws:ec2/routeTableAssociation:RouteTableAssociation")
      .map(inputsOf)
      .filter((a) => privateSubnetIds.has(a.subnetId as string))
      .map((a) => a.routeTableId as string);
    const [publicTable] = ofType(run, "aws:ec2/route:Route")
      .map(inputsOf)
      .filter((r) => r.gatewayId !== undefined)
      .map((r) => r.routeTableId as string);

    const endpoints = ofType(run, ENDPOINT);
    expect(endpoints).toHaveLength(1);
    const endpoint = inputsOf(endpoints[0]);
    expect(endpoint.vpcEndpointType).toBe("Gateway");
    // The provider's region, as getRegion reports it.
    expect(endpoint.serviceName).toBe("com.amazonaws.<computed:aws:index/getRegion.region>.s3");
    expect(endpoint.vpcId).toBe(idOf(ofType(run, "aws:ec2/vpc:Vpc")[0]));
    expect(privateTables).toHaveLength(azs);
    expect([...(endpoint.routeTableIds as string[])].sort()).toEqual([...privateTables].sort());
    expect(endpoint.routeTableIds).not.toContain(publicTable);
    // Full access on purpose: AWS-owned buckets (the CloudWatch agent package) stay reachable.
    expect(endpoint.policy).toBeUndefined();
  });

  test("ingress: only the load balancer is open to the internet, on 80 and 443", () => {
    expect(flows(runs[stack], INGRESS)).toEqual([
      "app tcp/443 lb",
      "cache tcp/6379 app",
      "db tcp/3306 app",
      "lb tcp/443 0.0.0.0/0",
      "lb tcp/80 0.0.0.0/0",
    ]);
  });

  test("egress: the load balancer reaches only the app hosts; data tiers send nothing", () => {
    expect(flows(runs[stack], EGRESS)).toEqual([
      "app tcp/3306 db",
      "app tcp/443 0.0.0.0/0",
      "app tcp/6379 cache",
      "app tcp/80 0.0.0.0/0",
      "lb tcp/443 app",
    ]);
  });

  test("no SSH and no IPv6-anywhere rule exists, and the default group allows nothing", () => {
    const rules = [...ofType(runs[stack], INGRESS), ...ofType(runs[stack], EGRESS)].map(inputsOf);
    expect(rules.filter((r) => Number(r.fromPort) <= 22 && Number(r.toPort) >= 22)).toEqual([]);
    expect(rules.filter((r) => r.cidrIpv6 === "::/0")).toEqual([]);
    const [defaultGroup] = ofType(runs[stack], "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
    expect(inputsOf(defaultGroup)).toMatchObject({ ingress: [], egress: [] });
  });
});

describe.each(["dev", "test"])("%s Docker network", (stack) => {
  test("an internal data network and an edge network, named after the stack", () => {
    const networks = ofType(runs[stack], "docker:index/network:Network")
      .filter((n) => n.parent === `${stack}-network`)
      .map(inputsOf);
    expect(networks.map((n) => [n.name, n.internal])).toEqual([
      [`webstack-${stack}-data`, true],
      [`webstack-${stack}-edge`, false],
    ]);
  });

  test("no VPC endpoint: the Docker target has no VPC", () => {
    expect(ofType(runs[stack], ENDPOINT)).toEqual([]);
  });
});

test("dev and test can share one Docker host: no physical name repeats", () => {
  const names = (stack: string) =>
    ofType(runs[stack], "docker:index/network:Network").map((n) => inputsOf(n).name);
  const dev = new Set(names("dev"));
  expect(names("test").filter((n) => dev.has(n))).toEqual([]);
});

describe.each(["dev", "test", "staging", "prod"])("%s tags and labels", (stack) => {
  const expected = { environment: stack, project: "webstack", owner: "platform-team", stack };

  test("every AWS resource type is classified as taggable or not", () => {
    const unclassified = runs[stack].resources
      .filter((r) => r.type.startsWith("aws:"))
      .filter((r) => !AWS_TAGGABLE_TYPES.has(r.type) && !AWS_UNTAGGABLE_TYPES.has(r.type))
      .map((r) => r.type);
    expect(unclassified).toEqual([]);
  });

  test("every taggable resource carries environment, project, owner and stack", () => {
    for (const resource of runs[stack].resources) {
      if (AWS_TAGGABLE_TYPES.has(resource.type)) {
        // Auto-scaling groups take a list of {key, value, propagateAtLaunch}; the rest a map.
        const raw = inputsOf(resource).tags;
        const tags = Array.isArray(raw)
          ? Object.fromEntries(
              (raw as { key: string; value: string; propagateAtLaunch: boolean }[])
                .filter((t) => t.propagateAtLaunch)
                .map((t) => [t.key, t.value]),
            )
          : raw;
        expect({ name: resource.name, tags }).toEqual({
          name: resource.name,
          tags: expect.objectContaining(expected),
        });
      }
      if (DOCKER_LABELLED_TYPES.has(resource.type)) {
        const labels = inputsOf(resource).labels as { label: string; value: string }[];
        const asMap = Object.fromEntries(labels.map((l) => [l.label, l.value]));
        expect({ name: resource.name, labels: asMap }).toEqual({
          name: resource.name,
          labels: expect.objectContaining(expected),
        });
      }
    }
  });
});

test("invalid config registers nothing at all", async () => {
  const mocks = new WebstackMocks();
  const config = withSection(stackConfig("prod"), "webstack:mysql", { replicas: -1 });
  await expect(runStack("prod", config, undefined, mocks)).rejects.toThrow(ConfigError);
  expect(mocks.resources).toEqual([]);
});
