// Command-line arguments of `npm run synth` (and `npm run policy`): which stacks, where to write.
import { parseArgs } from "node:util";

export interface SynthArgs {
  readonly stacks: readonly string[] | "all";
  readonly outDir: string;
  readonly projectDir: string;
}

export class UsageError extends Error {}

export function parseSynthArgs(argv: readonly string[], projectDir: string): SynthArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string", short: "s", multiple: true, default: [] },
        all: { type: "boolean", default: false },
        out: { type: "string", default: "out" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { stack: stacks, all, out: outDir } = values;
  if (all && stacks.length > 0) throw new UsageError("use either --stack or --all, not both");
  if (!all && stacks.length === 0) throw new UsageError("name a stack with --stack, or use --all");
  const bad = stacks.find((stack) => !/^[A-Za-z0-9_.-]+$/.test(stack));
  if (bad !== undefined) throw new UsageError(`"${bad}" is not a stack name`);
  return { stacks: all ? "all" : stacks, outDir, projectDir };
}
