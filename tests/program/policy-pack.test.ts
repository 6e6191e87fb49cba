// The policy pack against the real program: every default stack passes with no mandatory
// violation, using the same pack config CI passes with --policy-pack-config.
import { policies } from "../../policies/policies";
import { evaluatePolicies, PolicyResult } from "../../tools/policy/evaluate";
import { readPackConfig } from "../../tools/policy/report";
import { PROJECT_DIR, STACKS, synth } from "../support/program";

const results: Record<string, PolicyResult[]> = {};
beforeAll(async () => {
  for (const stack of STACKS) {
    const run = await synth(stack);
    results[stack] = await evaluatePolicies(
      policies,
      run.resources,
      readPackConfig(PROJECT_DIR, stack),
    );
  }
}, 120_000);

test.each(STACKS)("%s: no policy reports a violation", (stack) => {
  const findings = results[stack].flatMap((r) =>
    r.violations.map(
      (v) => `${r.policy} (${r.enforcementLevel}) ${v.resource ?? ""}: ${v.message}`,
    ),
  );
  expect(findings).toEqual([]);
});

test.each(STACKS)("%s: every policy ran as mandatory and could evaluate every value", (stack) => {
  expect(results[stack].map((r) => r.enforcementLevel)).toEqual(policies.map(() => "mandatory"));
  expect(results[stack].flatMap((r) => r.notes)).toEqual([]);
});

test("each stack's pack config file exists and enforces the pack", () => {
  for (const stack of STACKS)
    expect(readPackConfig(PROJECT_DIR, stack)).toMatchObject({ all: "mandatory" });
});
