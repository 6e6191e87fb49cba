// `npm run smoke -- …` arguments as one typed options object; every bad value is an Error naming
// the flag, the value given and what is allowed, so CI logs say what to fix.
import { parseArgs } from "node:util";

export const USAGE = `usage: npm run smoke -- (--url <https://host[:port]> | --stack <name>) [options]

  --url <base>          check <base>/healthz and <base>/health/ready
  --stack <name>        read healthUrl and readinessUrl from 'pulumi stack output --json --stack <name>'
  --insecure            do not verify the certificate chain (self-signed dev/test CAs)
  --ca <file>           trust this PEM CA/certificate instead of the system store
  --attempts <n>        attempts before failing (1-100, default 10)
  --delay-ms <ms>       first wait between attempts, doubled each time (0-600000, default 3000)
  --max-delay-ms <ms>   longest wait between attempts (0-600000, default 30000)
  --timeout-ms <ms>     per-request timeout (100-600000, default 10000)
  --min-cert-days <d>   required days before certificate expiry (0-3650, default 7)

Exit status 0 when every check passed, 1 otherwise.`;

/** Where the URLs to check come from: a base URL, or a stack's `healthUrl`/`readinessUrl`. */
export type SmokeTarget =
  | { readonly kind: "url"; readonly baseUrl: string }
  | { readonly kind: "stack"; readonly stack: string };

export interface SmokeOptions {
  readonly target: SmokeTarget;
  /** Skip certificate chain verification (dev/test self-signed CAs); expiry is still checked. */
  readonly insecure: boolean;
  /** PEM file with the CA (or self-signed certificate) to trust instead of the system store. */
  readonly caFile?: string;
  readonly attempts: number;
  /** Wait after the first failed attempt, doubled after each further one up to `maxDelayMs`. */
  readonly delayMs: number;
  readonly maxDelayMs: number;
  /** Per-request limit for connect + TLS + response headers. */
  readonly timeoutMs: number;
  /** The certificate must be valid for more than this many days. */
  readonly minCertDays: number;
}

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*){0,2}$/;
const text = { type: "string", multiple: true } as const;

function httpsBaseUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url) {
    throw new Error(
      `--url must be an absolute https:// URL such as https://example.com; got "${value}"`,
    );
  }
  if (url.protocol !== "https:") {
    throw new Error(
      `--url must use https:// (HSTS and the certificate are part of the check); got "${value}"`,
    );
  }
  if (url.search || url.hash) {
    throw new Error(`--url must be a base URL without query or fragment; got "${value}"`);
  }
  return url.href.replace(/\/+$/, "");
}

export function parseSmokeArgs(argv: readonly string[]): SmokeOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      url: text,
      stack: text,
      ca: text,
      attempts: text,
      "delay-ms": text,
      "max-delay-ms": text,
      "timeout-ms": text,
      "min-cert-days": text,
      insecure: { type: "boolean", default: false },
    },
  });
  const once = (flag: Exclude<keyof typeof values, "insecure">) => {
    const given = values[flag] ?? [];
    if (given.length > 1) throw new Error(`--${flag} was given twice; give it once`);
    return given[0];
  };
  const number = (flag: Parameters<typeof once>[0], fallback: number, min: number, max: number) => {
    const given = once(flag);
    if (given === undefined) return fallback;
    const value = /^\d+$/.test(given) ? Number(given) : NaN;
    if (!(value >= min && value <= max)) {
      throw new Error(`--${flag} must be a whole number from ${min} to ${max}; got "${given}"`);
    }
    return value;
  };

  const [url, stack, caFile] = [once("url"), once("stack"), once("ca")];
  let target: SmokeTarget;
  if (url !== undefined && stack !== undefined) {
    throw new Error(
      `give either --url or --stack, not both; got --url "${url}" and --stack "${stack}"`,
    );
  } else if (url !== undefined) {
    target = { kind: "url", baseUrl: httpsBaseUrl(url) };
  } else if (stack !== undefined) {
    if (!STACK_NAME.test(stack)) {
      throw new Error(
        `--stack must be a stack name such as "prod" or "org/webstack/prod"; got "${stack}"`,
      );
    }
    target = { kind: "stack", stack };
  } else {
    throw new Error("one of --url <https://host> or --stack <name> is required; see --help");
  }

  if (caFile?.trim() === "") throw new Error(`--ca must name a PEM file; got "${caFile}"`);
  if (values.insecure && caFile !== undefined) {
    throw new Error(
      `--insecure and --ca "${caFile}" contradict each other: --ca verifies the chain, --insecure skips it`,
    );
  }
  const delayMs = number("delay-ms", 3_000, 0, 600_000);
  const maxDelayMs = number("max-delay-ms", Math.max(30_000, delayMs), 0, 600_000);
  if (maxDelayMs < delayMs) {
    throw new Error(`--max-delay-ms must be at least --delay-ms (${delayMs}); got "${maxDelayMs}"`);
  }
  return {
    target,
    insecure: values.insecure,
    caFile,
    attempts: number("attempts", 10, 1, 100),
    delayMs,
    maxDelayMs,
    timeoutMs: number("timeout-ms", 10_000, 100, 600_000),
    minCertDays: number("min-cert-days", 7, 0, 3650),
  };
}
