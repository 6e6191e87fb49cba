// `npm run synth`: the webstack program for one or every stack under Pulumi's mock runtime, like
// `cdk synth` — what each environment would create, with no Pulumi CLI, cloud account or Docker.
import "./fast-start"; // first: it changes how everything after it loads
import { ConfigError } from "../../components/config";
import { policies } from "../../policies/policies";
import { runStack } from "../mock-runtime/run-stack";
import { listStacks, readStackFile } from "../mock-runtime/stack-file";
import { evaluatePolicies, hasMandatoryViolations } from "../policy/evaluate";
import { policyReport, readPackConfig } from "../policy/report";
import { parseSynthArgs, UsageError } from "./args";
import { resourceTable, writeStackOutput } from "./report";

const USAGE = `Usage: npm run synth -- (--stack <name> [--stack <name> ...] | --all) [--out <dir>]

Runs the webstack program for each stack under Pulumi's mock runtime (no CLI, no cloud
account, no Docker engine), prints the resources it would register and the policy pack's
findings, and writes <out>/<stack>/resources.json, outputs.json, policy-report.json plus every
rendered file. Exits 1 when a stack's config is invalid, the program fails, or a mandatory
policy is violated.

  --stack <name>   a stack with a Pulumi.<name>.yaml in the project directory
  --all            every Pulumi.<name>.yaml in the project directory
  --out <dir>      output directory (default: out)`;

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const args = parseSynthArgs(argv, process.cwd());
  const stacks = args.stacks === "all" ? listStacks(args.projectDir) : args.stacks;
  if (stacks.length === 0) throw new UsageError(`no Pulumi.<stack>.yaml in ${args.projectDir}`);
  let failed = 0;
  for (const stack of stacks) {
    try {
      const run = await runStack(stack, readStackFile(args.projectDir, stack));
      console.log(resourceTable(run));
      const packConfig = readPackConfig(args.projectDir, stack);
      const results = await evaluatePolicies(policies, run.resources, packConfig);
      console.log(policyReport(stack, results, { onlyFindings: true }));
      console.log(`  wrote ${writeStackOutput(args.outDir, run, results)}/\n`);
      if (hasMandatoryViolations(results)) failed++;
    } catch (error) {
      failed++;
      const traced = process.env.WEBSTACK_STACK_TRACES === "1" && error instanceof Error;
      const message =
        error instanceof ConfigError ? error.message : traced ? String(error.stack) : String(error);
      console.error(`Stack ${stack} failed:\n${message}\n`);
    }
  }
  if (failed > 0) console.error(`${failed} of ${stacks.length} stacks failed.`);
  return failed > 0 ? 1 : 0;
}

// Exit by setting the code, not process.exit(): tsx writes its compile cache asynchronously, and
// exiting at once left every cache file empty, so each run compiled the program anew.
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const usage = error instanceof UsageError;
    console.error(usage ? `synth: ${error.message}\n\n${USAGE}` : error);
    process.exitCode = usage ? 2 : 1;
  },
);
