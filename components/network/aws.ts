// AWS network: a VPC across 2–3 AZs with public subnets (load balancer, NAT) and private subnets
// (app hosts, databases), and one security group per tier wired so that only 80/443 is open to the
// internet and each inner tier accepts traffic only from the tier in front of it. No SSH anywhere:
// hosts are reached through SSM. S3 traffic from the private subnets takes a gateway endpoint, not
// the NAT gateways.
import * as pulumi from "@pulumi/pulumi";
// One module per resource: the ec2 and vpc barrels pull in hundreds of declaration files and
// would double the project's type-check time (see bench/foundation.sh).
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import { DefaultSecurityGroup } from "@pulumi/aws/ec2/defaultSecurityGroup";
import { Eip } from "@pulumi/aws/ec2/eip";
import { InternetGateway } from "@pulumi/aws/ec2/internetGateway";
import { NatGateway } from "@pulumi/aws/ec2/natGateway";
import { Route } from "@pulumi/aws/ec2/route";
import { RouteTable } from "@pulumi/aws/ec2/routeTable";
import { RouteTableAssociation } from "@pulumi/aws/ec2/routeTableAssociation";
import { SecurityGroup } from "@pulumi/aws/ec2/securityGroup";
import { Subnet } from "@pulumi/aws/ec2/subnet";
import { Vpc } from "@pulumi/aws/ec2/vpc";
import { VpcEndpoint } from "@pulumi/aws/ec2/vpcEndpoint";
import { SecurityGroupEgressRule } from "@pulumi/aws/vpc/securityGroupEgressRule";
import { SecurityGroupIngressRule } from "@pulumi/aws/vpc/securityGroupIngressRule";
import { planSubnets } from "./cidr";
import { AwsNetworkArgs, AwsNetworkOutputs } from "./contract";

const ANYWHERE_V4 = "0.0.0.0/0";
/** Ports the security model is built around; the app hosts' Nginx takes HTTPS on 443. */
const PORTS = { http: 80, https: 443, mysql: 3306, redis: 6379 } as const;

export class AwsNetwork extends pulumi.ComponentResource implements AwsNetworkOutputs {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly loadBalancerSecurityGroupId: pulumi.Output<string>;
  readonly appSecurityGroupId: pulumi.Output<string>;
  readonly databaseSecurityGroupId: pulumi.Output<string>;
  readonly cacheSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: AwsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:network:AwsNetwork", name, {}, opts);
    const parent = { parent: this };
    const plan = planSubnets(args.vpcCidr, args.availabilityZones);
    const zoneNames = getAvailabilityZonesOutput({ state: "available" }, parent).apply((zones) => {
      // Only the region knows how many zones it has; the stack config cannot check this.
      if (zones.names.length < args.availabilityZones) {
        throw new pulumi.ResourceError(
          `the region offers ${zones.names.length} availability zones, fewer than the ${args.availabilityZones} asked for`,
          this,
        );
      }
      return zones.names.slice(0, args.availabilityZones);
    });

    const network = new Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.vpcCidr,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: { Name: `${name}-vpc` },
      },
      parent,
    );
    // The default group allows all traffic between its members; strip it so nothing can use it.
    new DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: network.id, ingress: [], egress: [] },
      parent,
    );
    const gateway = new InternetGateway(
      `${name}-igw`,
      { vpcId: network.id, tags: { Name: `${name}-igw` } },
      parent,
    );

    const publicRoutes = new RouteTable(
      `${name}-public-rt`,
      { vpcId: network.id, tags: { Name: `${name}-public` } },
      parent,
    );
    new Route(
      `${name}-public-default`,
      {
        routeTableId: publicRoutes.id,
        destinationCidrBlock: ANYWHERE_V4,
        gatewayId: gateway.id,
      },
      parent,
    );

    // A subnet of a tier in zone i, associated with the route table `routes` makes for it.
    const zoneSubnet = (tier: string, cidrBlock: string, i: number, routes: () => RouteTable) => {
      const subnet = new Subnet(
        `${name}-${tier}-${i}`,
        {
          vpcId: network.id,
          cidrBlock,
          availabilityZone: zoneNames[i],
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-${tier}-${i}`, tier },
        },
        parent,
      );
      const table = routes();
      new RouteTableAssociation(
        `${name}-${tier}-${i}`,
        { subnetId: subnet.id, routeTableId: table.id },
        parent,
      );
      return { subnet, routes: table };
    };
    const publicSubnets = plan.publicCidrs.map(
      (cidrBlock, i) => zoneSubnet("public", cidrBlock, i, () => publicRoutes).subnet,
    );

    const natCount = args.natGateways === "perAz" ? args.availabilityZones : 1;
    const natGateways = publicSubnets.slice(0, natCount).map((subnet, i) => {
      const address = new Eip(
        `${name}-nat-${i}`,
        { domain: "vpc", tags: { Name: `${name}-nat-${i}` } },
        parent,
      );
      return new NatGateway(
        `${name}-nat-${i}`,
        { subnetId: subnet.id, allocationId: address.id, tags: { Name: `${name}-nat-${i}` } },
        { parent: this, dependsOn: [gateway] },
      );
    });

    const privateZones = plan.privateCidrs.map((cidrBlock, i) =>
      zoneSubnet("private", cidrBlock, i, () => {
        const routes = new RouteTable(
          `${name}-private-rt-${i}`,
          { vpcId: network.id, tags: { Name: `${name}-private-${i}` } },
          parent,
        );
        new Route(
          `${name}-private-default-${i}`,
          {
            routeTableId: routes.id,
            destinationCidrBlock: ANYWHERE_V4,
            natGatewayId: natGateways[i % natGateways.length].id,
          },
          parent,
        );
        return routes;
      }),
    );

    // The app hosts read and write the uploads bucket, and their agents fetch from S3 (the
    // CloudWatch agent package, image layers when the app images live in ECR, possibly the apt
    // mirrors). Through the NAT gateways every one of those bytes is billed as NAT data processing;
    // a gateway endpoint costs nothing, takes the NAT gateway (and, with one NAT, its AZ) out of
    // the path, and needs no security group change (the hosts still connect to S3's public
    // addresses on 443, now routed through the region's S3 prefix list). Only the private route
    // tables get it: nothing in the public subnets talks to S3 itself (ELB delivers the ALB's
    // access logs from outside the VPC).
    // No endpoint policy, on purpose: once this route exists same-region S3 traffic has no other
    // path, so a policy limited to the account's buckets (aws:ResourceAccount) would break the
    // CloudWatch agent download and ECR pulls at boot, which come from AWS-owned buckets. Who may
    // use our buckets is the instance role's IAM policy and the buckets' own policies' business.
    new VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: network.id,
        vpcEndpointType: "Gateway",
        serviceName: pulumi.interpolate`com.amazonaws.${getRegionOutput({}, parent).region}.s3`,
        routeTableIds: privateZones.map(({ routes }) => routes.id),
        tags: { Name: `${name}-s3` },
      },
      parent,
    );

    // Groups are created empty (the provider removes AWS's allow-all egress) and every permitted
    // flow is one rule resource below, so the whole security model reads top to bottom.
    const group = (tier: string, description: string) =>
      new SecurityGroup(
        `${name}-${tier}-sg`,
        { vpcId: network.id, description, tags: { Name: `${name}-${tier}` } },
        parent,
      );
    const loadBalancer = group("lb", "Internet-facing load balancer: HTTP and HTTPS from anywhere");
    const app = group("app", "App hosts: Nginx from the load balancer only");
    const database = group("db", "MySQL: 3306 from the app hosts only");
    const cache = group("cache", "Redis: 6379 from the app hosts only");

    // Every permitted TCP flow: into a group (in) or out of it (out), on one port.
    const anywhere = { cidrIpv4: ANYWHERE_V4 };
    const members = (g: SecurityGroup) => ({ referencedSecurityGroupId: g.id });
    const { http, https, mysql, redis } = PORTS;
    const flows: [string, "in" | "out", SecurityGroup, number, object, string][] = [
      ["lb-http-in", "in", loadBalancer, http, anywhere, "HTTP (redirected)"],
      ["lb-https-in", "in", loadBalancer, https, anywhere, "HTTPS"],
      ["lb-to-app", "out", loadBalancer, https, members(app), "To Nginx on the app hosts"],
      ["app-from-lb", "in", app, https, members(loadBalancer), "Nginx from the load balancer"],
      ["app-to-db", "out", app, mysql, members(database), "To MySQL"],
      ["app-to-cache", "out", app, redis, members(cache), "To Redis"],
      [
        "app-https-out",
        "out",
        app,
        https,
        anywhere,
        "HTTPS out via NAT: image registry, SSM, package mirrors",
      ],
      ["app-http-out", "out", app, http, anywhere, "HTTP out via NAT: Ubuntu package mirrors"],
      ["db-from-app", "in", database, mysql, members(app), "MySQL from the app hosts"],
      ["cache-from-app", "in", cache, redis, members(app), "Redis from the app hosts"],
    ];
    for (const [rule, direction, to, port, peer, description] of flows) {
      const Rule = direction === "in" ? SecurityGroupIngressRule : SecurityGroupEgressRule;
      new Rule(
        `${name}-${rule}`,
        {
          securityGroupId: to.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description,
          ...peer,
        },
        parent,
      );
    }

    this.vpcId = network.id;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateZones.map(({ subnet }) => subnet.id);
    this.loadBalancerSecurityGroupId = loadBalancer.id;
    this.appSecurityGroupId = app.id;
    this.databaseSecurityGroupId = database.id;
    this.cacheSecurityGroupId = cache.id;
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }
}
