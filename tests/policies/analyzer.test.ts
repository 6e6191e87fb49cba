// The pack as the Pulumi CLI runs it: started through the pack's own @pulumi/pulumi
// `cmd/run-policy-pack` entrypoint (which compiles policies/index.ts and serves the analyzer),
// then spoken to over gRPC with the analyzer protocol — GetAnalyzerInfo, Configure with
// policies/config/<stack>.json and the schema defaults the analyzer announces, Analyze for each
// resource and AnalyzeStack with every resource, secrets encoded as the engine sends them. Its
// verdicts must be exactly those of `npm run policy` (tools/policy/evaluate.ts): where they
// differ, the analyzer is right.
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { RecordedResource } from "../../tools/mock-runtime/mocks";
import { runStack } from "../../tools/mock-runtime/run-stack";
import { policies } from "../../policies/policies";
import { evaluatePolicies, PackConfig } from "../../tools/policy/evaluate";
import { readPackConfig } from "../../tools/policy/report";
import { PROJECT_DIR, STACKS, stackConfig, withConfig } from "../support/program";

/* eslint-disable @typescript-eslint/no-require-imports */
const rpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const pb = require("@pulumi/pulumi/proto/analyzer_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const PACK_DIR = path.join(PROJECT_DIR, "policies");
// Resolved as the pack itself resolves its imports: policies/node_modules when `npm ci --prefix
// policies` has run (as .ci/run and the CLI do), else the project's own copy of the same SDK, so
// the README's `npm ci && npm test` works too.
const ENTRYPOINT = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });

type Call<Req, Res> = (
  request: Req,
  callback: (error: Error | null, response: Res) => void,
) => void;
const call = <Req, Res>(client: Record<string, unknown>, method: string, request: Req) =>
  new Promise<Res>((resolve, reject) =>
    (client[method] as Call<Req, Res>).call(client, request, (error, response) =>
      error ? reject(error) : resolve(response),
    ),
  );

let pack: ChildProcess;
let client: Record<string, unknown> & grpc.Client;
let info: { getPoliciesList(): { getName(): string; getConfigschema(): unknown }[] };

beforeAll(async () => {
  pack = spawn(process.execPath, [ENTRYPOINT, "127.0.0.1:0", "."], { cwd: PACK_DIR });
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    pack.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.trim().split("\n")[0]);
    });
    pack.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    pack.on("exit", (code) => reject(new Error(`the pack exited (${code}): ${err}`)));
  });
  client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  info = await call(client, "getAnalyzerInfo", new Empty());
}, 180_000);

afterAll(() => {
  client?.close();
  pack?.kill();
});

/** The engine's Configure: each policy's schema defaults, overlaid by the pack config file. */
async function configure(config: PackConfig): Promise<void> {
  const request = new pb.ConfigureAnalyzerRequest();
  for (const policy of info.getPoliciesList()) {
    const schema = (policy.getConfigschema() as { getProperties(): Struct | undefined })
      .getProperties()
      ?.toJavaScript() as Record<string, { default?: unknown }> | undefined;
    const defaults = Object.entries(schema ?? {}).filter(([, s]) => s.default !== undefined);
    const entry = config[policy.getName()];
    const values = {
      ...Object.fromEntries(defaults.map(([key, s]) => [key, s.default])),
      ...(typeof entry === "object" ? entry : {}),
    };
    const level = typeof entry === "string" ? entry : (config.all as string);
    const policyConfig = new pb.PolicyConfig();
    policyConfig.setEnforcementlevel(
      level === "mandatory" ? pb.EnforcementLevel.MANDATORY : pb.EnforcementLevel.ADVISORY,
    );
    policyConfig.setProperties(Struct.fromJavaScript(values as never));
    request.getPolicyconfigMap().set(policy.getName(), policyConfig);
  }
  await call(client, "configure", request);
}

/**
 * Inputs as the engine serializes them. The mock runtime records what the SDK sent, secrets
 * already in the engine's wire form ({"4dabf18193072939515e22adb298388d": <secret sig>, value}),
 * which the analyzer unwraps; absent (undefined) inputs are not sent at all.
 */
const engineProperties = (resource: RecordedResource): Struct =>
  Struct.fromJavaScript(JSON.parse(JSON.stringify(resource.inputs)));

function analyzerResource(resource: RecordedResource) {
  const options = new pb.AnalyzerResourceOptions();
  options.setProtect(resource.protect);
  const analyzed = new pb.AnalyzerResource();
  analyzed.setType(resource.type);
  analyzed.setUrn(resource.urn);
  analyzed.setName(resource.name);
  analyzed.setProperties(engineProperties(resource));
  analyzed.setOptions(options);
  for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
    const dependencies = new pb.AnalyzerPropertyDependencies();
    dependencies.setUrnsList(urns);
    analyzed.getPropertydependenciesMap().set(key, dependencies);
  }
  analyzed.setDependenciesList([...new Set(Object.values(resource.propertyDependencies).flat())]);
  return analyzed;
}

type Diagnostic = { getPolicyname(): string; getMessage(): string; getUrn(): string };

/** Every verdict over gRPC as "policy | resource | message" (the description line dropped). */
async function analyzerVerdicts(resources: readonly RecordedResource[], config: PackConfig) {
  await configure(config);
  const byUrn = new Map(resources.map((r) => [r.urn, r.name]));
  const line = (d: Diagnostic, urn: string) =>
    `${d.getPolicyname()} | ${byUrn.get(urn) ?? "stack"} | ${d.getMessage().split("\n").slice(1).join("\n")}`;
  const verdicts: string[] = [];
  for (const resource of resources) {
    const request = new pb.AnalyzeRequest();
    request.setType(resource.type);
    request.setUrn(resource.urn);
    request.setName(resource.name);
    request.setProperties(engineProperties(resource));
    request.setOptions(analyzerResource(resource).getOptions());
    const response = await call<unknown, { getDiagnosticsList(): Diagnostic[] }>(
      client,
      "analyze",
      request,
    );
    verdicts.push(...response.getDiagnosticsList().map((d) => line(d, resource.urn)));
  }
  const stack = new pb.AnalyzeStackRequest();
  stack.setResourcesList(resources.map(analyzerResource));
  const response = await call<unknown, { getDiagnosticsList(): Diagnostic[] }>(
    client,
    "analyzeStack",
    stack,
  );
  verdicts.push(...response.getDiagnosticsList().map((d) => line(d, d.getUrn())));
  return verdicts.sort();
}

async function evaluatorVerdicts(resources: readonly RecordedResource[], config: PackConfig) {
  const results = await evaluatePolicies(policies, resources, config);
  return results
    .flatMap((r) =>
      r.violations.map((v) => `${r.policy} | ${v.resource ?? "stack"} | ${v.message}`),
    )
    .sort();
}

test("the analyzer serves every policy of the pack, each taking the gate's tier", () => {
  const served = info.getPoliciesList().map((p) => p.getName());
  expect(served).toEqual(policies.map((p) => p.name));
  for (const policy of info.getPoliciesList()) {
    const schema = (policy.getConfigschema() as { getProperties(): Struct | undefined })
      .getProperties()
      ?.toJavaScript();
    expect(schema?.tier).toMatchObject({
      enum: ["dev", "test", "staging", "prod"],
      default: "prod",
    });
  }
});

test.each(STACKS)(
  "%s: the analyzer's verdicts are npm run policy's",
  async (stack) => {
    const { resources } = await runStack(stack, stackConfig(stack));
    const config = readPackConfig(PROJECT_DIR, stack);
    const verdicts = await analyzerVerdicts(resources, config);
    expect(verdicts).toEqual(await evaluatorVerdicts(resources, config));
    expect(verdicts).toEqual([]);
  },
  120_000,
);

test("loosened prod (webstack:environment dev): the same violations through the analyzer", async () => {
  const config = withConfig(stackConfig("prod"), { "webstack:environment": "dev" });
  const { resources } = await runStack("prod", config);
  const packConfig = readPackConfig(PROJECT_DIR, "prod");
  const verdicts = await analyzerVerdicts(resources, packConfig);
  expect(verdicts).toEqual(await evaluatorVerdicts(resources, packConfig));
  expect(verdicts).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^webstack-tier-not-lowered \| stack \| \d+ resources claim tier dev/),
      "webstack-rds-deletion-protection | prod-mysql-primary | Deletion protection must be on in prod.",
    ]),
  );
}, 120_000);
