// Shared readers for the stack policies over operations resources (policies/alarms-*.ts,
// policies/backups-*.ts): the stack's tier and target, tags and labels, which resources an input
// came from, the files a Docker container ships, and which containers are MySQL servers, Redis
// nodes or the backup job. Values unknown during a preview are read through `PreviewGaps`, so a
// policy checks everything it can and still tells the engine what it could not see.
import type { PolicyResource } from "@pulumi/policy";
import { Tier, TIERS } from "../components/catalog/tiers";
import { Props, tierOf } from "./tier";

export { tag } from "./tier";

export const CONTAINER = "docker:index/container:Container";

/** Marks a value that cannot be known until the update runs (an unknown during preview). */
export const UNKNOWN = Symbol("unknown during preview");
export type Maybe<T> = T | typeof UNKNOWN;

/** @pulumi/policy's UnknownValueError, recognised by shape: the pack and the engine may load
 * different copies of the module, so `instanceof` cannot be trusted. */
function isUnknownValueError(error: unknown): error is Error {
  return error instanceof Error && "unknownTypeSentinel" in error;
}

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
      if (!isUnknownValueError(error)) throw error;
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

/** The stack's tier: the strictest environment tag/label on its resources, prod if none has one. */
export function stackTier(resources: readonly PolicyResource[], gaps: PreviewGaps): Tier {
  const tiers = resources.map((r) => gaps.read(() => tierOf(r.props)));
  const strictest = Math.max(...tiers.map((tier) => TIERS.indexOf(tier as Tier)));
  return strictest < 0 ? "prod" : TIERS[strictest];
}

/**
 * The value `read` returns, or undefined when it touched a value unknown during preview, without
 * recording a gap: for values whose absence is itself a safe answer (see `isMysqlServer`).
 */
export function peek<T>(read: () => T): T | undefined {
  const value = new PreviewGaps().read(read);
  return value === UNKNOWN ? undefined : value;
}

/** Which targets the stack deploys to, from its resources' provider packages. */
export function stackTargets(resources: readonly PolicyResource[]) {
  const uses = (provider: string) => resources.some((r) => r.type.startsWith(`${provider}:`));
  return { aws: uses("aws"), docker: uses("docker") };
}

export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type);
}

/** The resources of `type` the value of input `key` came from (its recorded dependencies). */
export function dependencies(
  resource: PolicyResource,
  key: string,
  type?: string,
): PolicyResource[] {
  return (resource.propertyDependencies[key] ?? []).filter((d) => !type || d.type === type);
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** A file a container ships as an upload; `text` is UNKNOWN when it is not known in preview. */
export interface ShippedFile {
  readonly container: PolicyResource;
  readonly file: string;
  readonly text: Maybe<string>;
}

/** The text of a container upload (`content`, else `contentBase64` decoded). */
export function uploadText(upload: Props): string {
  return typeof upload.content === "string"
    ? upload.content
    : Buffer.from(String(upload.contentBase64 ?? ""), "base64").toString("utf8");
}

/** Every upload of every container whose path ends with `suffix`. */
export function shippedFiles(
  resources: readonly PolicyResource[],
  suffix: string,
  gaps: PreviewGaps,
): ShippedFile[] {
  const found: ShippedFile[] = [];
  for (const container of ofType(resources, CONTAINER)) {
    const uploads = gaps.read(() => container.props.uploads);
    if (uploads === UNKNOWN || !Array.isArray(uploads)) continue;
    for (let i = 0; i < uploads.length; i++) {
      const upload = gaps.read(() => uploads[i] as Props);
      if (upload === UNKNOWN) continue;
      const file = gaps.read(() => upload.file);
      if (file === UNKNOWN || typeof file !== "string" || !file.endsWith(suffix)) continue;
      found.push({ container, file, text: gaps.read(() => uploadText(upload)) });
    }
  }
  return found;
}

/** A container's environment as name → value (`envs: ["NAME=value"]`). */
export function containerEnv(props: Props): Map<string, string> {
  const envs = Array.isArray(props.envs) ? (props.envs as unknown[]) : [];
  return new Map(
    envs
      .filter((e): e is string => typeof e === "string" && e.includes("="))
      .map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
  );
}

/** The names other containers reach a container by: its network aliases, else its hostname. */
export function containerAliases(props: Props): string[] {
  const networks = Array.isArray(props.networksAdvanced) ? (props.networksAdvanced as Props[]) : [];
  const aliases = networks.flatMap((n) => (isStringArray(n.aliases) ? n.aliases : []));
  if (aliases.length > 0) return [...new Set(aliases)];
  return typeof props.hostname === "string" ? [props.hostname] : [];
}

// Database containers run a pinned image reference, known at preview; an image known only after
// the update (an image id from a RemoteImage) is an application image, so an unknown image is
// read as "not a database".
export const MYSQL_IMAGE = /(^|\/)(mysql|mariadb)[:@]/;
export const REDIS_IMAGE = /(^|\/)redis[:@]/;

function image(container: PolicyResource): string {
  return String(peek(() => container.props.image) ?? "");
}

function shipsFile(container: PolicyResource, suffix: string): boolean {
  const uploads = peek(() => container.props.uploads);
  if (!Array.isArray(uploads)) return false;
  return uploads.some((u: Props) => {
    const file = peek(() => u.file);
    return typeof file === "string" && file.endsWith(suffix);
  });
}

/** The backup job: the container that ships a crontab (it may run a MySQL image for mysqldump). */
export function isBackupJob(container: PolicyResource): boolean {
  return container.type === CONTAINER && shipsFile(container, "/crontab");
}

/** A long-running server of the image: not the backup job, not a one-shot helper (`restart:
 * "no"`, such as Redis cluster creation). */
const serverOf =
  (pattern: RegExp) =>
  (container: PolicyResource): boolean =>
    container.type === CONTAINER &&
    pattern.test(image(container)) &&
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

/** "a, b and c". */
export function listing(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
