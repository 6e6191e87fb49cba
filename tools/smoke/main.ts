// Entry point of `npm run smoke`: after a deploy, prove the environment answers health and
// readiness over HTTPS with HSTS and a certificate that is not about to expire. Exit 0 or 1.
// A fresh deploy needs a minute to pass its health checks, so the whole set is retried with
// exponential backoff; a broken one still fails the job in bounded time.
import * as fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { parseSmokeArgs, SmokeOptions, USAGE } from "./args";
import { annotation, evaluate, failureSummary, formatCheck } from "./checks";
import { probe } from "./probe";
import { CommandRunner, resolveUrls, runCommand } from "./targets";

export interface SmokeIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly wait: (ms: number) => Promise<unknown>;
  readonly run: CommandRunner;
}

const processIo: SmokeIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  wait: (ms) => sleep(ms),
  run: runCommand,
};

/** The wait after failed attempt `n` (from 1): delay, 2×delay, 4×delay, … capped at maxDelayMs. */
export function backoffMs(options: Pick<SmokeOptions, "delayMs" | "maxDelayMs">, n: number) {
  return Math.min(options.delayMs * 2 ** (n - 1), options.maxDelayMs);
}

function readCa(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`--ca "${file}" cannot be read: ${(error as Error).message}`);
  }
}

export async function runSmoke(argv: readonly string[], io: SmokeIo = processIo): Promise<number> {
  if (argv.includes("--help")) {
    io.out(USAGE);
    return 0;
  }
  try {
    const options = parseSmokeArgs(argv);
    const ca = options.caFile === undefined ? undefined : readCa(options.caFile);
    const trust = { rejectUnauthorized: !options.insecure, ca };
    const urls = await resolveUrls(options.target, io.run);
    io.out(`smoke: checking ${urls.healthUrl} and ${urls.readinessUrl}`);
    for (let attempt = 1; ; attempt++) {
      const [health, readiness] = await Promise.all(
        [urls.healthUrl, urls.readinessUrl].map((url) => probe(url, trust, options.timeoutMs)),
      );
      const results = evaluate(health, readiness, new Date(), options.minCertDays);
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0 && attempt < options.attempts) {
        const waitMs = backoffMs(options, attempt);
        const summary = failureSummary(results);
        io.out(
          `smoke: attempt ${attempt}/${options.attempts} failed: ${summary}; retrying in ${waitMs} ms`,
        );
        await io.wait(waitMs);
        continue;
      }
      for (const check of results) io.out(formatCheck(check));
      if (failed.length === 0) {
        io.out(`smoke: all checks passed (attempt ${attempt}/${options.attempts})`);
        return 0;
      }
      if (process.env.GITHUB_ACTIONS === "true") failed.forEach((r) => io.err(annotation(r)));
      const names = failed.map((r) => r.check).join(", ");
      io.err(`smoke: FAILED after ${attempt} attempt(s): ${names}`);
      return 1;
    }
  } catch (error) {
    io.err(`smoke: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  void runSmoke(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
