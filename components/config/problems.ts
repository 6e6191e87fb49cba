// One config problem and how it is worded. Every message names the stack file, the full key
// path, what is allowed and the value found, so the operator can fix it without reading code.
import * as pulumi from "@pulumi/pulumi";

export interface ConfigProblem {
  /** Key path under `webstack:`, e.g. ["mysql", "replicas"] or ["domains", 0]. */
  readonly path: readonly (string | number)[];
  /** What is wrong or allowed, starting with a verb: "must be …", "is not a known key …". */
  readonly message: string;
  /** The offending value; omitted when the key is missing. */
  readonly value?: unknown;
  readonly hasValue: boolean;
  /** Full config key when the problem is outside the webstack namespace, e.g. "aws:region". */
  readonly fullKey?: string;
}

export function problem(
  path: readonly (string | number)[],
  message: string,
  ...value: [unknown?]
): ConfigProblem {
  return { path, message, value: value[0], hasValue: value.length > 0 };
}

/**
 * `mysql.replicas`, `domains[0]`: the path as an operator writes it after `webstack:`. A key
 * that is not a plain identifier (a typo with a space, say) is quoted so the message stays
 * unambiguous: `network[" "]`.
 */
export function keyPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === "number") return `${text}[${segment}]`;
    if (!/^[A-Za-z_][\w-]*$/.test(segment)) return `${text}[${JSON.stringify(segment)}]`;
    return text === "" ? segment : `${text}.${segment}`;
  }, "");
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

export function formatProblem(file: string, p: ConfigProblem): string {
  const key = p.fullKey ?? `webstack:${keyPath(p.path)}`;
  const got = p.hasValue ? ` (got ${show(p.value)})` : "";
  return `${file}: ${key} ${p.message}${got}`;
}

/**
 * Thrown before any resource is registered; lists every problem in the stack file at once.
 * A RunError, so `pulumi up` prints the message alone instead of a stack trace.
 */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`Invalid stack configuration in ${file} (${count}):\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}
