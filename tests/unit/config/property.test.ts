// Property: whatever a stack file holds, validation either accepts it or rejects it with
// operator-readable lines (file, key, what is allowed) — never a TypeError or a stack trace.
import fc from "fast-check";
import { ConfigError, parseStackConfig } from "../../../components/config";
import { stackConfig } from "../../support/program";

const LINE = /^Pulumi\.[a-z]+\.yaml: (webstack|aws|docker|random|tls|pulumi|[a-z]+):\S* \S.*$/;

/** JSON-ish values of every shape, including the awkward ones. */
const anyValue = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: false }),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.boolean()), {
    maxKeys: 3,
  }),
);

const SECTIONS = ["mysql", "redis", "edge", "app", "network", "alerts"];
const KEYS = [
  "replicas",
  "shards",
  "engineVersion",
  "instanceClass",
  "nodeType",
  "storageGb",
  "memoryMb",
  "routes",
  "rateLimits",
  "tlsProtocols",
  "vpcCidr",
  "hosts",
  "image",
];

function check(stack: string, values: Record<string, string>): void {
  try {
    parseStackConfig({ project: "webstack", stack, values, secretKeys: new Set() }, "2026-11-22");
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.problems.length).toBeGreaterThan(0);
    for (const line of error.problems) expect(line).toMatch(LINE);
  }
}

describe("random stack configs", () => {
  test.each(["dev", "prod"])("%s: one section key set to anything", (stack) => {
    const base = stackConfig(stack).values;
    fc.assert(
      fc.property(fc.constantFrom(...SECTIONS), fc.constantFrom(...KEYS), anyValue, (s, k, v) => {
        const section = JSON.parse(base[`webstack:${s}`] ?? "{}") as Record<string, unknown>;
        check(stack, { ...base, [`webstack:${s}`]: JSON.stringify({ ...section, [k]: v }) });
      }),
      { numRuns: 300 },
    );
  });

  test("whole top-level values replaced by anything, including non-JSON text", () => {
    const base = stackConfig("staging").values;
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(base), "webstack:extra", "other:key"),
        fc.oneof(
          fc.string(),
          anyValue.map((v) => JSON.stringify(v) ?? "null"),
        ),
        (key, text) => check("staging", { ...base, [key]: text }),
      ),
      { numRuns: 300 },
    );
  });

  test("random subsets of the prod file's keys", () => {
    const base = stackConfig("prod").values;
    fc.assert(
      fc.property(fc.subarray(Object.keys(base)), (keys) =>
        check("prod", Object.fromEntries(keys.map((k) => [k, base[k]]))),
      ),
      { numRuns: 200 },
    );
  });
});
