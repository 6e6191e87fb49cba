// Starts the program the way the Pulumi CLI's Node language host does
// (sdk/nodejs/cmd/pulumi-language-nodejs/main.go: constructArguments, constructConfig,
// execRuntime): `node @pulumi/pulumi/cmd/run <flags> .` in the project directory, config in
// PULUMI_CONFIG as "<namespace>:config:<key>" strings, secret keys in PULUMI_CONFIG_SECRET_KEYS,
// and PULUMI_NODEJS_TYPESCRIPT=true (Pulumi.yaml leaves the `typescript` option at its default),
// so ts-node type-checks the program as it loads.
import { spawn } from "node:child_process";
import * as os from "node:os";
import type { StackFileConfig } from "../../tools/mock-runtime/stack-file";
import { RecordingEngine, startRecordingEngine } from "./recording-engine";

export interface ProgramRun {
  readonly stack: string;
  readonly preview: boolean;
  readonly exitCode: number | null;
  readonly output: string;
  readonly seconds: number;
  readonly engine: RecordingEngine;
}

/** The CLI's config bag: keys in the old "<namespace>:config:<name>" form, values as strings. */
export function pulumiConfigEnv(config: StackFileConfig): Record<string, string> {
  const bag = Object.fromEntries(
    Object.entries(config.values).map(([key, value]) => [key.replace(":", ":config:"), value]),
  );
  return {
    PULUMI_CONFIG: JSON.stringify(bag),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(config.secretKeys),
  };
}

/**
 * Runs the program at `projectDir` for `stack` against a fresh recording engine. `tsNodeCache`
 * is ts-node's compile cache: the runtime keeps one in the temp directory by default, and a run
 * with an empty one type-checks every file it loads.
 */
export async function runThroughCmdRun(options: {
  readonly projectDir: string;
  readonly project: string;
  readonly stack: string;
  readonly config: StackFileConfig;
  readonly preview: boolean;
  readonly tsNodeCache: string;
  /** A program that has not exited by then is killed (and the run reports exit code null). */
  readonly timeoutMs?: number;
}): Promise<ProgramRun> {
  const { projectDir, project, stack, preview } = options;
  const engine = await startRecordingEngine({ project, stack, preview });
  // The host passes its own environment on; drop anything that would change how the SDK or
  // ts-node behave here (a developer's PULUMI_* or TS_NODE_* settings).
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(PULUMI_|TS_NODE_)/.test(key)),
  );
  const args = [
    require.resolve("@pulumi/pulumi/cmd/run"),
    ...["--monitor", engine.address, "--engine", engine.address],
    // "organization" is what a self-managed backend reports as the organization.
    ...["--organization", "organization", "--project", project],
    ...["--root-directory", projectDir, "--stack", stack, "--pwd", projectDir],
    ...(preview ? ["--dry-run"] : []),
    // The CLI's default --parallel: four per CPU (pkg/cmd/pulumi/operations/up.go).
    ...["--parallel", String(os.availableParallelism() * 4), "."],
  ];
  const started = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: projectDir,
    env: {
      ...inherited,
      ...pulumiConfigEnv(options.config),
      PULUMI_NODEJS_TYPESCRIPT: "true",
      TS_NODE_CACHE_DIRECTORY: options.tsNodeCache,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 240_000);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  }).finally(() => clearTimeout(timer));
  await engine.close();
  return { stack, preview, exitCode, output, seconds: (Date.now() - started) / 1000, engine };
}
