// The smoke check's pure parts: argument parsing with exact error messages, the HSTS and
// certificate verdicts, the backoff schedule, and reading URLs from stack outputs.
import { parseSmokeArgs } from "../../tools/smoke/args";
import { checkCertificate, checkHsts, checkStatus, hstsMaxAge } from "../../tools/smoke/checks";
import { backoffMs, runSmoke } from "../../tools/smoke/main";
import { ProbeResult } from "../../tools/smoke/probe";
import { resolveUrls, runCommand, urlsFromStackOutputs } from "../../tools/smoke/targets";

describe("smoke arguments", () => {
  test("defaults: 10 attempts, 3 s doubling to 30 s, 10 s timeout, certificate > 7 days", () => {
    expect(parseSmokeArgs(["--url", "https://labelmedix.com/"])).toEqual({
      target: { kind: "url", baseUrl: "https://labelmedix.com" },
      insecure: false,
      caFile: undefined,
      attempts: 10,
      delayMs: 3000,
      maxDelayMs: 30000,
      timeoutMs: 10000,
      minCertDays: 7,
    });
  });

  test.each([
    [["--stack", "prod"], { kind: "stack", stack: "prod" }],
    [["--stack=org/webstack/staging"], { kind: "stack", stack: "org/webstack/staging" }],
    [["--url=https://127.0.0.1:8443"], { kind: "url", baseUrl: "https://127.0.0.1:8443" }],
    [
      ["--url", "https://test.labelmedix.com/app/"],
      { kind: "url", baseUrl: "https://test.labelmedix.com/app" },
    ],
  ])("%j selects target %j", (argv, target) => {
    expect(parseSmokeArgs(argv).target).toEqual(target);
  });

  test("flags in both forms set every option", () => {
    // prettier-ignore
    const options = parseSmokeArgs([
      "--stack", "test", "--insecure", "--attempts=3", "--delay-ms", "50",
      "--max-delay-ms", "200", "--timeout-ms", "500", "--min-cert-days", "14",
    ]);
    expect(options).toMatchObject({
      insecure: true,
      attempts: 3,
      delayMs: 50,
      maxDelayMs: 200,
      timeoutMs: 500,
      minCertDays: 14,
    });
  });

  test.each([
    [[], "one of --url <https://host> or --stack <name> is required; see --help"],
    [
      ["--url", "https://a", "--stack", "dev"],
      'give either --url or --stack, not both; got --url "https://a" and --stack "dev"',
    ],
    [
      ["--url", "http://labelmedix.com"],
      '--url must use https:// (HSTS and the certificate are part of the check); got "http://labelmedix.com"',
    ],
    [
      ["--url", "labelmedix.com"],
      '--url must be an absolute https:// URL such as https://example.com; got "labelmedix.com"',
    ],
    [
      ["--url", "https://a/?x=1"],
      '--url must be a base URL without query or fragment; got "https://a/?x=1"',
    ],
    [
      ["--stack", "prod; rm -rf /"],
      '--stack must be a stack name such as "prod" or "org/webstack/prod"; got "prod; rm -rf /"',
    ],
    // node:util parseArgs' own wording for flags without a value and unknown flags
    [["--url"], "Option '--url <value>' argument missing"],
    [["--stack", "--insecure"], /^Option '--stack' argument is ambiguous/],
    [
      ["--url", "https://a", "--attempts", "0"],
      '--attempts must be a whole number from 1 to 100; got "0"',
    ],
    [
      ["--url", "https://a", "--attempts", "2.5"],
      '--attempts must be a whole number from 1 to 100; got "2.5"',
    ],
    [
      ["--url", "https://a", "--timeout-ms", "10"],
      '--timeout-ms must be a whole number from 100 to 600000; got "10"',
    ],
    [
      ["--url", "https://a", "--delay-ms", "5000", "--max-delay-ms", "1000"],
      '--max-delay-ms must be at least --delay-ms (5000); got "1000"',
    ],
    [
      ["--url", "https://a", "--insecure", "--ca", "ca.pem"],
      '--insecure and --ca "ca.pem" contradict each other: --ca verifies the chain, --insecure skips it',
    ],
    [["--url", "https://a", "--ca="], '--ca must name a PEM file; got ""'],
    [["--url", "https://a", "--insecure=yes"], "Option '--insecure' does not take an argument"],
    [["--url", "https://a", "--url", "https://b"], "--url was given twice; give it once"],
    [["--url", "https://a", "--retries", "3"], "Unknown option '--retries'"],
  ])("%j is refused: %s", (argv, message) => {
    expect(() => parseSmokeArgs(argv)).toThrow(
      typeof message === "string" ? new Error(message) : message,
    );
  });
});

function reached(overrides: Partial<Extract<ProbeResult, { reached: true }>> = {}): ProbeResult {
  return {
    url: "https://labelmedix.com/healthz",
    reached: true,
    status: 200,
    hsts: "max-age=31536000; includeSubDomains",
    certificateValidTo: new Date("2027-01-01T00:00:00Z"),
    bodyStart: "ok",
    ...overrides,
  };
}

describe("smoke verdicts", () => {
  test.each([
    ["max-age=31536000; includeSubDomains", 31536000],
    ["includeSubDomains; max-age=63072000; preload", 63072000],
    ['MAX-AGE="31536000"', 31536000],
    ["max-age=0", 0],
    ["includeSubDomains", undefined],
    ["max-age=", undefined],
    ["my-max-age=31536000", undefined],
  ])("HSTS %j has max-age %j", (header, expected) => {
    expect(hstsMaxAge(header)).toBe(expected);
  });

  test.each([
    ["max-age=31536000; includeSubDomains", true],
    ["max-age=31535999", false],
    ["preload", false],
  ])("HSTS %j passes: %j", (hsts, ok) => {
    expect(checkHsts(reached({ hsts })).ok).toBe(ok);
  });

  const now = new Date("2026-11-22T00:00:00Z");
  test.each([
    ["2026-11-29T00:00:01Z", true, "expires 2026-11-29T00:00:01.000Z (7.0 days from now)"],
    ["2026-11-29T00:00:00Z", false, "expires 2026-11-29T00:00:00.000Z (7.0 days from now)"],
    ["2026-11-25T00:00:00Z", false, "expires 2026-11-25T00:00:00.000Z (3.0 days from now)"],
    ["2026-11-20T12:00:00Z", false, "expired 2026-11-20T12:00:00.000Z (1.5 days ago)"],
  ])("certificate valid to %s passes: %j (%s)", (validTo, ok, actual) => {
    const result = checkCertificate(reached({ certificateValidTo: new Date(validTo) }), now, 7);
    expect(result).toMatchObject({
      ok,
      actual,
      expected: "certificate valid for more than 7 days",
    });
  });

  test("an unreachable URL fails every check with the network error", () => {
    const down: ProbeResult = {
      url: "https://labelmedix.com/health/ready",
      reached: false,
      error: "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:443",
    };
    expect(checkStatus("readiness", down)).toEqual({
      check: "readiness",
      url: "https://labelmedix.com/health/ready",
      ok: false,
      expected: "HTTP 200",
      actual: "no response (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:443)",
    });
  });
});

test("--help prints the usage and exits 0, whatever else is given", async () => {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const code = await runSmoke(["--help", "--url"], { ...io, wait: async () => 0, run: runCommand });
  expect(code).toBe(0);
  expect(lines.join("\n")).toMatch(/^usage: npm run smoke -- \(--url/);
});

describe("smoke retries", () => {
  test.each([
    [{ delayMs: 3000, maxDelayMs: 30000 }, [3000, 6000, 12000, 24000, 30000, 30000]],
    [{ delayMs: 0, maxDelayMs: 0 }, [0, 0]],
  ])("%j waits %j after attempts 1, 2, …", (options, waits) => {
    expect(waits.map((_, i) => backoffMs(options, i + 1))).toEqual(waits);
  });
});

describe("smoke URLs from stack outputs", () => {
  test("reads healthUrl and readinessUrl", () => {
    const json = JSON.stringify({
      publicUrl: "https://labelmedix.com",
      healthUrl: "https://labelmedix.com/healthz",
      readinessUrl: "https://labelmedix.com/health/ready",
      databasePassword: "[secret]",
    });
    expect(urlsFromStackOutputs(json, "prod")).toEqual({
      healthUrl: "https://labelmedix.com/healthz",
      readinessUrl: "https://labelmedix.com/health/ready",
    });
  });

  test.each([
    ["not json", `'pulumi stack output --json --stack prod' did not print JSON; got "not json"`],
    ["[]", 'stack "prod" outputs must be a JSON object; got []'],
    [
      JSON.stringify({ readinessUrl: "https://a/health/ready" }),
      'stack "prod" output "healthUrl" must be an https:// URL; got no such output',
    ],
    [
      JSON.stringify({ healthUrl: "http://a/healthz", readinessUrl: "https://a/health/ready" }),
      'stack "prod" output "healthUrl" must be an https:// URL; got "http://a/healthz"',
    ],
  ])("%s is refused: %s", (json, message) => {
    expect(() => urlsFromStackOutputs(json, "prod")).toThrow(new Error(message));
  });

  test("a failing `pulumi stack output` is reported with its exit code and message", async () => {
    const failing = async () => ({
      code: 255,
      stdout: "",
      stderr: "error: no stack named 'prod' found\n",
    });
    await expect(resolveUrls({ kind: "stack", stack: "prod" }, failing)).rejects.toThrow(
      "'pulumi stack output --json --stack prod' exited 255: error: no stack named 'prod' found",
    );
  });

  test("a missing pulumi CLI says how to proceed", async () => {
    const missing = async () => ({ code: null, stdout: "", stderr: "", missing: true });
    await expect(resolveUrls({ kind: "stack", stack: "dev" }, missing)).rejects.toThrow(
      "the pulumi CLI is not on PATH; install it or use --url <https://host>",
    );
  });
});
