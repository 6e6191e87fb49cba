// Turns the smoke target (a base URL or a stack) into the two URLs to probe. Stack outputs come
// from `pulumi stack output --json`, the same names the program exports (healthUrl, readinessUrl).
import { execFile } from "node:child_process";
import { SmokeTarget } from "./args";

export interface SmokeUrls {
  /** Answered by Nginx itself: proves the edge and its TLS are up. */
  readonly healthUrl: string;
  /** Answered by the app: 503 while the database is unreachable. */
  readonly readinessUrl: string;
}

/** Runs a command and resolves with its exit code and output; never rejects on a non-zero exit. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
) => Promise<{ code: number | null; stdout: string; stderr: string; missing?: boolean }>;

export const runCommand: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr, missing: error?.code === "ENOENT" });
    });
  });

export function urlsFromBase(baseUrl: string): SmokeUrls {
  const base = baseUrl.replace(/\/+$/, "");
  return { healthUrl: `${base}/healthz`, readinessUrl: `${base}/health/ready` };
}

function requireHttpsOutput(outputs: Record<string, unknown>, name: string, stack: string): string {
  const value = outputs[name];
  if (typeof value !== "string" || !/^https:\/\/[^\s]+$/.test(value)) {
    const got = value === undefined ? "no such output" : JSON.stringify(value);
    throw new Error(`stack "${stack}" output "${name}" must be an https:// URL; got ${got}`);
  }
  return value;
}

/** Picks the probe URLs out of `pulumi stack output --json`. */
export function urlsFromStackOutputs(json: string, stack: string): SmokeUrls {
  let outputs: unknown;
  try {
    outputs = JSON.parse(json);
  } catch {
    throw new Error(
      `'pulumi stack output --json --stack ${stack}' did not print JSON; got "${json.slice(0, 200)}"`,
    );
  }
  if (outputs === null || typeof outputs !== "object" || Array.isArray(outputs)) {
    throw new Error(`stack "${stack}" outputs must be a JSON object; got ${json.slice(0, 200)}`);
  }
  const record = outputs as Record<string, unknown>;
  return {
    healthUrl: requireHttpsOutput(record, "healthUrl", stack),
    readinessUrl: requireHttpsOutput(record, "readinessUrl", stack),
  };
}

export async function resolveUrls(
  target: SmokeTarget,
  run: CommandRunner = runCommand,
): Promise<SmokeUrls> {
  if (target.kind === "url") return urlsFromBase(target.baseUrl);
  const args = ["stack", "output", "--json", "--stack", target.stack];
  const result = await run("pulumi", args);
  if (result.missing) {
    throw new Error("the pulumi CLI is not on PATH; install it or use --url <https://host>");
  }
  if (result.code !== 0) {
    const detail = (result.stderr || result.stdout).trim().slice(0, 500);
    throw new Error(`'pulumi ${args.join(" ")}' exited ${result.code}: ${detail}`);
  }
  return urlsFromStackOutputs(result.stdout, target.stack);
}
