// Runs the app hosts' boot script under bash with every command it calls replaced by a recorder,
// configured by the env file cloud-init writes beside it, so tests assert what a host would do
// (which secrets it fetches where, how it runs each container) rather than the script's text.
import * as fs from "node:fs";
import * as path from "node:path";
import { run, scratchDir } from "../support/servers";

const STUBBED = [
  "snap",
  "install",
  "chmod",
  "mv",
  "rm",
  "nginx",
  "systemctl",
  "dpkg",
  "docker",
  "amazon-cloudwatch-agent-ctl",
];

/** Every command the script ran, with its arguments, in order. */
export function runBootScript(script: string, envFile: string): string[][] {
  const dir = scratchDir("boot");
  try {
    const log = path.join(dir, "calls.log");
    const stubs = [
      `log=${JSON.stringify(log)}`,
      `tmpdir=${JSON.stringify(dir)}`,
      "record() { local IFS=$'\\x1f'; printf '%s\\n' \"$*\" >>\"$log\"; }",
      'curl() { record curl "$@"; case "$*" in *placement/region*) echo ap-southeast-1 ;; *api/token*) echo token ;; esac; }',
      'aws() { record aws "$@"; echo "value of ${6}"; }',
      'mktemp() { record mktemp "$@"; echo "$tmpdir/tmp.$RANDOM"; }',
      ...STUBBED.map((command) => `${command}() { record ${command} "$@"; }`),
    ].join("\n");
    fs.writeFileSync(log, "");
    fs.writeFileSync(path.join(dir, "stubs.sh"), `${stubs}\n`);
    fs.writeFileSync(path.join(dir, "boot.sh"), script);
    fs.writeFileSync(path.join(dir, "boot.env"), envFile);
    // The script sources the env file named by its first argument, as cloud-init's runcmd passes it.
    const result = run("bash", ["-c", `. ./stubs.sh; set -- ./boot.env; . ./boot.sh`], {
      cwd: dir,
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return fs
      .readFileSync(log, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.split("\x1f"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The secrets the script fetched: [SSM parameter, file, mode], in order. */
export function fetchedSecrets(calls: readonly string[][]): [string, string, string][] {
  const fetches = calls.filter((c) => c[0] === "aws").map((c) => c[c.indexOf("--name") + 1]);
  const modes = calls.filter((c) => c[0] === "chmod").map((c) => c[1]);
  const targets = calls.filter((c) => c[0] === "mv").map((c) => c[3]);
  return fetches.map((parameter, i) => [parameter, targets[i], modes[i]]);
}

/** The arguments of the one `docker run` that names the container `role`. */
export function dockerRun(calls: readonly string[][], role: string): string[] {
  const runs = calls.filter((c) => c[0] === "docker" && c[1] === "run");
  const found = runs.filter((c) => c[c.indexOf("--name") + 1] === role);
  expect(found).toHaveLength(1);
  return found[0];
}
