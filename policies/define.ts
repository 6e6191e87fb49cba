// Small builders shared by every area file: a resource policy bound to resource types with the
// props and tier it needs, a stack policy, and a per-tier floor that pack config may raise. Types
// are matched by token so the pack does not depend on the provider SDKs (it installs in seconds).
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
import type { Tier, TierFloor } from "../components/catalog/tiers";
import { PreviewGaps, stackTargets, stackTier } from "./stack-reading";
import { numberFloor, Props, tierNumbersSchema, TierNumbers, tierOrStrictest } from "./tier";

export interface ResourceCheck {
  readonly type: string;
  readonly name: string;
  readonly props: Props;
  readonly tier: Tier;
  readonly args: ResourceValidationArgs;
}

interface PolicyMeta {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly configSchema?: PolicyConfigSchema;
}

/** A mandatory resource policy that runs `check` on resources of the given types ("any": all). */
export function resourcePolicy(
  meta: PolicyMeta,
  types: readonly string[] | "any",
  check: (resource: ResourceCheck, report: ReportViolation) => void,
): ResourceValidationPolicy {
  return {
    enforcementLevel: "mandatory",
    ...meta,
    validateResource: (args, report) => {
      if (types !== "any" && !types.includes(args.type)) return;
      const props = args.props as Props;
      const { type, name } = args;
      check({ type, name, props, tier: tierOrStrictest(props), args }, report);
    },
  };
}

/** A mandatory stack policy over every resource of the stack. */
export function stackPolicy(
  meta: PolicyMeta,
  check: (args: StackValidationArgs, report: ReportViolation) => void,
): StackValidationPolicy {
  return { enforcementLevel: "mandatory", ...meta, validateStack: check };
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
 * A mandatory stack policy with a check per target, each run when the stack deploys there. What
 * was unknown during preview reaches the engine as one advisory note after every check ran.
 */
export function perTargetPolicy(
  meta: PolicyMeta,
  checks: {
    readonly aws?: (stack: StackCheck) => void;
    readonly docker?: (stack: StackCheck) => void;
  },
): StackValidationPolicy {
  return stackPolicy(meta, (args, report) => {
    const gaps = new PreviewGaps();
    const { resources } = args;
    const stack = { args, resources, tier: stackTier(resources, gaps), gaps, report };
    const targets = stackTargets(resources);
    if (targets.aws) checks.aws?.(stack);
    if (targets.docker) checks.docker?.(stack);
    gaps.rethrow();
  });
}

/** A catalog floor per tier that pack config may raise under `key`: its schema and its value. */
export function raisableFloor(key: string, description: string, pick: (f: TierFloor) => number) {
  return {
    configSchema: { properties: { [key]: tierNumbersSchema(description, pick) } },
    floor: (args: { getConfig<T extends object>(): T }, tier: Tier): number =>
      numberFloor(tier, pick, args.getConfig<Record<string, TierNumbers | undefined>>()[key]),
  };
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/** Reports each message as its own violation, all against `urn` (the stack when undefined). */
export function reportAll(report: ReportViolation, messages: readonly string[], urn?: string) {
  for (const message of messages) report(message, urn);
}
