// Runs policies against hand-made resources through the same evaluator `npm run policy` uses
// (props wrapped in @pulumi/policy's unknownCheckingProxy), for one-property mutation tests.
import { TIERS } from "../../components/catalog/tiers";
import { policies } from "../../policies/policies";
import type { RecordedResource } from "../../tools/mock-runtime/mocks";
import type { StackRun } from "../../tools/mock-runtime/run-stack";
import { evaluatePolicies, PackConfig, PolicyResult } from "../../tools/policy/evaluate";
import { readPackConfig } from "../../tools/policy/report";
import { PROJECT_DIR } from "./program";

export interface FakeResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly protect?: boolean;
  /** Component types of its ancestors, outermost first: the engine writes them into the URN. */
  readonly parentTypes?: readonly string[];
  /** Input name → names of the resources its value came from (those absent from the list are dropped). */
  readonly dependsOn?: Record<string, string[]>;
}

const urnOf = (r: FakeResource) =>
  `urn:pulumi:test::webstack::${[...(r.parentTypes ?? []), r.type].join("$")}::${r.name}`;

function recorded(resources: readonly FakeResource[]): RecordedResource[] {
  const byName = new Map(resources.map((r) => [r.name, r]));
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: urnOf(r),
    custom: true,
    inputs: r.props,
    protect: r.protect ?? false,
    retainOnDelete: false,
    propertyDependencies: Object.fromEntries(
      Object.entries(r.dependsOn ?? {}).map(([key, names]) => [
        key,
        names.filter((n) => byName.has(n)).map((n) => urnOf(byName.get(n) as FakeResource)),
      ]),
    ),
  }));
}

/** The environment tag or label of a hand-made resource. */
function tierTag(resource: FakeResource): unknown {
  const { tags, labels } = resource.props as { tags?: Record<string, unknown>; labels?: unknown };
  const label = Array.isArray(labels)
    ? (labels as { label: string; value: unknown }[]).find((l) => l.label === "environment")
    : undefined;
  return tags?.environment ?? label?.value;
}

/** The full result of one policy over the resources, judged at the tier given in `config` (else
 * the weakest tier its resources are tagged for, as CI picks the pack config by stack). */
export async function resultOf(
  policyName: string,
  resources: readonly FakeResource[],
  config: PackConfig = {},
): Promise<PolicyResult> {
  const policy = policies.find((p) => p.name === policyName);
  if (!policy) throw new Error(`no policy named ${policyName}`);
  const entry = config[policyName];
  const own = typeof entry === "object" ? entry : {};
  // The gate's tier, as CI passes it for the stack: the tier the hand-made stack is built for.
  const tier = own.tier ?? TIERS.find((t) => resources.some((r) => tierTag(r) === t)) ?? "prod";
  const withTier = { ...config, [policyName]: { ...own, tier } };
  const [result] = await evaluatePolicies([policy], recorded(resources), withTier);
  return result;
}

/** Violation messages of one policy over the resources. */
export async function violations(
  policyName: string,
  resources: readonly FakeResource[],
  config: PackConfig = {},
): Promise<string[]> {
  return (await resultOf(policyName, resources, config)).violations.map((v) => v.message);
}

/** Tags every program resource carries, for a given tier. */
export const tagsFor = (environment: string) => ({
  environment,
  project: "webstack",
  owner: "platform-team",
  stack: environment,
});

/** Every violation the whole pack finds in a program run, with its stack's pack config. */
export async function packViolations(run: StackRun): Promise<string[]> {
  const results = await evaluatePolicies(
    policies,
    run.resources,
    readPackConfig(PROJECT_DIR, run.stack),
  );
  return results.flatMap((r) => r.violations.map((v) => `${r.policy}: ${v.message}`));
}
