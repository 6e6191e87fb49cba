// Runs the policy pack over a stack's recorded resources the way the Pulumi engine's analyzer
// does — props with secrets unwrapped and wrapped in @pulumi/policy's unknownCheckingProxy, the
// pack config's defaults filled in, unknown values turned into advisory notes — so the verdict
// offline is the verdict `pulumi preview --policy-pack` reaches.
import type {
  EnforcementLevel,
  Policies,
  Policy,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
} from "@pulumi/policy";
import { RecordedResource, unwrapSecrets } from "../mock-runtime/mocks";

// Internal to @pulumi/policy, but it is the proxy the analyzer wraps props in: a policy that reads
// an unknown value fails here exactly as it would during a preview.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T>(value: T): T;
  UnknownValueError: new (...args: unknown[]) => Error;
};

export type PackConfig = Record<string, EnforcementLevel | Record<string, unknown>>;

export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly resource?: string;
  readonly message: string;
}

export interface PolicyResult {
  readonly policy: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly violations: readonly Violation[];
  /** Checks the policy could not make (unknown values during preview). */
  readonly notes: readonly string[];
}

class NotApplicable extends Error {}

function enforcementOf(policy: Policy, config: PackConfig): EnforcementLevel {
  const entry = config[policy.name] ?? config.all;
  if (typeof entry === "string") return entry;
  const level = entry?.enforcementLevel as EnforcementLevel | undefined;
  return level ?? policy.enforcementLevel ?? "advisory";
}

/** The policy's config: schema defaults, overlaid with the pack config's entry. */
function configOf(policy: Policy, config: PackConfig): Record<string, unknown> {
  const defaults = Object.entries(policy.configSchema?.properties ?? {})
    .map(([key, schema]) => [key, (schema as { default?: unknown }).default])
    .filter(([, value]) => value !== undefined);
  const entry = config[policy.name];
  const values = { ...Object.fromEntries(defaults), ...(typeof entry === "object" ? entry : {}) };
  delete values.enforcementLevel;
  return values;
}

/** The resources as policies see them, each linked to the resources its inputs came from. */
function policyResources(resources: readonly RecordedResource[]): PolicyResource[] {
  const built = resources.map((r): PolicyResource => {
    const props = proxy.unknownCheckingProxy(unwrapSecrets(r.inputs) as Record<string, unknown>);
    const isType = (cls: unknown) => (cls as { __pulumiType?: string }).__pulumiType === r.type;
    return {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: {
        protect: r.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
      },
      dependencies: [],
      propertyDependencies: {},
      isType: isType as PolicyResource["isType"],
      asType: ((cls: unknown) => (isType(cls) ? props : undefined)) as PolicyResource["asType"],
    };
  });
  const byUrn = new Map(built.map((r) => [r.urn, r]));
  resources.forEach((r, i) => {
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      built[i].propertyDependencies[key] = urns.flatMap((urn) => byUrn.get(urn) ?? []);
    }
    built[i].dependencies = [...new Set(Object.values(built[i].propertyDependencies).flat())];
  });
  return built;
}

/** Evaluates every policy against the resources; never throws for a policy's own violations. */
export async function evaluatePolicies(
  policies: Policies,
  resources: readonly RecordedResource[],
  config: PackConfig = {},
): Promise<PolicyResult[]> {
  const results: PolicyResult[] = [];
  const stackResources = policyResources(resources);
  for (const policy of policies) {
    const enforcementLevel = enforcementOf(policy, config);
    const violations: Violation[] = [];
    const notes: string[] = [];
    results.push({
      policy: policy.name,
      description: policy.description,
      enforcementLevel,
      violations,
      notes,
    });
    if (enforcementLevel === "disabled") continue;
    const policyConfig = configOf(policy, config);
    const common = {
      getConfig: <T extends object>() => policyConfig as T,
      stackTags: new Map<string, string>(),
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
      },
    };
    /** Runs one validation of `resource` (undefined: of the stack), recording what it finds. */
    const run = async (
      resource: PolicyResource | undefined,
      validate: (r: ReportViolation) => unknown,
    ) => {
      const report: ReportViolation = (message, urn) => {
        const on = resource ?? stackResources.find((r) => r.urn === urn);
        violations.push({ policy: policy.name, enforcementLevel, resource: on?.name, message });
      };
      try {
        await validate(report);
      } catch (error) {
        if (error instanceof proxy.UnknownValueError) {
          notes.push(`${resource?.name ?? "stack"}: can't run during preview: ${error.message}`);
        } else if (!(error instanceof NotApplicable)) {
          throw new Error(
            `policy ${policy.name} failed on ${resource?.name ?? "the stack"}: ${String(error)}`,
          );
        }
      }
    };
    if ("validateResource" in policy && policy.validateResource) {
      for (const resource of stackResources) {
        // The same fields the engine sends; PolicyResource types its asType differently.
        const args = { ...common, ...resource } as unknown as ResourceValidationArgs;
        for (const validate of [policy.validateResource].flat()) {
          await run(resource, (report) => validate(args, report));
        }
      }
    }
    if ("validateStack" in policy && policy.validateStack) {
      const validateStack = policy.validateStack;
      await run(undefined, (report) =>
        validateStack({ ...common, resources: stackResources }, report),
      );
    }
  }
  return results;
}

/** True when any mandatory policy reported a violation. */
export function hasMandatoryViolations(results: readonly PolicyResult[]): boolean {
  return results.some((r) => r.enforcementLevel === "mandatory" && r.violations.length > 0);
}
