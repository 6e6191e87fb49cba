// The program started the way `pulumi preview` and `pulumi up` start it: through
// `@pulumi/pulumi/cmd/run` with ts-node type-checking, config from the stack file as the CLI
// passes it, against a recording engine over gRPC (tests/support/recording-engine.ts). For every
// stack, in a preview (provider-computed values unknown) and an update: the program exits 0,
// registers what `npm run synth` registers, renders no unknown into text, and exports synth's
// outputs. What this cannot prove (no engine, no providers): docs/architecture.md.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { unwrapSecrets } from "../../tools/mock-runtime/mocks";
import { runStack, StackRun } from "../../tools/mock-runtime/run-stack";
import { ProgramRun, runThroughCmdRun } from "../support/cmd-run";
import { configObject, PROJECT_DIR, STACKS, stackConfig, withConfig } from "../support/program";
import { UNKNOWN } from "../support/recording-engine";
import { unknownLiterals, unknownValues } from "../support/unknown-literals";

const MODES = ["preview", "update"] as const;
type Mode = (typeof MODES)[number];

const CASES = STACKS.flatMap((stack) => MODES.map((mode) => [stack, mode] as const));
const runs = new Map<string, ProgramRun>();
const synths = new Map<string, StackRun>();
const key = (stack: string, mode: Mode) => `${stack} ${mode}`;
let tsNodeCache: string;

// A `secure:` key as the CLI passes it once decrypted: the plaintext, its key listed as secret.
const WEBHOOK = "https://hooks.example.com/alerts/3f9c2e7a";
const staging = stackConfig("staging");
const withSecretWebhook = withConfig(
  staging,
  {
    "webstack:alertWebhookUrl": WEBHOOK,
    "webstack:alerts": {
      ...configObject(staging, "webstack:alerts"),
      routes: { warning: ["email", "slack"], critical: ["email", "slack", "webhook"] },
    },
  },
  ["webstack:alertWebhookUrl"],
);
let secretRun: ProgramRun;
let secretSynth: StackRun;

async function run(stack: string, mode: Mode): Promise<void> {
  const config = stackConfig(stack);
  const preview = mode === "preview";
  const options = { projectDir: PROJECT_DIR, project: "webstack", stack, config, preview };
  runs.set(key(stack, mode), await runThroughCmdRun({ ...options, tsNodeCache }));
}

beforeAll(async () => {
  tsNodeCache = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-ts-node-"));
  // The first run starts with an empty ts-node cache, so it type-checks every file the program
  // loads; the others reuse its output as the runtime does between `pulumi` commands. Synth runs
  // in this process meanwhile, then the other runs go two at a time (the machine has two cores).
  const [first, ...rest] = CASES;
  const firstRun = run(...first);
  for (const stack of STACKS) synths.set(stack, await runStack(stack, stackConfig(stack)));
  await firstRun;
  const queue = [...rest];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await run(...next);
  };
  const secret = { projectDir: PROJECT_DIR, project: "webstack", stack: "staging", tsNodeCache };
  const secretRunning = runThroughCmdRun({ ...secret, config: withSecretWebhook, preview: false });
  await Promise.all([worker(), worker()]);
  secretSynth = await runStack("staging", withSecretWebhook);
  secretRun = await secretRunning;
}, 600_000);

afterAll(() => fs.rmSync(tsNodeCache, { recursive: true, force: true }));

test("the literal scan finds an unknown inside gzip inside base64 (as in user data)", () => {
  const file = gzipSync(`upstream app { server ${UNKNOWN}:8080; }`).toString("base64");
  const userData = Buffer.from(`#cloud-config\nwrite_files:\n- content: ${file}\n`).toString(
    "base64",
  );
  expect(unknownLiterals({ userData, whole: UNKNOWN })).toEqual(["userData"]);
});

describe.each(CASES)("%s, %s through cmd/run", (stack, mode) => {
  const programRun = () => runs.get(key(stack, mode))!;
  const synth = () => synths.get(stack)!;
  const registered = () =>
    programRun().engine.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack");

  test("exits 0 with nothing logged as an error", () => {
    const { exitCode, output, engine } = programRun();
    const errors = engine.logs.filter((log) => log.severity === "error");
    expect({ exitCode, errors, engineErrors: engine.errors }).toEqual({
      exitCode: 0,
      errors: [],
      engineErrors: [],
    });
    expect(output).not.toMatch(/error/i);
  });

  test("registers the resources synth registers, under the same parents", () => {
    const parentName = (urn: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "");
    const stackName = `webstack-${stack}`;
    const seen = registered().map((r) => {
      const parent = parentName(r.parent);
      return `${r.type}::${r.name} < ${parent === stackName ? "" : parent}`;
    });
    const expected = synth().resources.map((r) => `${r.type}::${r.name} < ${r.parent ?? ""}`);
    expect(seen.sort()).toEqual(expected.sort());
  });

  test("exports synth's outputs", () => {
    const outputs = programRun().engine.stackOutputs();
    expect(Object.keys(outputs ?? {}).sort()).toEqual(Object.keys(synth().outputs).sort());
  });

  if (mode === "preview") {
    test("renders no unknown value into text, and does leave some inputs unknown", () => {
      const literals = registered().flatMap((r) =>
        unknownLiterals(r.inputs).map((at) => `${r.type}::${r.name} ${at}`),
      );
      // What the program tells the person running `pulumi preview` is text too.
      const messages = programRun()
        .engine.logs.filter((log) => log.severity !== "debug" && log.message.includes(UNKNOWN))
        .map((log) => log.message);
      expect({ literals, messages }).toEqual({ literals: [], messages: [] });
      // A preview that knew everything would prove nothing about unknowns.
      expect(registered().flatMap((r) => unknownValues(r.inputs)).length).toBeGreaterThan(0);
    });
  } else {
    test("registers synth's inputs and exports synth's output values", () => {
      const inputs = (r: { type: string; name: string; inputs: unknown }) =>
        [`${r.type}::${r.name}`, unwrapSecrets(r.inputs)] as const;
      const byName = <T extends readonly [string, unknown]>(list: T[]) =>
        Object.fromEntries(list) as Record<string, unknown>;
      expect(byName(registered().map(inputs))).toEqual(byName(synth().resources.map(inputs)));
      expect(unwrapSecrets(programRun().engine.stackOutputs())).toEqual(
        unwrapSecrets(synth().outputs),
      );
    });
  }
});

/** Paths where `text` appears in `value` outside a secret wrapper, and how many inside one. */
function exposures(value: unknown, text: string, at = ""): { outside: string[]; inside: number } {
  const SECRET_SIG = "4dabf18193072939515e22adb298388d";
  if (typeof value === "string") return { outside: value.includes(text) ? [at] : [], inside: 0 };
  if (!value || typeof value !== "object") return { outside: [], inside: 0 };
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG] !== undefined) {
    const found = exposures(record.value, text, at);
    return { outside: [], inside: found.inside + found.outside.length };
  }
  return Object.entries(record)
    .map(([k, item]) => exposures(item, text, Array.isArray(value) ? `${at}[${k}]` : `${at}.${k}`))
    .reduce((a, b) => ({ outside: [...a.outside, ...b.outside], inside: a.inside + b.inside }), {
      outside: [],
      inside: 0,
    });
}

test("staging with a secret webhook: every input carrying it is marked secret on the wire", () => {
  expect(secretRun.exitCode).toBe(0);
  const found = secretRun.engine.registrations.map((r) => ({
    resource: `${r.type}::${r.name}`,
    ...exposures(r.inputs, WEBHOOK),
  }));
  expect(found.filter((r) => r.outside.length > 0)).toEqual([]);
  // Both alarm topics (the stack's region and us-east-1) subscribe the webhook, as in synth.
  const carriers = (list: { resource: string; inside: number }[]) =>
    list.filter((r) => r.inside > 0).map((r) => r.resource);
  const synthCarriers = secretSynth.resources.map((r) => ({
    resource: `${r.type}::${r.name}`,
    inside: exposures(r.inputs, WEBHOOK).inside,
  }));
  expect(carriers(found).sort()).toEqual(carriers(synthCarriers).sort());
  expect(carriers(found)).toHaveLength(2);
});
