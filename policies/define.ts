// Small builders shared by every area file: a resource policy bound to resource types with the
// props and tier it needs, a stack policy per target, and per-tier floors that pack config may
// raise. Floors come from components/catalog/tiers.ts. Types are matched by token so the pack does
// not depend on the provider SDKs (it installs in seconds).
import type {
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { isTier, Tier, TIER_FLOORS, TierFloor, TIERS } from "../components/catalog/tiers";
import { isMap, maps, Maybe, PreviewGaps, Props, tag, UNKNOWN } from "./stack-reading";

/** The `environment` tag or label of a resource's inputs, when it is a known tier. */
export function tierOf(props: Props): Tier | undefined {
  const tagged = tag(props, "environment");
  if (isTier(tagged)) return tagged;
  const label = maps(props.labels).find((l) => l.label === "environment" && isTier(l.value));
  return label?.value as Tier | undefined;
}

/**
 * The tier the gate judges the stack at: the `tier` of the pack config CI passes for the stack
 * (policies/config/<stack>.json), never what the judged code or its config says; prod, the
 * strictest, when the pack config names none.
 */
export const gateTier = (args: { getConfig<T extends object>(): T }): Tier => {
  const { tier } = args.getConfig<{ tier?: unknown }>();
  return isTier(tier) ? tier : "prod";
};

/** The stricter of two tiers: a resource's own tag may raise the gate's tier, never lower it. */
export const stricter = (a: Tier, b: Tier | undefined): Tier =>
  b !== undefined && TIERS.indexOf(b) > TIERS.indexOf(a) ? b : a;

/** The tier one resource is judged at: the gate's, raised by its own environment tag. */
export const resourceTier = (args: { getConfig<T extends object>(): T }, props: Props) =>
  stricter(gateTier(args), tierOf(props));

/** Every policy's `tier` setting: which tier the gate's owner judges the stack at. */
const TIER_SETTING = {
  type: "string" as const,
  enum: [...TIERS],
  default: "prod",
  description: "The tier this stack is judged at; resources' environment tags may only raise it.",
};

/** The schema with the `tier` setting every policy takes. */
const withTier = (schema?: PolicyConfigSchema): PolicyConfigSchema => ({
  ...schema,
  properties: { ...schema?.properties, tier: TIER_SETTING },
});

/** A per-tier switch floor that pack config may turn on for any tier, never off. */
export function switchFloor(tier: Tier, pick: (f: TierFloor) => boolean, tightened?: unknown) {
  return pick(TIER_FLOORS[tier]) || (isMap(tightened) && tightened[tier] === true);
}

/** JSON schema of a per-tier object of numbers or switches, with the catalog floors as default. */
export function tierSchema<T>(description: string, pick: (f: TierFloor) => T) {
  const type = typeof pick(TIER_FLOORS.prod) as "number" | "boolean";
  return {
    type: "object" as const,
    description,
    properties: Object.fromEntries(
      TIERS.map((t) => [t, { type, ...(type === "number" && { minimum: 0 }) }]),
    ),
    additionalProperties: false,
    default: Object.fromEntries(TIERS.map((tier) => [tier, pick(TIER_FLOORS[tier])])),
  };
}

/** A catalog floor per tier that pack config may raise under `key`: its schema and its value. */
export function raisableFloor(key: string, description: string, pick: (f: TierFloor) => number) {
  return {
    configSchema: { properties: { [key]: tierSchema(description, pick) } },
    floor: (args: { getConfig<T extends object>(): T }, tier: Tier): number => {
      const tightened = args.getConfig<Props>()[key];
      const raised = isMap(tightened) ? tightened[tier] : undefined;
      return Math.max(pick(TIER_FLOORS[tier]), typeof raised === "number" ? raised : -Infinity);
    },
  };
}

interface ResourceCheck {
  readonly type: string;
  readonly name: string;
  readonly props: Props;
  readonly tier: Tier;
  readonly args: ResourceValidationArgs;
}

/** What a resource check finds: a message, several, or nothing (false, undefined, ""). */
export type Findings = string | false | undefined | readonly (string | false | undefined)[];

/**
 * A mandatory resource policy that runs `check` on resources of the given types ("any": all) and
 * reports each message it returns.
 */
export function resourcePolicy(
  name: string,
  severity: Severity,
  description: string,
  types: readonly string[] | "any",
  check: (resource: ResourceCheck) => Findings,
  configSchema?: PolicyConfigSchema,
): ResourceValidationPolicy {
  return {
    ...{ name, description, severity, enforcementLevel: "mandatory" },
    configSchema: withTier(configSchema),
    validateResource: (args, report) => {
      if (types !== "any" && !types.includes(args.type)) return;
      const props = args.props as Props;
      const { type, name } = args;
      const found = check({ type, name, props, tier: resourceTier(args, props), args });
      for (const message of [found].flat()) if (message) report(message);
    },
  };
}

/** What one target's check of a stack policy works with. */
export interface StackCheck {
  readonly args: StackValidationArgs;
  readonly resources: readonly PolicyResource[];
  readonly tier: Tier;
  readonly gaps: PreviewGaps;
  readonly report: ReportViolation;
}

/**
 * A mandatory stack policy with a check per target (`any`: every stack), each run when the stack
 * deploys there. What was unknown during preview reaches the engine as one advisory note after
 * every check ran.
 */
export function stackPolicy(
  meta: Pick<StackValidationPolicy, "name" | "description" | "severity" | "configSchema">,
  checks: {
    readonly any?: (stack: StackCheck) => void;
    readonly aws?: (stack: StackCheck) => void;
    readonly docker?: (stack: StackCheck) => void;
  },
): StackValidationPolicy {
  return {
    enforcementLevel: "mandatory",
    ...meta,
    configSchema: withTier(meta.configSchema),
    validateStack: (args, report) => {
      const gaps = new PreviewGaps();
      const { resources } = args;
      const tags = resources.map((r) => gaps.read(() => tierOf(r.props)));
      const raise = (t: Tier, tagged: Maybe<Tier | undefined>) =>
        stricter(t, tagged === UNKNOWN ? undefined : tagged);
      const tier = tags.reduce(raise, gateTier(args));
      const stack = { args, resources, tier, gaps, report };
      const uses = (provider: string) => resources.some((r) => r.type.startsWith(`${provider}:`));
      checks.any?.(stack);
      if (uses("aws")) checks.aws?.(stack);
      if (uses("docker")) checks.docker?.(stack);
      gaps.rethrow();
    },
  };
}

/** Reports each message as its own violation, all against `urn` (the stack when undefined). */
export function reportAll(report: ReportViolation, messages: readonly string[], urn?: string) {
  for (const message of messages) report(message, urn);
}
