// The two URLs to probe: under a base URL, or a stack's outputs from `pulumi stack output
// --json` — healthUrl (answered by Nginx itself: the edge and its TLS are up) and readinessUrl
// (answered by the app: 503 while the database is unreachable).
import { execFile } from "node:child_process";
import type { SmokeTarget } from "./args";

export interface SmokeUrls {
  readonly healthUrl: string;
  readonly readinessUrl: string;
}

/** Runs a command and resolves with its exit code and output; never rejects on a non-zero exit. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
) => Promise<{ code: number | null; stdout: string; stderr: string; missing?: boolean }>;

export const runCommand: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr, missing: error?.code === "ENOENT" });
    });
  });

/** Picks the probe URLs out of `pulumi stack output --json`. */
export function urlsFromStackOutputs(json: string, stack: string): SmokeUrls {
  let outputs: Record<string, unknown>;
  try {
    outputs = JSON.parse(json);
  } catch {
    const got = json.slice(0, 200);
    throw new Error(
      `'pulumi stack output --json --stack ${stack}' did not print JSON; got "${got}"`,
    );
  }
  if (outputs === null || typeof outputs !== "object" || Array.isArray(outputs)) {
    throw new Error(`stack "${stack}" outputs must be a JSON object; got ${json.slice(0, 200)}`);
  }
  const https = (name: string) => {
    const value = outputs[name];
    if (typeof value === "string" && /^https:\/\/\S+$/.test(value)) return value;
    const got = value === undefined ? "no such output" : JSON.stringify(value);
    throw new Error(`stack "${stack}" output "${name}" must be an https:// URL; got ${got}`);
  };
  return { healthUrl: https("healthUrl"), readinessUrl: https("readinessUrl") };
}

export async function resolveUrls(target: SmokeTarget, run: CommandRunner): Promise<SmokeUrls> {
  if (target.kind === "url") {
    return {
      healthUrl: `${target.baseUrl}/healthz`,
      readinessUrl: `${target.baseUrl}/health/ready`,
    };
  }
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
