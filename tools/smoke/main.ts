// Entry point of `npm run smoke`: after a deploy, prove the environment answers health and
// readiness over HTTPS with HSTS and a certificate that is not about to expire. Exit 0 or 1.
import * as fs from "node:fs";
import { parseSmokeArgs, USAGE } from "./args";
import { CheckResult, evaluate } from "./checks";
import { probe, TlsTrust } from "./probe";
import { annotation, failureSummary, formatCheck } from "./report";
import { retryUntil, sleep } from "./retry";
import { CommandRunner, resolveUrls, runCommand } from "./targets";

export interface SmokeIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly now: () => Date;
  readonly wait: (ms: number) => Promise<void>;
  readonly run: CommandRunner;
  /** True inside GitHub Actions: failures are also emitted as `::error::` annotations. */
  readonly annotate: boolean;
}

const defaultIo: SmokeIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  now: () => new Date(),
  wait: sleep,
  run: runCommand,
  annotate: process.env.GITHUB_ACTIONS === "true",
};

function readCa(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`--ca "${file}" cannot be read: ${(error as Error).message}`);
  }
}

export async function runSmoke(argv: readonly string[], io: SmokeIo = defaultIo): Promise<number> {
  try {
    const options = parseSmokeArgs(argv);
    if (options.help) {
      io.out(USAGE);
      return 0;
    }
    const trust: TlsTrust = {
      verify: !options.insecure,
      ca: options.caFile ? readCa(options.caFile) : undefined,
    };
    const urls = await resolveUrls(options.target, io.run);
    io.out(`smoke: checking ${urls.healthUrl} and ${urls.readinessUrl}`);

    const { result, attempts } = await retryUntil<CheckResult[]>(
      async () => {
        const [health, readiness] = await Promise.all([
          probe(urls.healthUrl, trust, options.timeoutMs),
          probe(urls.readinessUrl, trust, options.timeoutMs),
        ]);
        return evaluate(health, readiness, io.now(), options.minCertDays);
      },
      (results) => results.every((r) => r.ok),
      options,
      (results, n, waitMs) =>
        io.out(
          `smoke: attempt ${n}/${options.attempts} failed: ${failureSummary(results)}; retrying in ${waitMs} ms`,
        ),
      io.wait,
    );

    for (const check of result) io.out(formatCheck(check));
    const failed = result.filter((r) => !r.ok);
    if (failed.length === 0) {
      io.out(`smoke: all checks passed (attempt ${attempts}/${options.attempts})`);
      return 0;
    }
    if (io.annotate) for (const check of failed) io.err(annotation(check));
    io.err(`smoke: FAILED after ${attempts} attempt(s): ${failed.map((r) => r.check).join(", ")}`);
    return 1;
  } catch (error) {
    io.err(`smoke: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  void runSmoke(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
