// Expands the stack's CloudWatch alarm specs over the resources they watch: once per stack, once
// per RDS instance, once per RDS replica or once per Redis node group, each bound to the real
// identifiers (strings in tests, Pulumi outputs in the component) with the `watches` value its
// tags carry. Pure: components/alarms/aws.ts creates one MetricAlarm per planned alarm.
import {
  AlarmBinding,
  bindCloudWatchAlarm,
  BoundAlarm,
  CloudWatchAlarmSpec,
  Placeholder,
} from "./cloudwatch-specs";

/** What the alarms watch, as identifiers of type T. */
export interface WatchedResources<T> {
  /** Stack name, part of every alarm name (`webstack-<stack>-…`). */
  readonly stack: string;
  /** Per-stack placeholders: the app hosts' group, the ALB and target group ARN suffixes … */
  readonly placeholders: Partial<
    Record<Exclude<Placeholder, "dbInstanceIdentifier" | "cacheClusterId">, T>
  >;
  /** RDS instances, the primary first. */
  readonly rdsInstances: readonly {
    readonly resource: string;
    readonly role: "primary" | "replica";
    readonly identifier: T;
  }[];
  /** `max_connections` of the RDS instances. */
  readonly maxConnections: number;
  /** Allocated storage of each RDS instance, bytes. */
  readonly allocatedStorageBytes: number;
  /** Redis node groups and their member cache cluster ids. */
  readonly redisNodeGroups: readonly {
    readonly id: string;
    readonly name: T;
    readonly members: readonly T[];
  }[];
}

export interface PlannedAlarm<T> {
  readonly spec: CloudWatchAlarmSpec;
  /** Suffix naming the watched resource (`primary`, `replica-1`, `0002`); absent per stack. */
  readonly resource?: string;
  /** The `watches` tag: identifier of the watched resource; absent for per-stack alarms. */
  readonly watches?: T;
  readonly bound: BoundAlarm<T>;
}

/** Placeholders a spec's metrics use (dimensions of its metric, math metrics or members). */
export function placeholdersOf(spec: CloudWatchAlarmSpec): Set<Placeholder> {
  const metrics = [
    ...(spec.metric ? [spec.metric] : []),
    ...Object.values(spec.math?.metrics ?? {}),
    ...(spec.perMember ? [spec.perMember] : []),
  ];
  const found = new Set<Placeholder>();
  for (const metric of metrics) {
    for (const value of Object.values(metric.dimensions)) {
      if ("placeholder" in value) found.add(value.placeholder);
    }
  }
  return found;
}

/** Every alarm the specs become on these resources. */
export function planAlarms<T>(
  specs: readonly CloudWatchAlarmSpec[],
  watched: WatchedResources<T>,
): PlannedAlarm<T>[] {
  const constants = {
    maxConnections: watched.maxConnections,
    allocatedStorageBytes: watched.allocatedStorageBytes,
  };
  return specs.flatMap((spec): PlannedAlarm<T>[] => {
    const base: AlarmBinding<T> = { stack: watched.stack, placeholders: watched.placeholders };
    switch (spec.scope) {
      case "perStack":
        return [{ spec, bound: bindCloudWatchAlarm(spec, base) }];
      case "perRdsInstance":
      case "perRdsReplica":
        return watched.rdsInstances
          .filter((db) => spec.scope === "perRdsInstance" || db.role === "replica")
          .map((db) => ({
            spec,
            resource: db.resource,
            watches: db.identifier,
            bound: bindCloudWatchAlarm(spec, {
              ...base,
              resource: db.resource,
              placeholders: { ...watched.placeholders, dbInstanceIdentifier: db.identifier },
              constants,
            }),
          }));
      case "perRedisNodeGroup":
        return watched.redisNodeGroups.map((group) => ({
          spec,
          resource: group.id,
          watches: group.name,
          bound: bindCloudWatchAlarm(spec, { ...base, resource: group.id, members: group.members }),
        }));
    }
  });
}
