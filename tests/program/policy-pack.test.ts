// The policy pack against the real program: every default stack passes with no mandatory
// violation, using the same pack config CI passes with --policy-pack-config.
import { policies } from "../../policies/policies";
import { evaluatePolicies, PolicyResult } from "../../tools/policy/evaluate";
import { readPackConfig } from "../../tools/policy/report";
import { PROJECT_DIR, STACKS, stackConfig, synth, withSection } from "../support/program";

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

test("each stack's pack config file exists, enforces the pack and judges every policy at the stack's tier", () => {
  // The workflows pass policies/config/<stack>.json by stack name, and each stack is its own tier.
  for (const stack of STACKS) {
    const config = readPackConfig(PROJECT_DIR, stack);
    expect(config).toMatchObject({ all: "mandatory" });
    for (const policy of policies) expect(config[policy.name]).toMatchObject({ tier: stack });
  }
});

describe("config and pack agree on an engine past standard support", () => {
  const onMysql80 = (extra: Record<string, unknown>) =>
    withSection(stackConfig("prod"), "webstack:mysql", { engineVersion: "8.0.39", ...extra });

  test("opted in to Extended Support: config accepts it and so does the pack", async () => {
    const run = await synth("prod", onMysql80({ allowExtendedSupport: true }));
    const results = await evaluatePolicies(
      policies,
      run.resources,
      readPackConfig(PROJECT_DIR, "prod"),
    );
    expect(results.flatMap((r) => r.violations)).toEqual([]);
  }, 60_000);

  test("not opted in: config refuses it before any resource", async () => {
    await expect(synth("prod", onMysql80({}))).rejects.toThrow(
      "webstack:mysql.engineVersion is past end of standard support (MySQL 8.0 ended 2026-07-31)",
    );
  });
});
