// `webstack:edge:AwsEdge`: the edge on AWS (staging, prod) — an ACM certificate for the domains
// (DNS validation; the records in Route 53 when a zone is configured, otherwise as outputs), an
// internet-facing ALB in the public subnets with access logs in S3, an HTTPS listener on a
// TLS 1.2/1.3 policy forwarding to Nginx on the app hosts, and an HTTP listener that redirects.
import * as pulumi from "@pulumi/pulumi";
import { Certificate } from "@pulumi/aws/acm/certificate";
import { CertificateValidation } from "@pulumi/aws/acm/certificateValidation";
import { Listener } from "@pulumi/aws/lb/listener";
import { LoadBalancer } from "@pulumi/aws/lb/loadBalancer";
import { TargetGroup } from "@pulumi/aws/lb/targetGroup";
import { Record as DnsRecord } from "@pulumi/aws/route53/record";
import { TIER_FLOORS } from "../catalog/tiers";
import { HEALTH_PATHS } from "./app-containers";
import { ACCESS_LOG_PREFIX, AccessLogBucket } from "./aws-access-logs";
import { AppHosts } from "./aws-app-hosts";
import { BOOT_SCRIPT } from "./cloud-init";
import { AwsEdgePlacement, EdgeArgs, EdgeOutputs, ValidationRecord } from "./contract";
import { renderNginxConf } from "./nginx-conf";
import { awsSiteSpec } from "./site-spec";
import { SelfSignedTls } from "./tls";

export type AwsEdgeArgs = EdgeArgs & AwsEdgePlacement;

/** How long `up` waits for ACM to issue the certificate (the provider's default is 75 minutes). */
const VALIDATION_TIMEOUT = "2h";

export class AwsEdge extends pulumi.ComponentResource implements EdgeOutputs {
  readonly certificateNotAfter: pulumi.Output<string>;
  readonly nginxConf: pulumi.Output<string>;
  /** The ACM certificate at the load balancer; CloudWatch's DaysToExpiry is per ARN. */
  readonly certificateArn: pulumi.Output<string>;
  /** CNAME records to create when Route 53 is not managed here. */
  readonly certificateValidationRecords: pulumi.Output<ValidationRecord[]>;
  /** Point the domains here (CNAME or alias). */
  readonly loadBalancerDnsName: pulumi.Output<string>;
  /** Alarm dimensions: `LoadBalancer`, `TargetGroup`, `AutoScalingGroupName`. */
  readonly loadBalancerArnSuffix: pulumi.Output<string>;
  readonly targetGroupArnSuffix: pulumi.Output<string>;
  readonly autoScalingGroupName: pulumi.Output<string>;
  /** The app hosts' cloud-init, as the launch template carries it (decoded). */
  readonly cloudInit: pulumi.Output<string>;
  /** The script the app hosts run once at first boot, and the env file that configures it. */
  readonly bootScript: pulumi.Output<string>;
  readonly bootEnvironment: pulumi.Output<string>;

  constructor(name: string, args: AwsEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:edge:AwsEdge", name, {}, opts);
    const floor = TIER_FLOORS[args.tier];
    const spec = awsSiteSpec(args.site, args.os, args.vpcCidr);
    const conf = renderNginxConf(spec);
    const parent = { parent: this };
    const domains = args.site.domains;

    const internal = new SelfSignedTls(`${name}-tls`, args, parent);

    const certificate = new Certificate(
      `${name}-certificate`,
      {
        domainName: domains[0],
        // ACM lists domainName among the SANs itself; only the other names go here.
        ...(domains.length > 1 ? { subjectAlternativeNames: domains.slice(1) } : {}),
        validationMethod: "DNS",
        keyAlgorithm: "RSA_2048",
      },
      parent,
    );
    const validationRecords = certificate.domainValidationOptions.apply((options) =>
      options.map((o) => ({
        domain: o.domainName,
        name: o.resourceRecordName,
        type: o.resourceRecordType,
        value: o.resourceRecordValue,
      })),
    );
    // With a hosted zone the validation records are created there; without one a person adds
    // them, so `up` prints them as soon as ACM has chosen them.
    const zoneId = args.route53ZoneId;
    let validationFqdns: pulumi.Output<string>[] | undefined;
    if (zoneId === undefined) {
      validationRecords.apply((records) =>
        pulumi.log.info(
          "Create these DNS records; the HTTPS listener waits until ACM has issued the " +
            `certificate:\n${records.map((r) => `  ${r.name} ${r.type} ${r.value}`).join("\n")}`,
          this,
        ),
      );
    } else {
      validationFqdns = domains.map((domain, i) => {
        // One record per domain, found by name: ACM lists the options in no fixed order.
        const option = validationRecords.apply((all) => {
          const found = all.find((r) => r.domain === domain);
          if (!found) {
            throw new pulumi.ResourceError(`ACM gave no validation record for ${domain}`, this);
          }
          return found;
        });
        const record = new DnsRecord(
          `${name}-validation-${i}`,
          {
            zoneId,
            name: option.name,
            type: option.type,
            records: [option.value],
            ttl: 300,
            allowOverwrite: true,
          },
          parent,
        );
        return record.fqdn;
      });
    }
    // The listener takes the certificate from here, so it never gets a pending one (ELBv2
    // refuses those). Without a zone a person has two hours, past the provider's 75 minutes.
    const validation = new CertificateValidation(
      `${name}-certificate-validation`,
      { certificateArn: certificate.arn, validationRecordFqdns: validationFqdns },
      { parent: this, customTimeouts: { create: VALIDATION_TIMEOUT } },
    );

    const logs = new AccessLogBucket(
      `${name}-access-logs`,
      { retentionDays: floor.logRetentionDays, protect: floor.protectData },
      parent,
    );

    const loadBalancer = new LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        ipAddressType: "ipv4",
        subnets: args.publicSubnetIds,
        securityGroups: [args.loadBalancerSecurityGroupId],
        // Requests with header names the ALB cannot parse never reach Nginx (request smuggling).
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "defensive",
        idleTimeout: 60,
        enableDeletionProtection: floor.protectData,
        accessLogs: { bucket: logs.bucketName, prefix: ACCESS_LOG_PREFIX, enabled: true },
      },
      parent,
    );

    const targets = new TargetGroup(
      `${name}-targets`,
      {
        vpcId: args.vpcId,
        targetType: "instance",
        // Nginx on the app hosts, for the ALB only (the app security group's port).
        port: 443,
        protocol: "HTTPS",
        protocolVersion: "HTTP1",
        deregistrationDelay: 30,
        healthCheck: {
          enabled: true,
          protocol: "HTTPS",
          port: "traffic-port",
          path: HEALTH_PATHS.backend,
          matcher: "200",
          interval: 30,
          timeout: 10,
          healthyThreshold: 3,
          unhealthyThreshold: 3,
        },
      },
      parent,
    );

    new Listener(
      `${name}-https`,
      {
        loadBalancerArn: loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        // TLS 1.3 and 1.2 with forward-secret AEAD suites only (the policy pack's allowed family).
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        certificateArn: validation.certificateArn,
        defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
      },
      parent,
    );
    new Listener(
      `${name}-http`,
      {
        loadBalancerArn: loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [
          {
            type: "redirect",
            redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
          },
        ],
      },
      parent,
    );

    // The domains point at the load balancer: alias records in the zone, else printed for a person.
    if (zoneId === undefined) {
      loadBalancer.dnsName.apply((target) =>
        pulumi.log.info(
          `Point ${domains.join(", ")} at the load balancer ${target}: an alias record where ` +
            "your DNS offers one, else a CNAME (impossible at a zone apex)",
          this,
        ),
      );
    } else {
      domains.forEach(
        (domain, i) =>
          new DnsRecord(
            `${name}-alias-${i}`,
            {
              zoneId,
              name: domain,
              type: "A",
              // Never replaces a record someone else made: creation fails and names it instead.
              allowOverwrite: false,
              aliases: [
                {
                  name: loadBalancer.dnsName,
                  zoneId: loadBalancer.zoneId,
                  evaluateTargetHealth: true,
                },
              ],
            },
            parent,
          ),
      );
    }

    const hosts = new AppHosts(
      `${name}-hosts`,
      {
        ...args,
        targetGroupArn: targets.arn,
        siteSpec: spec,
        nginxConf: conf,
        certificate: internal,
      },
      parent,
    );

    this.certificateNotAfter = internal.notAfter;
    this.nginxConf = pulumi.output(conf);
    this.certificateArn = certificate.arn;
    this.certificateValidationRecords = validationRecords;
    this.loadBalancerDnsName = loadBalancer.dnsName;
    this.loadBalancerArnSuffix = loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = targets.arnSuffix;
    this.autoScalingGroupName = hosts.autoScalingGroupName;
    this.cloudInit = hosts.cloudInit;
    this.bootScript = pulumi.output(BOOT_SCRIPT);
    this.bootEnvironment = hosts.bootEnvironment;
    this.registerOutputs({
      certificateNotAfter: this.certificateNotAfter,
      certificateArn: this.certificateArn,
      certificateValidationRecords: this.certificateValidationRecords,
      loadBalancerDnsName: this.loadBalancerDnsName,
      loadBalancerArnSuffix: this.loadBalancerArnSuffix,
      targetGroupArnSuffix: this.targetGroupArnSuffix,
      autoScalingGroupName: this.autoScalingGroupName,
    });
  }
}
