// Validates one stack's raw `webstack:` config into the typed, frozen values the program uses.
// Pure: no Pulumi runtime access, so tests and synth exercise exactly what `pulumi up` runs.
import { isTier } from "../catalog/tiers";
import { WEAK_SECRETS } from "../catalog/weak-secrets";
import { SECRET_KEYS, SecretKey } from "./parts/alerts";
import { ConfigError, ConfigProblem, formatProblem, problem } from "./problems";
import { crossKeyProblems } from "./rules";
import { keysAt } from "./schema-keys";
import { stackConfigSchema, StackValues } from "./schema";
import { problemsFromZod } from "./zod-problems";

export { WEAK_SECRETS };

export const NAMESPACE = "webstack";

/** Config namespaces a stack file may use: ours, the providers' and Pulumi's own. */
export const KNOWN_NAMESPACES = [NAMESPACE, "aws", "docker", "random", "tls", "pulumi"];

/** Config as the Pulumi engine hands it to a program: flat keys, string values. */
export interface RawStackConfig {
  readonly project: string;
  readonly stack: string;
  /** Full keys ("webstack:mysql") to the string the CLI passes (objects as JSON). */
  readonly values: Readonly<Record<string, string>>;
  /** Full keys whose values were encrypted in the stack file. */
  readonly secretKeys: ReadonlySet<string>;
}

/** Validated values plus what the program derives from them. */
export interface ParsedStackConfig extends StackValues {
  readonly project: string;
  readonly stack: string;
  /** The stack file the values came from, for messages. */
  readonly file: string;
  /** Plain-text secret values by key; the loader wraps them as Pulumi secrets. */
  readonly secretValues: Readonly<Partial<Record<SecretKey, string>>>;
}

/** Top-level values are strings; objects and lists arrive as JSON text, as the CLI sends them. */
function decode(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function isSecretKey(key: string): key is SecretKey {
  return Object.prototype.hasOwnProperty.call(SECRET_KEYS, key);
}

/**
 * Validates the raw config. Throws ConfigError listing every problem, each naming the file,
 * the key, what is allowed and the value found. `today` (ISO date) drives end-of-support checks.
 */
export function parseStackConfig(raw: RawStackConfig, today: string): ParsedStackConfig {
  const file = `Pulumi.${raw.stack}.yaml`;
  const problems: ConfigProblem[] = [];
  const input: Record<string, unknown> = {};
  const secretValues: Partial<Record<SecretKey, string>> = {};
  const presentSecrets = new Set<SecretKey>();

  for (const [fullKey, text] of Object.entries(raw.values)) {
    const namespace = fullKey.split(":")[0];
    if (!KNOWN_NAMESPACES.includes(namespace)) {
      problems.push({
        ...problem(
          [],
          `is in an unknown namespace (known: ${KNOWN_NAMESPACES.join(", ")})`,
          raw.secretKeys.has(fullKey) ? "[secret withheld]" : text,
        ),
        fullKey,
      });
      continue;
    }
    if (namespace !== NAMESPACE) continue;
    const key = fullKey.slice(NAMESPACE.length + 1);
    const encrypted = raw.secretKeys.has(fullKey);
    if (isSecretKey(key)) {
      presentSecrets.add(key);
      if (!encrypted) {
        problems.push(
          problem(
            [key],
            `must be stored encrypted: run "pulumi config set --secret ${key} <value>"`,
            "[plain text withheld]",
          ),
        );
      } else if (WEAK_SECRETS.includes(text.trim().toLowerCase())) {
        problems.push(
          problem([key], "is a well-known weak value; choose a strong one", "[secret withheld]"),
        );
      } else {
        secretValues[key] = text;
      }
      continue;
    }
    if (encrypted) {
      problems.push(
        problem(
          [key],
          `holds an encrypted value, but only ${Object.keys(SECRET_KEYS).join(", ")} may be secrets; ` +
            "keep secrets in those keys so they stay encrypted end to end",
          "[secret withheld]",
        ),
      );
      continue;
    }
    input[key] = decode(text);
  }

  if (input.environment === undefined && isTier(raw.stack)) input.environment = raw.stack;

  const parsed = stackConfigSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    problems.push(...problemsFromZod(parsed.error, (path) => keysAt(stackConfigSchema, path)));
  } else {
    problems.push(
      ...crossKeyProblems({ values: parsed.data, raw: input, secrets: presentSecrets, today }),
    );
    if (parsed.data.target === "aws" && raw.values["aws:region"] === undefined) {
      problems.push({
        ...problem([], 'is required for target "aws" (e.g. ap-southeast-1)'),
        fullKey: "aws:region",
      });
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(
      file,
      problems.map((p) => formatProblem(file, p)),
    );
  }
  return deepFreeze({
    ...parsed.data,
    project: raw.project,
    stack: raw.stack,
    file,
    secretValues,
  });
}
