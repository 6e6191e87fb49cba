// webstack-alarms-coverage: every database and cache is watched — each RDS instance and
// ElastiCache node group by its per-resource CloudWatch alarms on AWS, each MySQL server and Redis
// node as a target of its Prometheus scrape job on Docker.
import type { PolicyResource } from "@pulumi/policy";
import { ALARM_FLOORS, SCRAPE_JOBS, WATCHED_PER_RESOURCE } from "../components/catalog/alarms";
import { alarmWho, shippedYaml } from "./alarm-observations";
import { StackCheck, stackPolicy } from "./define";
import { PROMETHEUS_YML, scrapeInstances } from "./prometheus-text";
import * as read from "./stack-reading";
import { listing, ofType, tag, UNKNOWN } from "./stack-reading";

/** The DB instances a CloudWatch alarm reads: its own and its metric queries' dimensions. */
function readInstances(props: read.Props): string[] {
  const dimensions = [
    props.dimensions,
    ...read
      .maps(props.metricQueries)
      .map((q) => (read.isMap(q.metric) ? q.metric.dimensions : undefined)),
  ];
  return dimensions.flatMap((d) => {
    const id = read.isMap(d) ? d.DBInstanceIdentifier : undefined;
    return typeof id === "string" ? [id] : [];
  });
}

function coverageOnAws({ resources, tier, gaps, report }: StackCheck): void {
  const scoped = (kinds: readonly string[]) =>
    ALARM_FLOORS[tier].filter((a) => kinds.includes(a.metric)).map((a) => a.name);
  const watches = ofType(resources, read.METRIC_ALARM).flatMap((resource) => {
    const found = gaps.read(() => ({
      name: tag(resource.props, "alarm"),
      watches: tag(resource.props, "watches"),
      instances: readInstances(resource.props),
    }));
    return found === UNKNOWN || found.name === undefined ? [] : [{ ...found, resource }];
  });
  type Watch = (typeof watches)[number];
  const dependsOn = (w: Watch, target: PolicyResource) =>
    w.resource.dependencies.some((d) => d.urn === target.urn);
  /** A resource's identifier input, else its name; UNKNOWN when unknown in preview. */
  const idOf = (resource: PolicyResource, key: string) =>
    gaps.read(() => String(resource.props[key] ?? resource.name));

  for (const instance of ofType(resources, read.RDS_INSTANCE)) {
    const id = idOf(instance, "identifier");
    const replica = gaps.read(() => Boolean(instance.props.replicateSourceDb));
    if (id === UNKNOWN || replica === UNKNOWN) continue;
    const { rdsInstance, rdsReplica } = WATCHED_PER_RESOURCE;
    // An alarm tagged for this instance that reads another one watches nothing of it.
    const elsewhere = (w: Watch) => w.instances.some((other) => other !== id);
    for (const w of watches.filter((w) => w.watches === id && elsewhere(w))) {
      const others = listing(w.instances.filter((other) => other !== id));
      report(
        `${alarmWho(String(w.name), id)} reads DBInstanceIdentifier ${others}, so it does not watch ${id}.`,
        w.resource.urn,
      );
    }
    const missing = [...scoped(rdsInstance), ...(replica ? scoped(rdsReplica) : [])].filter(
      (name) =>
        !watches.some(
          (w) => w.name === name && (w.watches === id || dependsOn(w, instance)) && !elsewhere(w),
        ),
    );
    if (missing.length > 0) {
      report(
        `RDS instance ${id} is not watched by ${listing(missing)} (no alarm tagged watches=${id}).`,
        instance.urn,
      );
    }
  }

  for (const group of ofType(resources, read.REPLICATION_GROUP)) {
    const id = idOf(group, "replicationGroupId");
    const nodeGroups = gaps.read(() => read.asNumber(group.props.numNodeGroups) ?? 1);
    if (id === UNKNOWN || nodeGroups === UNKNOWN) continue;
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
    ["MySQL server", SCRAPE_JOBS.mysql, read.isMysqlServer],
    ["Redis node", SCRAPE_JOBS.redis, read.isRedisNode],
  ] as const;
  for (const [what, job, is] of servers) {
    const scraped = new Set(files.parsed.flatMap((f) => [...scrapeInstances(f.document, job)]));
    for (const container of resources.filter(is)) {
      const aliases = gaps.read(() => read.containerAliases(container.props));
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

export const alarmsCoveragePolicy = stackPolicy(
  {
    name: "webstack-alarms-coverage",
    description:
      "Every database and cache is watched: each RDS instance and ElastiCache node group by its per-resource CloudWatch alarms on AWS, each MySQL server and Redis node as a Prometheus scrape target on Docker.",
    severity: "high",
  },
  { aws: coverageOnAws, docker: coverageOnDocker },
);
