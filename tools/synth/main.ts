// `npm run synth`: the webstack program for one or every stack under Pulumi's mock runtime, like
// `cdk synth` — what each environment would create, with no Pulumi CLI, cloud account or Docker.
import * as fs from "node:fs";

import * as path from "node:path";
import { ConfigError } from "../../components/config";
import { policies } from "../../policies/policies";
import { runStack } from "../mock-runtime/run-stack";
import { evaluatePolicies, hasMandatoryViolations } from "../policy/evaluate";
import { policyReport, readPackConfig } from "../policy/report";
import { listStacks, readStackFile } from "../mock-runtime/stack-file";
import { parseSynthArgs, USAGE, UsageError } from "./args";
import { resourceTable, writeStackOutput } from "./report";

async function main(argv: readonly string[]): Promise<number> {
  // The Pulumi SDK captures a stack trace for every resource and promise (source positions, leak
  // reports) that synth never prints: it reports errors by message. Capturing them, and with
  // source maps on (as tsx turns them on) mapping each back to TypeScript, was over a third of
  // synth's time. Set WEBSTACK_STACK_TRACES=1 for full TypeScript stack traces of a program bug.
  if (process.env.WEBSTACK_STACK_TRACES !== "1") {
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
  }
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
      const dir = writeStackOutput(args.outDir, run);
      const results = await evaluatePolicies(
        policies,
        run.resources,
        readPackConfig(args.projectDir, stack),
      );
      fs.writeFileSync(
        path.join(dir, "policy-report.json"),
        JSON.stringify(results, null, 2) + "\n",
      );
      console.log(policyReport(stack, results, { onlyFindings: true }));
      console.log(`  wrote ${dir}/\n`);
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
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`synth: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    console.error(error);
    process.exitCode = 1;
  },
);
