// Small builders shared by every area file: a resource policy bound to resource types, the
// props/tier plumbing each one needs, and reporting a list of messages at once. Types are matched
// by token so the pack does not depend on the provider SDKs (it installs in seconds in CI).
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { Tier } from "../components/catalog/tiers";
import { Props, tierOrStrictest } from "./tier";

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
  readonly enforcementLevel?: EnforcementLevel;
  readonly configSchema?: PolicyConfigSchema;
}

/** A resource policy that runs `check` on resources of the given types ("any": every type). */
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
      check(
        { type: args.type, name: args.name, props, tier: tierOrStrictest(props), args },
        report,
      );
    },
  };
}

/** A stack policy over every resource of the stack. */
export function stackPolicy(
  meta: PolicyMeta,
  check: (args: StackValidationArgs, report: ReportViolation) => void,
): StackValidationPolicy {
  return { enforcementLevel: "mandatory", ...meta, validateStack: check };
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/** Reports each message as its own violation, all against `urn` (the stack when undefined). */
export function reportAll(
  report: ReportViolation,
  messages: readonly string[],
  urn?: string,
): void {
  for (const message of messages) report(message, urn);
}
