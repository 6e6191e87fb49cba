// webstack-alarms-coverage: every database and cache is watched — each RDS instance and
// ElastiCache node group by its per-resource CloudWatch alarms on AWS, each MySQL server and Redis
// node as a target of its Prometheus scrape job on Docker.
import type { PolicyResource } from "@pulumi/policy";
import { ALARM_FLOORS, SCRAPE_JOBS, WATCHED_PER_RESOURCE } from "../components/catalog/alarms";
import { METRIC_ALARM, shippedYaml } from "./alarm-observations";
import { perTargetPolicy, StackCheck } from "./define";
import { REPLICATION_GROUP } from "./elasticache";
import { PROMETHEUS_YML, scrapeInstances } from "./prometheus-text";
import { RDS_INSTANCE } from "./rds";
import {
  containerAliases,
  isMysqlServer,
  isRedisNode,
  listing,
  ofType,
  UNKNOWN,
} from "./stack-reading";
import { tag } from "./tier";

interface Watch {
  readonly name: string;
  readonly watches: string | undefined;
  readonly resource: PolicyResource;
}

function coverageOnAws({ resources, tier, gaps, report }: StackCheck): void {
  const scoped = (kinds: readonly string[]) =>
    ALARM_FLOORS[tier].filter((a) => kinds.includes(a.metric)).map((a) => a.name);
  const watches: Watch[] = [];
  for (const alarm of ofType(resources, METRIC_ALARM)) {
    const read = gaps.read(() => ({
      name: tag(alarm.props, "alarm"),
      watches: tag(alarm.props, "watches"),
    }));
    if (read !== UNKNOWN && read.name !== undefined) {
      watches.push({ name: read.name, watches: read.watches, resource: alarm });
    }
  }
  const dependsOn = (w: Watch, target: PolicyResource) =>
    w.resource.dependencies.some((d) => d.urn === target.urn);

  for (const instance of ofType(resources, RDS_INSTANCE)) {
    const read = gaps.read(() => ({
      id: instance.props.identifier,
      replica: Boolean(instance.props.replicateSourceDb),
    }));
    if (read === UNKNOWN) continue;
    const id = typeof read.id === "string" ? read.id : instance.name;
    const { rdsInstance, rdsReplica } = WATCHED_PER_RESOURCE;
    const required = [...scoped(rdsInstance), ...(read.replica ? scoped(rdsReplica) : [])];
    const missing = required.filter(
      (name) =>
        !watches.some((w) => w.name === name && (w.watches === id || dependsOn(w, instance))),
    );
    if (missing.length > 0) {
      report(
        `RDS instance ${id} is not watched by ${listing(missing)} (no alarm tagged watches=${id}).`,
        instance.urn,
      );
    }
  }

  for (const group of ofType(resources, REPLICATION_GROUP)) {
    const read = gaps.read(() => ({
      id: group.props.replicationGroupId,
      nodeGroups: group.props.numNodeGroups,
    }));
    if (read === UNKNOWN) continue;
    const id = typeof read.id === "string" ? read.id : group.name;
    const nodeGroups = typeof read.nodeGroups === "number" ? read.nodeGroups : 1;
    const linked = (w: Watch) =>
      w.watches === id || (w.watches?.startsWith(`${id}-`) ?? false) || dependsOn(w, group);
    const unwatched: string[] = [];
    for (const name of scoped(WATCHED_PER_RESOURCE.redisNodeGroup)) {
      const watched = new Set(
        watches.filter((w) => w.name === name && linked(w)).map((w) => w.watches ?? w.resource.urn),
      );
      if (watched.size === 0) unwatched.push(name);
      else if (watched.size < nodeGroups) {
        report(
          `ElastiCache replication group ${id} has ${nodeGroups} node groups but ${name} watches ${watched.size}.`,
          group.urn,
        );
      }
    }
    if (unwatched.length > 0) {
      report(
        `ElastiCache replication group ${id} is not watched by ${listing(unwatched)}.`,
        group.urn,
      );
    }
  }
}

function coverageOnDocker({ resources, gaps, report }: StackCheck): void {
  const files = shippedYaml(resources, PROMETHEUS_YML, gaps, report);
  if (files.parsed.length < files.all.length) return;
  const servers = [
    ["MySQL server", SCRAPE_JOBS.mysql, isMysqlServer],
    ["Redis node", SCRAPE_JOBS.redis, isRedisNode],
  ] as const;
  for (const [what, job, is] of servers) {
    const scraped = new Set(files.parsed.flatMap((f) => [...scrapeInstances(f.document, job)]));
    for (const container of resources.filter(is)) {
      const aliases = gaps.read(() => containerAliases(container.props));
      if (aliases === UNKNOWN || aliases.some((a) => scraped.has(a))) continue;
      const server = aliases[0] ?? container.name;
      report(
        files.all.length === 0
          ? `${what} ${server} is not scraped: no prometheus.yml ships.`
          : `${what} ${server} is not a target of the ${job} scrape job in prometheus.yml.`,
        container.urn,
      );
    }
  }
}

export const alarmsCoveragePolicy = perTargetPolicy(
  {
    name: "webstack-alarms-coverage",
    description:
      "Every database and cache is watched: each RDS instance and ElastiCache node group by its per-resource CloudWatch alarms on AWS, each MySQL server and Redis node as a Prometheus scrape target on Docker.",
    severity: "high",
  },
  { aws: coverageOnAws, docker: coverageOnDocker },
);
