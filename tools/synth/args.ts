// Command-line arguments of `npm run synth`.

export interface SynthArgs {
  readonly stacks: readonly string[] | "all";
  readonly outDir: string;
  readonly projectDir: string;
}

export const USAGE = `Usage: npm run synth -- (--stack <name> [--stack <name> ...] | --all) [--out <dir>]

Runs the webstack program for each stack under Pulumi's mock runtime (no CLI, no cloud
account, no Docker engine), prints the resources it would register and the policy pack's
findings, and writes <out>/<stack>/resources.json, outputs.json, policy-report.json plus every
rendered file. Exits 1 when a stack's config is invalid, the program fails, or a mandatory
policy is violated.

  --stack <name>   a stack with a Pulumi.<name>.yaml in the project directory
  --all            every Pulumi.<name>.yaml in the project directory
  --out <dir>      output directory (default: out)`;

export class UsageError extends Error {}

export function parseSynthArgs(argv: readonly string[], projectDir: string): SynthArgs {
  const stacks: string[] = [];
  let all = false;
  let outDir = "out";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === "--stack" || arg === "-s") stacks.push(value());
    else if (arg.startsWith("--stack=")) stacks.push(arg.slice("--stack=".length));
    else if (arg === "--all") all = true;
    else if (arg === "--out") outDir = value();
    else throw new UsageError(`unknown argument "${arg}"`);
  }
  if (all && stacks.length > 0) throw new UsageError("use either --stack or --all, not both");
  if (!all && stacks.length === 0) throw new UsageError("name a stack with --stack, or use --all");
  for (const stack of stacks) {
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`"${stack}" is not a stack name`);
  }
  return { stacks: all ? "all" : stacks, outDir, projectDir };
}
