// Runs the policy pack over a stack's recorded resources the way the Pulumi engine's analyzer
// does — props with secrets unwrapped and wrapped in @pulumi/policy's unknownCheckingProxy, the
// pack config's defaults filled in, unknown values turned into advisory notes — so the verdict
// offline is the verdict `pulumi preview --policy-pack` reaches.
import type {
  EnforcementLevel,
  Policies,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
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

function enforcementOf(
  policy: { name: string; enforcementLevel?: EnforcementLevel },
  config: PackConfig,
): EnforcementLevel {
  const entry = config[policy.name] ?? config.all;
  if (typeof entry === "string") return entry;
  const level = entry?.enforcementLevel as EnforcementLevel | undefined;
  return level ?? policy.enforcementLevel ?? "advisory";
}

/** The policy's config: schema defaults, overlaid with the pack config's entry. */
function configOf(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  config: PackConfig,
): Record<string, unknown> {
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => (schema as { default?: unknown }).default !== undefined)
      .map(([key, schema]) => [key, (schema as { default?: unknown }).default]),
  );
  const entry = config[policy.name];
  const own = typeof entry === "object" ? entry : {};
  const values: Record<string, unknown> = { ...defaults, ...own };
  delete values.enforcementLevel;
  return values;
}

function typeMatcher(type: string) {
  return (resourceClass: unknown) =>
    (resourceClass as { __pulumiType?: string }).__pulumiType === type;
}

function policyResources(resources: readonly RecordedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const built = resources.map((r) => {
    const props = proxy.unknownCheckingProxy(unwrapSecrets(r.inputs) as Record<string, unknown>);
    const resource: PolicyResource = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType: typeMatcher(r.type) as PolicyResource["isType"],
      asType: ((cls: unknown) =>
        typeMatcher(r.type)(cls) ? props : undefined) as PolicyResource["asType"],
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  resources.forEach((r, i) => {
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      built[i].propertyDependencies[key] = urns
        .map((urn) => byUrn.get(urn))
        .filter((d): d is PolicyResource => d !== undefined);
    }
    built[i].dependencies = [...new Set(Object.values(built[i].propertyDependencies).flat())];
  });
  return built;
}

function optionsOf(r: RecordedResource): ResourceValidationArgs["opts"] {
  return {
    protect: r.protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
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
    if (enforcementLevel === "disabled") {
      results.push({
        policy: policy.name,
        description: policy.description,
        enforcementLevel,
        violations,
        notes,
      });
      continue;
    }
    const policyConfig = configOf(policy, config);
    const common = {
      getConfig: <T extends object>() => policyConfig as T,
      stackTags: new Map<string, string>(),
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
      },
    };
    const run = async (resource: string | undefined, body: () => unknown) => {
      try {
        await body();
      } catch (error) {
        if (error instanceof proxy.UnknownValueError) {
          notes.push(`${resource ?? "stack"}: can't run during preview: ${error.message}`);
        } else if (!(error instanceof NotApplicable)) {
          throw new Error(
            `policy ${policy.name} failed on ${resource ?? "the stack"}: ${String(error)}`,
          );
        }
      }
    };
    if ("validateResource" in policy && policy.validateResource) {
      const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource];
      for (const resource of stackResources) {
        const args: ResourceValidationArgs = {
          ...common,
          type: resource.type,
          props: resource.props,
          urn: resource.urn,
          name: resource.name,
          opts: resource.opts,
          isType: resource.isType,
          asType: ((cls: unknown) =>
            typeMatcher(resource.type)(cls)
              ? resource.props
              : undefined) as ResourceValidationArgs["asType"],
        };
        for (const validation of validations) {
          await run(resource.name, () =>
            validation(args, (message) =>
              violations.push({
                policy: policy.name,
                enforcementLevel,
                resource: resource.name,
                message,
              }),
            ),
          );
        }
      }
    }
    if ("validateStack" in policy && policy.validateStack) {
      const validateStack = policy.validateStack;
      await run(undefined, () =>
        validateStack({ ...common, resources: stackResources }, (message, urn) =>
          violations.push({
            policy: policy.name,
            enforcementLevel,
            resource: stackResources.find((r) => r.urn === urn)?.name,
            message,
          }),
        ),
      );
    }
    results.push({
      policy: policy.name,
      description: policy.description,
      enforcementLevel,
      violations,
      notes,
    });
  }
  return results;
}

/** True when any mandatory policy reported a violation. */
export function hasMandatoryViolations(results: readonly PolicyResult[]): boolean {
  return results.some((r) => r.enforcementLevel === "mandatory" && r.violations.length > 0);
}
