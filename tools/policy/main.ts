// `npm run policy -- --stack <name>` (or --all): the webstack policy pack against a stack's
// resources under the mock runtime. Exits 1 on any mandatory violation or invalid config.
import { ConfigError } from "../../components/config";
import { policies } from "../../policies/policies";
import { runStack } from "../mock-runtime/run-stack";
import { listStacks, readStackFile } from "../mock-runtime/stack-file";
import { parseSynthArgs, UsageError } from "../synth/args";
import { evaluatePolicies, hasMandatoryViolations } from "./evaluate";
import { policyReport, readPackConfig } from "./report";

const USAGE = `Usage: npm run policy -- (--stack <name> ... | --all)

Evaluates the policy pack (policies/) against each stack's resources under the mock runtime,
with the pack config from policies/config/<stack>.json, and prints each policy's verdict.
Exits 1 when any mandatory policy is violated or a stack's config is invalid.`;

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const args = parseSynthArgs(argv, process.cwd());
  const stacks = args.stacks === "all" ? listStacks(args.projectDir) : args.stacks;
  let failed = 0;
  for (const stack of stacks) {
    try {
      const run = await runStack(stack, readStackFile(args.projectDir, stack));
      const results = await evaluatePolicies(
        policies,
        run.resources,
        readPackConfig(args.projectDir, stack),
      );
      console.log(policyReport(stack, results) + "\n");
      if (hasMandatoryViolations(results)) failed++;
    } catch (error) {
      failed++;
      console.error(
        `Stack ${stack} failed:\n${error instanceof ConfigError ? error.message : String(error)}\n`,
      );
    }
  }
  return failed > 0 ? 1 : 0;
}

// Exit by setting the code, not process.exit(): tsx writes its compile cache asynchronously, and
// exiting at once left every cache file empty, so each run compiled the program anew.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`policy: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    console.error(error);
    process.exitCode = 1;
  },
);
