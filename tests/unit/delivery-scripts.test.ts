// The shell scripts the drift and deploy workflows call, run with stub `pulumi` and `gh`
// binaries on PATH that record their argv: the classification of every refresh exit, and exactly
// which issue operations follow from it.
import * as fs from "node:fs";
import * as path from "node:path";
import { requireBinary, run, RunResult, scratchDir } from "../support/servers";

const SCRIPTS = path.resolve(__dirname, "../../.github/scripts");
const REFRESH_ARGS = [
  "refresh",
  "--preview-only",
  "--expect-no-changes",
  "--diff",
  "--non-interactive",
  "--color",
  "never",
  "--suppress-progress",
  "--stack",
];

const FAKE_PULUMI = `#!/bin/sh
# Stub pulumi: records its argv, prints canned output, exits with the canned code.
{ for arg in "$@"; do printf '%s\\t' "$arg"; done; printf '\\n'; } >>"$FAKE_LOG_DIR/pulumi"
if [ -n "\${FAKE_PULUMI_OUTPUT:-}" ]; then cat "$FAKE_PULUMI_OUTPUT"; fi
exit "\${FAKE_PULUMI_EXIT:-0}"
`;

const FAKE_GH = `#!/bin/sh
# Stub gh: records its argv; 'issue list' applies the caller's --jq to FAKE_GH_ISSUES as the
# real gh does; any --body-file is copied aside before the caller deletes it.
{ for arg in "$@"; do printf '%s\\t' "$arg"; done; printf '\\n'; } >>"$FAKE_LOG_DIR/gh"
if [ "$1 $2" = "issue list" ]; then
  filter=.
  while [ $# -gt 0 ]; do
    if [ "$1" = "--jq" ]; then filter=$2; fi
    shift
  done
  printf '%s' "\${FAKE_GH_ISSUES:-[]}" | jq -r "$filter"
  exit 0
fi
previous=
for arg in "$@"; do
  if [ "$previous" = "--body-file" ]; then cp "$arg" "$FAKE_LOG_DIR/body"; fi
  previous=$arg
done
exit 0
`;

interface Harness {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Each recorded call as its argv array. */
  calls(binary: "pulumi" | "gh"): string[][];
  body(): string;
  file(name: string, content: string): string;
}

function harness(extraEnv: NodeJS.ProcessEnv = {}): Harness {
  const dir = scratchDir("delivery-scripts");
  const bin = path.join(dir, "bin");
  const logs = path.join(dir, "logs");
  fs.mkdirSync(bin);
  fs.mkdirSync(logs);
  fs.writeFileSync(path.join(bin, "pulumi"), FAKE_PULUMI, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, "gh"), FAKE_GH, { mode: 0o755 });
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: path.join(dir, "home"),
    LANG: "C.UTF-8",
    FAKE_LOG_DIR: logs,
    ...extraEnv,
  };
  fs.mkdirSync(env.HOME as string);
  return {
    dir,
    env,
    calls: (binary) => {
      const file = path.join(logs, binary);
      if (!fs.existsSync(file)) return [];
      return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => line.replace(/\t$/, "").split("\t"));
    },
    body: () => fs.readFileSync(path.join(logs, "body"), "utf8"),
    file: (name, content) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
  };
}

const harnesses: Harness[] = [];
function newHarness(extraEnv: NodeJS.ProcessEnv = {}): Harness {
  const h = harness(extraEnv);
  harnesses.push(h);
  return h;
}

function script(name: string, args: readonly string[], env: NodeJS.ProcessEnv): RunResult {
  return run("bash", [path.join(SCRIPTS, name), ...args], { env });
}

function outputs(file: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split("=", 2) as [string, string]),
  );
}

beforeAll(() => {
  requireBinary("bash", "bash");
  requireBinary("jq", "jq");
});

afterAll(() => {
  for (const h of harnesses) fs.rmSync(h.dir, { recursive: true, force: true });
});

describe("drift-check.sh classifies the refresh outcome", () => {
  const DRIFT_OUTPUT =
    "Previewing refresh (prod):\n    ~ aws:rds/instance:Instance: (update)\n" +
    "        [urn=urn:pulumi:prod::webstack::aws:rds/instance:Instance::db-primary]\n" +
    "      ~ backupRetentionPeriod: 30 => 1\n";

  const OLD_REFRESH = `${DRIFT_OUTPUT}error: no changes were expected but changes occurred\n`;
  const OLD_PREVIEW = `${DRIFT_OUTPUT}error: no changes were expected but changes were proposed\n`;
  const MISSING = 'error: blob (key ".pulumi/stacks/webstack/prod.json") not found\n';
  test.each([
    ["0 (nothing changed)", "clean", 0, "Resources:\n    42 unchanged\n"],
    ["7 (changes under --expect-no-changes)", "drifted", 7, DRIFT_OUTPUT],
    ["255 with the old CLI's refresh message", "drifted", 255, OLD_REFRESH],
    ["255 with the old CLI's preview wording", "drifted", 255, OLD_PREVIEW],
    ["255 without that message (any old-CLI error)", "failed", 255, MISSING],
    ["1 (generic error)", "failed", 1, "error: could not decrypt configuration value\n"],
    ["3 (not logged in)", "failed", 3, "error: PULUMI_ACCESS_TOKEN must be set for login\n"],
    ["6 (stack not found)", "failed", 6, "error: no stack named 'prod' found\n"],
  ])("pulumi exit %s → %s", (_label, outcome, exit, output) => {
    const h = newHarness({ FAKE_PULUMI_EXIT: String(exit) });
    h.env.FAKE_PULUMI_OUTPUT = h.file("pulumi-output.txt", output);
    const githubOutput = h.file("github-output", "");
    const log = path.join(h.dir, "refresh.log");
    const result = script("drift-check.sh", ["prod", log], {
      ...h.env,
      GITHUB_OUTPUT: githubOutput,
    });

    expect(result.status).toBe(0);
    expect(h.calls("pulumi")).toEqual([[...REFRESH_ARGS, "prod"]]);
    expect(outputs(githubOutput)).toEqual({ outcome, exit_code: String(exit), log });
    expect(fs.readFileSync(log, "utf8")).toBe(output);
    expect(result.stdout).toContain(output);
    expect(result.stdout).toContain(
      `drift-check: stack prod is ${outcome} (pulumi refresh exited ${exit})`,
    );
  });

  test.each([
    [["prod"], "usage: drift-check.sh <stack> <log-file>"],
    [
      ["prod; rm -rf /", "x.log"],
      "drift-check: <stack> must be a stack name such as prod; got 'prod; rm -rf /'",
    ],
  ])("%j is a usage error and pulumi never runs", (args, message) => {
    const h = newHarness();
    const result = script("drift-check.sh", args, h.env);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(message);
    expect(h.calls("pulumi")).toEqual([]);
  });
});

describe("drift-issue.sh keeps one tracking issue per stack", () => {
  const OTHER_AND_MINE = JSON.stringify([
    { number: 5, title: "drift: prod" },
    { number: 9, title: "drift: staging-eu" },
    { number: 12, title: "drift: staging" },
  ]);
  const RUN_ENV = {
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: "labelmedix/webstack",
    GITHUB_RUN_ID: "4242",
  };
  // prettier-ignore
  const LIST = [
    "issue", "list", "--state", "open", "--label", "drift", "--limit", "100",
    "--json", "number,title", "--jq", '.[] | select(.title == "drift: staging") | .number',
  ];
  // prettier-ignore
  const LABEL = [
    "label", "create", "drift", "--color", "B60205", "--force",
    "--description", "Live resources differ from the Pulumi state (scheduled drift check)",
  ];
  const DIFF =
    "    ~ aws:elasticache/replicationGroup:ReplicationGroup: (update)\n      ~ transitEncryptionEnabled: true => false\n";

  test("drift with no open issue creates one titled 'drift: <stack>' with the diff folded", () => {
    const h = newHarness({
      ...RUN_ENV,
      FAKE_GH_ISSUES: JSON.stringify([{ number: 5, title: "drift: prod" }]),
    });
    const log = h.file("refresh.log", DIFF);
    const result = script("drift-issue.sh", ["staging", "drifted", log, "7"], h.env);

    expect(result.status).toBe(0);
    const calls = h.calls("gh");
    expect(calls.slice(0, 2)).toEqual([LABEL, LIST]);
    expect(calls[2].slice(0, 6)).toEqual([
      "issue",
      "create",
      "--title",
      "drift: staging",
      "--label",
      "drift",
    ]);
    expect(calls).toHaveLength(3);
    const body = h.body();
    expect(body).toContain("**Drift on stack `staging`**");
    expect(body).toContain(
      "(exit 7) in [run 4242](https://github.com/labelmedix/webstack/actions/runs/4242)",
    );
    expect(body).toContain(
      "[docs/operations.md#drift](https://github.com/labelmedix/webstack/blob/HEAD/docs/operations.md#drift)",
    );
    expect(body).toContain(
      `<details><summary>pulumi refresh output (2 lines, ${DIFF.length} bytes)</summary>\n\n\`\`\`\`text\n${DIFF}`,
    );
    expect(body.trimEnd().endsWith("````\n\n</details>")).toBe(true);
    expect(result.stdout).toContain("::warning title=drift on staging::");
  });

  test("drift with an open issue updates that issue's body and opens no other", () => {
    const h = newHarness({ ...RUN_ENV, FAKE_GH_ISSUES: OTHER_AND_MINE });
    const log = h.file("refresh.log", DIFF);
    const result = script("drift-issue.sh", ["staging", "drifted", log, "7"], h.env);

    expect(result.status).toBe(0);
    const calls = h.calls("gh");
    expect(calls.slice(0, 2)).toEqual([LABEL, LIST]);
    expect(calls[2].slice(0, 4)).toEqual(["issue", "edit", "12", "--body-file"]);
    expect(calls).toHaveLength(3);
    expect(h.body()).toContain(DIFF);
    expect(result.stdout).toContain("drift-issue: updated #12 (drift: staging)");
  });

  test("a clean run closes the open tracking issue with a comment linking the run", () => {
    const h = newHarness({ ...RUN_ENV, FAKE_GH_ISSUES: OTHER_AND_MINE });
    const log = h.file("refresh.log", "Resources:\n    12 unchanged\n");
    const result = script("drift-issue.sh", ["staging", "clean", log, "0"], h.env);

    expect(result.status).toBe(0);
    const comment =
      "No drift on `staging` in [run 4242](https://github.com/labelmedix/webstack/actions/runs/4242): closing.";
    expect(h.calls("gh")).toEqual([LIST, ["issue", "close", "12", "--comment", comment]]);
  });

  test("a clean run with no open issue only looks", () => {
    const h = newHarness({
      ...RUN_ENV,
      FAKE_GH_ISSUES: JSON.stringify([{ number: 5, title: "drift: prod" }]),
    });
    const log = h.file("refresh.log", "");
    const result = script("drift-issue.sh", ["staging", "clean", log, "0"], h.env);
    expect(result.status).toBe(0);
    expect(h.calls("gh")).toEqual([LIST]);
  });

  test("a failed check fails the job, shows the error and touches no issue", () => {
    const h = newHarness({ ...RUN_ENV, FAKE_GH_ISSUES: OTHER_AND_MINE });
    const log = h.file("refresh.log", "error: could not decrypt configuration value\n");
    const result = script("drift-issue.sh", ["staging", "failed", log, "1"], h.env);

    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      "::error title=drift check failed on staging::pulumi refresh exited 1; the last lines of its output follow",
    );
    expect(result.stderr).toContain("error: could not decrypt configuration value");
    expect(h.calls("gh")).toEqual([]);
  });

  test("a diff larger than GitHub's body limit is cut to fit, keeping its start and its end", () => {
    const h = newHarness({ ...RUN_ENV, FAKE_GH_ISSUES: "[]" });
    const lines = Array.from(
      { length: 4000 },
      (_, i) => `    ~ docker:index/container:Container: (update) resource-${i} → ändert`,
    );
    const output = `FIRST LINE\n${lines.join("\n")}\nResources:\n    ~ 4000 to update\nLAST LINE\n`;
    const log = h.file("refresh.log", output);
    expect(Buffer.byteLength(output)).toBeGreaterThan(200_000);
    const result = script("drift-issue.sh", ["staging", "drifted", log, "7"], h.env);

    expect(result.status).toBe(0);
    const body = h.body();
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(65_536);
    expect(body).toContain("FIRST LINE");
    expect(body).toContain("    ~ 4000 to update\nLAST LINE");
    expect(body).toMatch(
      /… \d+ bytes omitted to fit the issue; the full output is in the run log …/,
    );
    expect(body).not.toContain("\uFFFD");
    expect(body.trimEnd().endsWith("</details>")).toBe(true);
  });

  test.each([
    [
      ["staging", "maybe", "x.log"],
      "drift-issue: outcome must be clean, drifted or failed; got 'maybe'",
    ],
    [
      ["../etc", "clean", "x.log"],
      "drift-issue: <stack> must be a stack name such as prod; got '../etc'",
    ],
  ])("%j is a usage error", (args, message) => {
    const h = newHarness();
    const result = script("drift-issue.sh", args, h.env);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(message);
  });
});

describe("use-docker-host.sh points a Docker stack at its engine", () => {
  const KEY =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
  const KNOWN = "test.labelmedix.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKey";

  test("an ssh:// host gets a private key file, known_hosts, an ssh config entry and docker:host", () => {
    const h = newHarness({
      DOCKER_HOST_URL: "ssh://deploy@test.labelmedix.com:2222",
      DOCKER_SSH_KEY: KEY,
      DOCKER_SSH_KNOWN_HOSTS: KNOWN,
    });
    const result = script("use-docker-host.sh", ["test"], h.env);

    expect(result.status).toBe(0);
    expect(h.calls("pulumi")).toEqual([
      ["config", "set", "docker:host", "ssh://deploy@test.labelmedix.com:2222", "--stack", "test"],
    ]);
    const ssh = path.join(h.env.HOME as string, ".ssh");
    const keyFile = path.join(ssh, "webstack_docker_test");
    expect(fs.readFileSync(keyFile, "utf8")).toBe(`${KEY}\n`);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(ssh).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(path.join(ssh, "known_hosts"), "utf8")).toBe(`${KNOWN}\n`);
    expect(fs.readFileSync(path.join(ssh, "config"), "utf8")).toBe(
      `Host test.labelmedix.com\n  IdentityFile ${keyFile}\n  IdentitiesOnly yes\n` +
        "  StrictHostKeyChecking yes\n  BatchMode yes\n",
    );
    expect(result.stdout + result.stderr).not.toContain("b3BlbnNzaC1rZXktdjEAAAAA");
  });

  test.each([
    [
      {},
      "use-docker-host: DOCKER_HOST_URL is empty: set the repository secret TEST_DOCKER_HOST (for example ssh://deploy@test.labelmedix.com)",
    ],
    [
      { DOCKER_HOST_URL: "tcp://test.labelmedix.com:2375" },
      "use-docker-host: DOCKER_HOST_URL must start with ssh:// (or unix://); a tcp:// Docker API without client certificates is root on the host for anyone who can reach it",
    ],
    [
      { DOCKER_HOST_URL: "ssh://deploy@test.labelmedix.com", DOCKER_SSH_KNOWN_HOSTS: KNOWN },
      "use-docker-host: DOCKER_SSH_KEY must hold the private key for test.labelmedix.com (a -----BEGIN ... PRIVATE KEY----- block)",
    ],
    [
      {
        DOCKER_HOST_URL: "ssh://deploy@test.labelmedix.com",
        DOCKER_SSH_KEY: KEY,
        DOCKER_SSH_KNOWN_HOSTS: "other.example ssh-ed25519 AAAA",
      },
      "use-docker-host: DOCKER_SSH_KNOWN_HOSTS must contain test.labelmedix.com's host key (ssh-keyscan test.labelmedix.com)",
    ],
    [
      { DOCKER_HOST_URL: "ssh://deploy@-oProxyCommand=x" },
      "use-docker-host: DOCKER_HOST_URL must be ssh://user@host[:port]; the host part '-oProxyCommand=x' is not a hostname",
    ],
  ])("%j is refused before any config changes", (env, message) => {
    const h = newHarness(env);
    const result = script("use-docker-host.sh", ["test"], h.env);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(message);
    expect(h.calls("pulumi")).toEqual([]);
  });
});
