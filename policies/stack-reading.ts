// Shared readers for the policies: the resource types they judge, tags and labels, which resources
// an input came from, the files a Docker container ships, and which containers are MySQL servers,
// Redis nodes or the backup job. Values unknown during a preview are read through `PreviewGaps`, so
// a policy checks everything it can and still tells the engine what it could not see.
import type { PolicyResource } from "@pulumi/policy";

export type Props = Record<string, unknown>;

export const CONTAINER = "docker:index/container:Container";
export const RDS_INSTANCE = "aws:rds/instance:Instance";
export const REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
export const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
export const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
export const TOPIC = "aws:sns/topic:Topic";
export const SELECTION = "aws:backup/selection:Selection";
export const PLAN = "aws:backup/plan:Plan";
export const VAULT = "aws:backup/vault:Vault";
export const VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
export const RESTORE_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan";
export const RESTORE_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection";

export const isMap = (value: unknown): value is Props =>
  typeof value === "object" && value !== null && !Array.isArray(value);
/** The elements of an array input; nothing when it is not an array. */
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const maps = (value: unknown): Props[] => list(value).filter(isMap);
export const asNumber = (value: unknown) => (typeof value === "number" ? value : undefined);
export const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === "string");

/** An AWS tag's value when it is a string (undefined when absent). */
export function tag(props: Props, key: string): string | undefined {
  const value = isMap(props.tags) ? props.tags[key] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** Marks a value that cannot be known until the update runs (an unknown during preview). */
export const UNKNOWN = Symbol("unknown during preview");
export type Maybe<T> = T | typeof UNKNOWN;

/**
 * Collects what a stack policy could not read during a preview. The policy keeps checking what it
 * can (and reports those violations), then calls `rethrow()`: the first unknown-value error
 * reaches the engine, which records an advisory "can't run during preview" for the policy instead
 * of the policy passing silently.
 */
export class PreviewGaps {
  private first: Error | undefined;

  /** The value `read` returns, or UNKNOWN when it touched a value unknown during preview. */
  read<T>(read: () => T): Maybe<T> {
    try {
      return read();
    } catch (error) {
      // @pulumi/policy's UnknownValueError, recognised by shape: the pack and the engine may load
      // different copies of the module, so `instanceof` cannot be trusted.
      if (!(error instanceof Error && "unknownTypeSentinel" in error)) throw error;
      this.first ??= error;
      return UNKNOWN;
    }
  }

  get any(): boolean {
    return this.first !== undefined;
  }

  rethrow(): void {
    if (this.first) throw this.first;
  }
}

/**
 * The value `read` returns, or undefined when it touched a value unknown during preview, without
 * recording a gap: for values whose absence is itself a safe answer (see `isMysqlServer`).
 */
export function peek<T>(read: () => T): T | undefined {
  const value = new PreviewGaps().read(read);
  return value === UNKNOWN ? undefined : value;
}

/** The value `read` returns, or the message of the error it throws (an unparsable schedule). */
export function orProblem<T>(read: () => T): T | string {
  try {
    return read();
  } catch (error) {
    if (error instanceof Error && "unknownTypeSentinel" in error) throw error;
    return (error as Error).message;
  }
}

export const ofType = (resources: readonly PolicyResource[], type: string) =>
  resources.filter((r) => r.type === type);

/** The resources of `type` the value of input `key` came from (its recorded dependencies). */
export const dependencies = (resource: PolicyResource, key: string, type?: string) =>
  (resource.propertyDependencies[key] ?? []).filter((d) => !type || d.type === type);

/** Whether input `key` of `resource` came from `source`. */
export const comesFrom = (resource: PolicyResource, key: string, source: PolicyResource) =>
  dependencies(resource, key).some((d) => d.urn === source.urn);

/** The text of a container upload (`content`, else `contentBase64` decoded). */
export function uploadText(upload: Props): string {
  return typeof upload.content === "string"
    ? upload.content
    : Buffer.from(String(upload.contentBase64 ?? ""), "base64").toString("utf8");
}

/** A file a container ships as an upload; `text` is UNKNOWN when it is not known in preview. */
export interface ShippedFile {
  readonly container: PolicyResource;
  readonly file: string;
  readonly text: Maybe<string>;
}

/** Every upload of every container whose path ends with `suffix`. */
export function shippedFiles(
  resources: readonly PolicyResource[],
  suffix: string,
  gaps: PreviewGaps,
): ShippedFile[] {
  const found: ShippedFile[] = [];
  for (const container of ofType(resources, CONTAINER)) {
    const uploads = gaps.read(() => list(container.props.uploads));
    for (let i = 0; uploads !== UNKNOWN && i < uploads.length; i++) {
      const upload = gaps.read(() => uploads[i] as Props);
      const file = upload === UNKNOWN ? UNKNOWN : gaps.read(() => upload.file);
      if (upload === UNKNOWN || typeof file !== "string" || !file.endsWith(suffix)) continue;
      found.push({ container, file, text: gaps.read(() => uploadText(upload)) });
    }
  }
  return found;
}

/** A container's environment as name → value (`envs: ["NAME=value"]`). */
export function containerEnv(props: Props): Map<string, string> {
  const envs = list(props.envs).filter(
    (e): e is string => typeof e === "string" && e.includes("="),
  );
  return new Map(envs.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

/** The names other containers reach a container by: its network aliases, else its hostname. */
export function containerAliases(props: Props): string[] {
  const aliases = maps(props.networksAdvanced).flatMap((n) =>
    isStringArray(n.aliases) ? n.aliases : [],
  );
  if (aliases.length > 0) return [...new Set(aliases)];
  return typeof props.hostname === "string" ? [props.hostname] : [];
}

// Database containers run a pinned image reference, known at preview; an image known only after
// the update (an image id from a RemoteImage) is an application image, so an unknown image is
// read as "not a database".
export const MYSQL_IMAGE = /(^|\/)(mysql|mariadb)[:@]/;
export const REDIS_IMAGE = /(^|\/)redis[:@]/;

/** The backup job: the container that ships a crontab (it may run a MySQL image for mysqldump). */
export function isBackupJob(container: PolicyResource): boolean {
  const uploads = peek(() => list(container.props.uploads) as Props[]) ?? [];
  return (
    container.type === CONTAINER &&
    uploads.some((u) => String(peek(() => u.file) ?? "").endsWith("/crontab"))
  );
}

/** A long-running server of the image: not the backup job, not a one-shot helper (`restart:
 * "no"`, such as Redis cluster creation). */
const serverOf =
  (pattern: RegExp) =>
  (container: PolicyResource): boolean =>
    container.type === CONTAINER &&
    pattern.test(String(peek(() => container.props.image) ?? "")) &&
    peek(() => container.props.restart) !== "no" &&
    !isBackupJob(container);

/** A long-running MySQL (or MariaDB) server container. */
export const isMysqlServer = serverOf(MYSQL_IMAGE);
/** A long-running Redis node. */
export const isRedisNode = serverOf(REDIS_IMAGE);

/** "1 day", "12 hours", "30 minutes": a schedule's longest interval, for messages. */
export function describeInterval(seconds: number): string {
  const [size, word] =
    seconds % 86_400 === 0
      ? [seconds / 86_400, "day"]
      : seconds % 3600 === 0
        ? [seconds / 3600, "hour"]
        : [Math.round(seconds / 60), "minute"];
  return `${size} ${word}${size === 1 ? "" : "s"}`;
}

/** "30 days", "forever": how long something is kept, for messages. */
export const days = (n: number) => (n === Infinity ? "forever" : `${n} day${n === 1 ? "" : "s"}`);

/** "a, b and c". */
export function listing(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
