// Validates one stack's raw `webstack:` config into the typed, frozen values the program uses.
// Pure: no Pulumi runtime access, so tests and synth exercise exactly what `pulumi up` runs.
import {
  AWS_IDENTIFIER,
  AWS_IDENTIFIER_LIMITS,
  AWS_IDENTIFIER_RULE,
  IdentifierLimit,
} from "../catalog/aws-identifiers";
import { AWS_REGIONS } from "../catalog/aws-regions";
import { isTier, TIER_FLOORS } from "../catalog/tiers";
import { WEAK_SECRETS } from "../catalog/weak-secrets";
import { SECRET_KEYS, SecretKey } from "./parts/alerts";
import { TARGETS, Target } from "./parts/identity";
import { ConfigError, ConfigProblem, formatProblem, problem } from "./problems";
import { crossKeyProblems } from "./rules";
import { keysAt } from "./schema-keys";
import { StackValues, TARGET_SCHEMAS } from "./schema";
import { problemsFromZod, unknownKeyMessage } from "./zod-problems";

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

/** Which stack the values belong to. */
export interface StackIdentity {
  readonly project: string;
  readonly stack: string;
  /** The stack file the values came from, for messages. */
  readonly file: string;
}

/** Validated values, their stack, and the secrets' plain text (the loader wraps them). */
export type ParsedStackConfig = StackValues &
  StackIdentity & {
    readonly secretValues: Readonly<Partial<Record<SecretKey, string>>>;
  };

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

const otherTarget = (target: Target): Target => (target === "aws" ? "docker" : "aws");

/**
 * What the offline runtime (synth and the tests) passes for a `secure:` value it cannot decrypt.
 * The real value is unknown there, so its format is checked only where the CLI decrypted it.
 */
export const secretPlaceholder = (key: string) => `<secret:${key}>`;
const isPlaceholder = (text: string) => /^<secret:[^<>]+>$/.test(text);

function isUrl(text: string, httpsOnly: boolean): boolean {
  try {
    const url = new URL(text);
    const schemes = httpsOnly ? ["https:"] : ["http:", "https:"];
    return schemes.includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}

const onlyFor = (target: Target) =>
  `applies only to target "${otherTarget(target)}" (this stack's target is "${target}")`;

/** A secret key's problem, if any: plain text, a weak value, a bad URL or the other target's key. */
function secretProblem(key: SecretKey, text: string, encrypted: boolean, target: Target) {
  const withheld = (message: string) => problem([key], message, "[secret withheld]");
  const targets: readonly Target[] = SECRET_KEYS[key].targets;
  if (!targets.includes(target)) return withheld(onlyFor(target));
  if (!encrypted) {
    const message = `must be stored encrypted: run "pulumi config set --secret ${key} <value>"`;
    return problem([key], message, "[plain text withheld]");
  }
  if (WEAK_SECRETS.includes(text.trim().toLowerCase())) {
    return withheld("is a well-known weak value; choose a strong one");
  }
  const https = target === "aws";
  if (SECRET_KEYS[key].url && !isPlaceholder(text) && !isUrl(text, https)) {
    const url = https ? "an https URL" : "an http or https URL";
    return withheld(`must be ${url} such as https://hooks.example.com/…`);
  }
  return undefined;
}

/** A tier runs only where its floor allows: staging and prod need AWS's managed services. */
function tierTargetProblem(environment: unknown, target: Target): ConfigProblem | undefined {
  if (!isTier(environment)) return undefined;
  const { targets } = TIER_FLOORS[environment];
  if (targets.includes(target)) return undefined;
  const allowed = targets.map((t) => `"${t}"`).join(" or ");
  return problem(["target"], `must be ${allowed} for the ${environment} tier`, target);
}

function regionProblem(region: string | undefined): ConfigProblem | undefined {
  if (region !== undefined && AWS_REGIONS.includes(region)) return undefined;
  const found =
    region === undefined
      ? problem([], 'is required for target "aws": the region to deploy to, e.g. ap-southeast-1')
      : problem([], `must be an AWS region (one of ${AWS_REGIONS.join(", ")})`, region);
  return { ...found, fullKey: "aws:region" };
}

/** `<project>-<stack>` starts RDS and ElastiCache identifiers, so AWS's rules for them bind it. */
function namePrefixProblem(project: string, stack: string): ConfigProblem | undefined {
  const prefix = `${project}-${stack}`;
  const fullKey = `stack "${stack}" of project "${project}": the name prefix "${prefix}"`;
  const room = (limit: IdentifierLimit) => limit.maxLength - limit.longestSuffix.length;
  const tightest = AWS_IDENTIFIER_LIMITS.reduce((a, b) => (room(b) < room(a) ? b : a));
  if (!AWS_IDENTIFIER.test(prefix)) {
    const what = AWS_IDENTIFIER_LIMITS.map((limit) => `${limit.what}s`).join(" and ");
    return { ...problem([], `must be ${AWS_IDENTIFIER_RULE}, as it starts ${what}`), fullKey };
  }
  if (prefix.length <= room(tightest)) return undefined;
  const id = `${prefix}${tightest.longestSuffix}`;
  const message = `must be at most ${room(tightest)} characters (it has ${prefix.length}): the ${tightest.what} "${id}" may have at most ${tightest.maxLength}`;
  return { ...problem([], message), fullKey };
}

/**
 * Validates the raw config. Throws ConfigError listing every problem, each naming the file,
 * the key, what is allowed and the value found. `today` (ISO date) drives end-of-support checks.
 */
export function parseStackConfig(raw: RawStackConfig, today: string): ParsedStackConfig {
  const file = `Pulumi.${raw.stack}.yaml`;
  const problems: ConfigProblem[] = [];
  const input: Record<string, unknown> = {};
  const secrets: { key: SecretKey; text: string; encrypted: boolean }[] = [];
  /** Keys left blank: reported once as blank, not again as missing. */
  const blank = new Set<string>();

  for (const [fullKey, text] of Object.entries(raw.values)) {
    const namespace = fullKey.split(":")[0];
    const encrypted = raw.secretKeys.has(fullKey);
    const shown = encrypted ? "[secret withheld]" : text;
    if (!KNOWN_NAMESPACES.includes(namespace)) {
      problems.push({
        ...problem([], `is in an unknown namespace (known: ${KNOWN_NAMESPACES.join(", ")})`, shown),
        fullKey,
      });
      continue;
    }
    if (namespace !== NAMESPACE) continue;
    const key = fullKey.slice(NAMESPACE.length + 1);
    if (isSecretKey(key)) {
      secrets.push({ key, text, encrypted });
    } else if (encrypted) {
      problems.push(
        problem(
          [key],
          `holds an encrypted value, but only ${Object.keys(SECRET_KEYS).join(", ")} may be secrets; ` +
            "keep secrets in those keys so they stay encrypted end to end",
          "[secret withheld]",
        ),
      );
    } else if (text.trim() === "") {
      // The CLI hands a YAML null or blank value over as "": say so rather than judge "".
      problems.push(problem([key], "has no value (YAML null or blank); set one or remove the key"));
      blank.add(key);
    } else {
      input[key] = decode(text);
    }
  }
  if (input.environment === undefined && isTier(raw.stack)) input.environment = raw.stack;

  // The target chooses the schema; without a usable one, the other keys cannot be judged.
  const target = input.target as Target;
  const targetProblem = TARGETS.includes(target)
    ? tierTargetProblem(input.environment, target)
    : problem(
        ["target"],
        `must be one of ${TARGETS.map((t) => `"${t}"`).join(", ")}`,
        ...(target === undefined ? [] : [target]),
      );
  if (targetProblem) {
    throw new ConfigError(
      file,
      [...problems, targetProblem].map((p) => formatProblem(file, p)),
    );
  }

  const secretValues: Partial<Record<SecretKey, string>> = {};
  for (const { key, text, encrypted } of secrets) {
    const found = secretProblem(key, text, encrypted, target);
    if (found) problems.push(found);
    else secretValues[key] = text;
  }
  if (target === "aws") {
    for (const found of [
      regionProblem(raw.values["aws:region"]),
      namePrefixProblem(raw.project, raw.stack),
    ]) {
      if (found) problems.push(found);
    }
  }

  const schema = TARGET_SCHEMAS[target];
  const other = otherTarget(target);
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    problems.push(
      ...problemsFromZod(parsed.error, (path, key) =>
        keysAt(TARGET_SCHEMAS[other], path).includes(key)
          ? onlyFor(target)
          : unknownKeyMessage(key, keysAt(schema, path)),
      ).filter((p) => !blank.has(String(p.path[0]))),
    );
  } else {
    const present = new Set(secrets.map((s) => s.key));
    problems.push(...crossKeyProblems({ values: parsed.data, secrets: present, today }));
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(
      file,
      problems.map((p) => formatProblem(file, p)),
    );
  }
  return deepFreeze({ ...parsed.data, project: raw.project, stack: raw.stack, file, secretValues });
}
