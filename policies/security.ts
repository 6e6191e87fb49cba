// Network exposure and secret hygiene: only the load balancer is open to the internet and only on
// 80/443; databases publish no host port (dev may bind 127.0.0.1); images are pinned; secrets are
// never passed as plain environment values; the seeds' weak passwords are refused wherever seen.
import type { PolicyResource } from "@pulumi/policy";
import { WEAK_SECRETS } from "../components/catalog/weak-secrets";
import { resourcePolicy, stackPolicy } from "./define";
import * as read from "./stack-reading";
import {
  CONTAINER,
  containerEnv,
  dependencies,
  isMap,
  list,
  maps,
  ofType,
  Props,
} from "./stack-reading";

const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const DEFAULT_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";

const ANYWHERE = ["0.0.0.0/0", "::/0"];
const WEB_PORTS = [80, 443];
const DATA_PORTS = [3306, 6379];
const SECRET_NAME = /pass(word)?|secret|token|api_?key|private_?key|auth/i;

type OpenRule = ReturnType<typeof openIngress>[number];

/**
 * Internet-open ingress of one resource, in whichever of the three shapes AWS offers, with the
 * security groups it opens when known (in stack policies, from its recorded dependencies).
 */
function openIngress(resource: Pick<PolicyResource, "type" | "props"> & Partial<PolicyResource>) {
  const { type, props, urn } = resource;
  const cidrs = (p: Props) => [
    p.cidrIpv4,
    p.cidrIpv6,
    ...list(p.cidrBlocks),
    ...list(p.ipv6CidrBlocks),
  ];
  const open = (p: Props) => cidrs(p).some((c) => ANYWHERE.includes(c as string));
  // "-1" (or "all") is every protocol, and so every port whatever fromPort and toPort say.
  const rule = (p: Props, groupUrns: string[]) =>
    [p.ipProtocol, p.protocol].some((proto) => proto === "-1" || proto === "all")
      ? { from: 0, to: 65535, groupUrns }
      : { from: Number(p.fromPort ?? 0), to: Number(p.toPort ?? 65535), groupUrns };
  if (type === INGRESS_RULE || (type === LEGACY_RULE && props.type === "ingress")) {
    const groups = (resource.propertyDependencies?.securityGroupId ?? []).map((g) => g.urn);
    return open(props) ? [rule(props, groups)] : [];
  }
  if (type !== SECURITY_GROUP && type !== DEFAULT_GROUP) return [];
  return maps(props.ingress)
    .filter(open)
    .map((p) => rule(p, urn ? [urn] : []));
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
  const entries = Array.isArray(value)
    ? value.map((v, i) => [`${path}[${i}]`, v, ""] as const)
    : Object.entries(isMap(value) ? value : {}).map(
        ([k, v]) => [path ? `${path}.${k}` : k, v, k] as const,
      );
  return entries.flatMap(([here, v, key]) =>
    typeof v === "string" && SECRET_NAME.test(key) ? [[here, v]] : secretLookingStrings(v, here),
  );
}

export const securityPolicies = [
  resourcePolicy(
    "webstack-security-internet-ports",
    "critical",
    "Ingress open to the internet (0.0.0.0/0 or ::/0) is limited to ports 80 and 443; SSH never.",
    [INGRESS_RULE, LEGACY_RULE, SECURITY_GROUP, DEFAULT_GROUP],
    ({ type, props }) =>
      openIngress({ type, props }).map((rule) =>
        coversSsh(rule)
          ? "SSH (port 22) must never be open to the internet; use SSM."
          : !onlyWebPorts(rule) &&
            `Ports ${rule.from}-${rule.to} are open to the internet; only 80 and 443 may be.`,
      ),
  ),
  stackPolicy(
    {
      name: "webstack-security-internet-only-at-load-balancer",
      description:
        "Only security groups attached to a load balancer accept traffic from the internet.",
      severity: "critical",
    },
    {
      any: ({ resources, report }) => {
        const balancerGroups = new Set(
          ofType(resources, LOAD_BALANCER).flatMap((r) =>
            dependencies(r, "securityGroups").map((g) => g.urn),
          ),
        );
        for (const resource of resources) {
          if (openIngress(resource).some((r) => !r.groupUrns.some((u) => balancerGroups.has(u)))) {
            report(
              "Opens a security group that no load balancer uses to the internet.",
              resource.urn,
            );
          }
        }
      },
    },
  ),
  resourcePolicy(
    "webstack-security-default-group-closed",
    "high",
    "The VPC's default security group has no rules, so nothing attached to it by default is reachable or reaches out (CIS AWS Foundations 5.4).",
    [DEFAULT_GROUP],
    ({ props }) => {
      const [ingress, egress] = [list(props.ingress).length, list(props.egress).length];
      return (
        ingress + egress > 0 &&
        `The VPC's default security group must have no rules; it has ${ingress} ingress and ${egress} egress.`
      );
    },
  ),
  resourcePolicy(
    "webstack-docker-data-ports",
    "critical",
    "Database and cache containers publish no host port, except dev binding 127.0.0.1.",
    [CONTAINER],
    ({ props, tier }) => {
      const image = String(props.image ?? "");
      const isDataImage = read.MYSQL_IMAGE.test(image) || read.REDIS_IMAGE.test(image);
      return maps(props.ports)
        .filter((port) => isDataImage || DATA_PORTS.includes(Number(port.internal)))
        .filter((port) => !(tier === "dev" && port.ip === "127.0.0.1"))
        .map(
          (port) =>
            `Container publishes data port ${Number(port.internal)} on ${String(port.ip ?? "0.0.0.0")}; only dev may publish it, on 127.0.0.1.`,
        );
    },
  ),
  resourcePolicy(
    "webstack-docker-pinned-images",
    "high",
    "Every container image is pinned to a version tag or digest, never latest.",
    [CONTAINER, REMOTE_IMAGE],
    ({ type, props }) => {
      const image = String((type === REMOTE_IMAGE ? props.name : props.image) ?? "");
      return !imageIsPinned(image) && `Image "${image}" is not pinned to a version tag or digest.`;
    },
  ),
  resourcePolicy(
    "webstack-security-secrets-as-files",
    "high",
    "Containers receive secrets as files (NAME_FILE), never as plain environment values.",
    [CONTAINER],
    ({ props }) =>
      [...containerEnv(props)]
        .filter(
          ([name, value]) => SECRET_NAME.test(name) && !name.endsWith("_FILE") && value !== "",
        )
        .map(
          ([name]) =>
            `Environment variable ${name} carries a secret in plain text; mount it as a file and set ${name}_FILE.`,
        ),
  ),
  resourcePolicy(
    "webstack-security-weak-secrets",
    "critical",
    "No password, token or key is a well-known weak value such as the seeds' examples.",
    "any",
    ({ props }) => {
      const named = [...containerEnv(props)].filter(([name]) => SECRET_NAME.test(name));
      return [...secretLookingStrings(props), ...named]
        .filter(([, value]) => WEAK_SECRETS.includes(value.trim().toLowerCase()))
        .map(([where]) => `${where} is a well-known weak value; generate it with @pulumi/random.`);
    },
  ),
];
