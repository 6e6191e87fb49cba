// Parses `npm run smoke -- …` arguments into one typed options object; every bad flag is an
// Error naming the flag, the value given and what is allowed, so CI logs say what to fix.

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
  /** How many times the whole set of checks runs before giving up. @default 10 */
  readonly attempts: number;
  /** Wait before the second attempt; doubled each time up to `maxDelayMs`. @default 3000 */
  readonly delayMs: number;
  /** Longest wait between two attempts. @default 30000 */
  readonly maxDelayMs: number;
  /** Per-request limit for connect + TLS + response headers. @default 10000 */
  readonly timeoutMs: number;
  /** The certificate must be valid for more than this many days. @default 7 */
  readonly minCertDays: number;
  readonly help: boolean;
}

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

const VALUE_FLAGS = [
  "--url",
  "--stack",
  "--ca",
  "--attempts",
  "--delay-ms",
  "--max-delay-ms",
  "--timeout-ms",
  "--min-cert-days",
] as const;
const BOOLEAN_FLAGS = ["--insecure", "--help"] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*){0,2}$/;

function isValueFlag(flag: string): flag is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(flag);
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${flag} must be a whole number from ${min} to ${max}; got "${text}"`);
  }
  return value;
}

function httpsBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `--url must be an absolute https:// URL such as https://example.com; got "${text}"`,
    );
  }
  if (url.protocol !== "https:") {
    throw new Error(
      `--url must use https:// (HSTS and the certificate are part of the check); got "${text}"`,
    );
  }
  if (url.search || url.hash) {
    throw new Error(`--url must be a base URL without query or fragment; got "${text}"`);
  }
  return url.href.replace(/\/+$/, "");
}

/** Splits `--flag=value` and `--flag value` forms into [flag, value] pairs. */
function tokenize(argv: readonly string[]): Array<[string, string | undefined]> {
  const pairs: Array<[string, string | undefined]> = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      pairs.push([arg.slice(0, eq), arg.slice(eq + 1)]);
    } else if (isValueFlag(arg)) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        throw new Error(`${arg} needs a value; see --help`);
      }
      pairs.push([arg, next]);
      i++;
    } else {
      pairs.push([arg, undefined]);
    }
  }
  return pairs;
}

export function parseSmokeArgs(argv: readonly string[]): SmokeOptions {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (const [flag, value] of tokenize(argv)) {
    if ((BOOLEAN_FLAGS as readonly string[]).includes(flag)) {
      if (value !== undefined) throw new Error(`${flag} takes no value; got "${value}"`);
      switches.add(flag);
    } else if (isValueFlag(flag)) {
      if (values.has(flag)) throw new Error(`${flag} was given twice; give it once`);
      values.set(flag, value ?? "");
    } else {
      const allowed = [...VALUE_FLAGS, ...BOOLEAN_FLAGS].join(", ");
      throw new Error(`unknown argument "${flag}"; allowed: ${allowed}`);
    }
  }

  const help = switches.has("--help");
  const url = values.get("--url");
  const stack = values.get("--stack");
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
  } else if (help) {
    target = { kind: "url", baseUrl: "https://localhost" };
  } else {
    throw new Error("one of --url <https://host> or --stack <name> is required; see --help");
  }

  const insecure = switches.has("--insecure");
  const caFile = values.get("--ca");
  if (caFile !== undefined && caFile.trim() === "") {
    throw new Error(`--ca must name a PEM file; got "${caFile}"`);
  }
  if (insecure && caFile !== undefined) {
    throw new Error(
      `--insecure and --ca "${caFile}" contradict each other: --ca verifies the chain, --insecure skips it`,
    );
  }

  const number = (flag: ValueFlag, fallback: number, min: number, max: number): number => {
    const text = values.get(flag);
    return text === undefined ? fallback : wholeNumber(flag, text, min, max);
  };
  const delayMs = number("--delay-ms", 3_000, 0, 600_000);
  const maxDelayMs = number("--max-delay-ms", Math.max(30_000, delayMs), 0, 600_000);
  if (maxDelayMs < delayMs) {
    throw new Error(
      `--max-delay-ms must be at least --delay-ms (${delayMs}); got "${values.get("--max-delay-ms")}"`,
    );
  }

  return {
    target,
    insecure,
    caFile,
    attempts: number("--attempts", 10, 1, 100),
    delayMs,
    maxDelayMs,
    timeoutMs: number("--timeout-ms", 10_000, 100, 600_000),
    minCertDays: number("--min-cert-days", 7, 0, 3650),
    help,
  };
}
