// `npm run synth` as a user runs it: a real child process, its exit code, what it prints and the
// files it writes.
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackFile } from "../../tools/mock-runtime/stack-file";
import { run, scratchDir } from "../support/servers";
import { PROJECT_DIR } from "../support/program";

const TSX = path.join(PROJECT_DIR, "node_modules", ".bin", "tsx");
const SYNTH = path.join(PROJECT_DIR, "tools", "synth", "main.ts");
const synth = (args: string[], cwd = PROJECT_DIR) =>
  run(TSX, [SYNTH, ...args], { cwd, timeoutMs: 60_000 });

let dir: string;
beforeEach(() => (dir = scratchDir("synth")));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test("--stack dev prints the resource table and writes resources.json and outputs.json", () => {
  const out = path.join(dir, "out");
  const result = synth(["--stack", "dev", "--out", out]);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^Stack dev:$/m);
  // data, edge, monitoring and, since dev publishes them, monitoring-egress and mysql-published
  expect(result.stdout).toMatch(/^ {2}docker:index\/network:Network +5$/m);
  expect(result.stdout).toMatch(/^ {2}TOTAL +\d+$/m);
  const resources = JSON.parse(fs.readFileSync(path.join(out, "dev", "resources.json"), "utf8"));
  const data = resources.find((r: { name: string }) => r.name === "dev-network-data");
  expect(data).toMatchObject({
    type: "docker:index/network:Network",
    parent: "dev-network",
    inputs: { name: "webstack-dev-data", internal: true },
  });
  const outputs = JSON.parse(fs.readFileSync(path.join(out, "dev", "outputs.json"), "utf8"));
  expect(outputs.publicUrl).toBe("https://localhost");
});

test("an invalid stack file fails with the config error naming file and key, exit 1", () => {
  const prod = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8");
  fs.writeFileSync(
    path.join(dir, "Pulumi.prod.yaml"),
    prod.replace("replicas: 1\n", "replicas: -1\n    replcas: 2\n"),
  );
  const result = synth(["--stack", "prod", "--out", path.join(dir, "out")], dir);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(
    "Pulumi.prod.yaml: webstack:mysql.replicas must be an integer from 0 to 5 (got -1)",
  );
  expect(result.stderr).toMatch(/Pulumi\.prod\.yaml: webstack:mysql\.replcas is not a known key/);
  expect(fs.existsSync(path.join(dir, "out", "prod"))).toBe(false);
});

test("usage errors exit 2 and print the usage", () => {
  const result = synth(["--stack"]);
  expect(result.status).toBe(2);
  expect(result.stderr).toContain("synth: Option '-s, --stack <value>' argument missing");
  expect(result.stderr).toContain("Usage: npm run synth");
});

test("secure: values become secret placeholders, as the CLI marks them secret", () => {
  fs.writeFileSync(
    path.join(dir, "Pulumi.x.yaml"),
    [
      "config:",
      "  webstack:owner: team",
      "  webstack:alertWebhookUrl:",
      "    secure: v1:AAAAencrypted",
      "  webstack:mysql:",
      "    replicas: 2",
      "  aws:region: ap-southeast-1",
      "",
    ].join("\n"),
  );
  expect(readStackFile(dir, "x")).toEqual({
    values: {
      "webstack:owner": "team",
      "webstack:alertWebhookUrl": "<secret:webstack:alertWebhookUrl>",
      "webstack:mysql": '{"replicas":2}',
      "aws:region": "ap-southeast-1",
    },
    secretKeys: ["webstack:alertWebhookUrl"],
  });
});
