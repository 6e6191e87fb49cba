// Network exposure and secret hygiene: only the load balancer is open to the internet and only on
// 80/443; databases publish no host port (dev may bind 127.0.0.1); images are pinned; secrets are
// never passed as plain environment values; the seeds' weak passwords are refused wherever seen.
import type { PolicyResource } from "@pulumi/policy";
import { WEAK_SECRETS } from "../components/catalog/weak-secrets";
import { resourcePolicy, stackPolicy } from "./define";
import { CONTAINER, containerEnv, MYSQL_IMAGE, REDIS_IMAGE } from "./stack-reading";
import { Props } from "./tier";

const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";

const ANYWHERE = ["0.0.0.0/0", "::/0"];
const WEB_PORTS = [80, 443];
const DATA_PORTS = [3306, 6379];
const SECRET_NAME = /pass(word)?|secret|token|api_?key|private_?key|auth/i;

/** What openIngress reads: a resource's inputs and, in stack policies, its dependencies. */
interface RuleSource {
  readonly type: string;
  readonly props: Props;
  readonly urn?: string;
  readonly propertyDependencies?: Record<string, PolicyResource[]>;
}

interface OpenRule {
  readonly from: number;
  readonly to: number;
  /** The security group resource the rule belongs to, when known. */
  readonly groupUrns: readonly string[];
}

/** Internet-open ingress of one resource, in whichever of the three shapes AWS offers. */
function openIngress(resource: RuleSource): OpenRule[] {
  const { type, props } = resource;
  const groupUrns = (resource.propertyDependencies?.securityGroupId ?? []).map((r) => r.urn);
  const open = (cidrs: unknown[]) => cidrs.some((c) => ANYWHERE.includes(c as string));
  const cidrs = (p: Props) => [
    ...((p.cidrBlocks as string[] | undefined) ?? []),
    ...((p.ipv6CidrBlocks as string[] | undefined) ?? []),
  ];
  const ports = (p: Props) =>
    p.ipProtocol === "-1"
      ? { from: 0, to: 65535 }
      : { from: Number(p.fromPort ?? 0), to: Number(p.toPort ?? 65535) };
  if (type === INGRESS_RULE && open([props.cidrIpv4, props.cidrIpv6])) {
    return [{ ...ports(props), groupUrns }];
  }
  if (type === LEGACY_RULE && props.type === "ingress" && open(cidrs(props))) {
    return [{ ...ports(props), groupUrns }];
  }
  if (type === SECURITY_GROUP && Array.isArray(props.ingress)) {
    return (props.ingress as Props[])
      .filter((rule) => open(cidrs(rule)))
      .map((rule) => ({ ...ports(rule), groupUrns: resource.urn ? [resource.urn] : [] }));
  }
  return [];
}

const onlyWebPorts = (rule: OpenRule) => rule.from === rule.to && WEB_PORTS.includes(rule.from);
const coversSsh = (rule: OpenRule) => rule.from <= 22 && rule.to >= 22;

function imageIsPinned(image: string): boolean {
  if (/^sha256:[a-f0-9]{64}$/.test(image) || /@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const last = image.split("/").pop() ?? "";
  const tag = last.includes(":") ? last.split(":").pop() : undefined;
  return tag !== undefined && tag !== "" && tag !== "latest";
}

/** Every string under a secret-looking key, anywhere in `value`, with its path. */
function secretLookingStrings(value: unknown, path = ""): [string, string][] {
  if (Array.isArray(value))
    return value.flatMap((v, i) => secretLookingStrings(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value as Props).flatMap(([k, v]) => {
      const here = path ? `${path}.${k}` : k;
      return typeof v === "string" && SECRET_NAME.test(k)
        ? [[here, v]]
        : secretLookingStrings(v, here);
    });
  }
  return [];
}

export const securityPolicies = [
  resourcePolicy(
    {
      name: "webstack-security-internet-ports",
      description:
        "Ingress open to the internet (0.0.0.0/0 or ::/0) is limited to ports 80 and 443; SSH never.",
      severity: "critical",
    },
    [INGRESS_RULE, LEGACY_RULE, SECURITY_GROUP],
    ({ type, props }, report) => {
      for (const rule of openIngress({ type, props })) {
        if (coversSsh(rule)) report("SSH (port 22) must never be open to the internet; use SSM.");
        else if (!onlyWebPorts(rule)) {
          report(`Ports ${rule.from}-${rule.to} are open to the internet; only 80 and 443 may be.`);
        }
      }
    },
  ),
  stackPolicy(
    {
      name: "webstack-security-internet-only-at-load-balancer",
      description:
        "Only security groups attached to a load balancer accept traffic from the internet.",
      severity: "critical",
    },
    (args, report) => {
      const balancerGroups = new Set(
        args.resources
          .filter((r) => r.type === LOAD_BALANCER)
          .flatMap((r) => (r.propertyDependencies.securityGroups ?? []).map((g) => g.urn)),
      );
      for (const resource of args.resources) {
        for (const rule of openIngress(resource)) {
          if (!rule.groupUrns.some((urn) => balancerGroups.has(urn))) {
            report(
              "Opens a security group that no load balancer uses to the internet.",
              resource.urn,
            );
          }
        }
      }
    },
  ),
  resourcePolicy(
    {
      name: "webstack-docker-data-ports",
      description:
        "Database and cache containers publish no host port, except dev binding 127.0.0.1.",
      severity: "critical",
    },
    [CONTAINER],
    ({ props, tier }, report) => {
      const image = String(props.image ?? "");
      const ports = (Array.isArray(props.ports) ? props.ports : []) as Props[];
      const isDataImage = MYSQL_IMAGE.test(image) || REDIS_IMAGE.test(image);
      for (const port of ports) {
        const internal = Number(port.internal);
        if (!isDataImage && !DATA_PORTS.includes(internal)) continue;
        const loopback = port.ip === "127.0.0.1";
        if (!(tier === "dev" && loopback)) {
          report(
            `Container publishes data port ${internal} on ${String(port.ip ?? "0.0.0.0")}; ` +
              "only dev may publish it, on 127.0.0.1.",
          );
        }
      }
    },
  ),
  resourcePolicy(
    {
      name: "webstack-docker-pinned-images",
      description: "Every container image is pinned to a version tag or digest, never latest.",
      severity: "high",
    },
    [CONTAINER, REMOTE_IMAGE],
    ({ type, props }, report) => {
      const image = String((type === REMOTE_IMAGE ? props.name : props.image) ?? "");
      if (!imageIsPinned(image))
        report(`Image "${image}" is not pinned to a version tag or digest.`);
    },
  ),
  resourcePolicy(
    {
      name: "webstack-security-secrets-as-files",
      description:
        "Containers receive secrets as files (NAME_FILE), never as plain environment values.",
      severity: "high",
    },
    [CONTAINER],
    ({ props }, report) => {
      for (const [name, value] of containerEnv(props)) {
        if (SECRET_NAME.test(name) && !name.endsWith("_FILE") && value !== "") {
          report(
            `Environment variable ${name} carries a secret in plain text; mount it as a file and set ${name}_FILE.`,
          );
        }
      }
    },
  ),
  resourcePolicy(
    {
      name: "webstack-security-weak-secrets",
      description:
        "No password, token or key is a well-known weak value such as the seeds' examples.",
      severity: "critical",
    },
    "any",
    ({ props }, report) => {
      const named = [...containerEnv(props)].filter(([name]) => SECRET_NAME.test(name));
      for (const [where, value] of [...secretLookingStrings(props), ...named]) {
        if (WEAK_SECRETS.includes(value.trim().toLowerCase())) {
          report(`${where} is a well-known weak value; generate it with @pulumi/random.`);
        }
      }
    },
  ),
];
