// Reading Pulumi.<stack>.yaml as the CLI hands it to the program: a file that is not one clean
// YAML document is refused with its name and line; a YAML null reaches config as "", as the CLI
// passes it (pulumi/pulumi#19483), and is then refused as blank.
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, parseStackConfig } from "../../../components/config";
import { readStackFile } from "../../../tools/mock-runtime/stack-file";
import { run, scratchDir } from "../../support/servers";
import { PROJECT_DIR } from "../../support/program";

let dir: string;
beforeEach(() => (dir = scratchDir("stack-file")));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** prod's committed stack file with `edit` applied, written to the scratch directory. */
function writeProd(edit: (text: string) => string): void {
  const prod = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8");
  const edited = edit(prod);
  expect(edited).not.toBe(prod);
  fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), edited);
}

function problems(read: () => unknown): readonly string[] {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const OWNER = "  webstack:owner: platform-team\n";
/** The committed file's line of `webstack:owner`, so the expected line numbers stay honest. */
const ownerLine = () =>
  fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8").split(OWNER)[0].split("\n")
    .length;

describe("a stack file that is not one clean YAML document", () => {
  test("a duplicate key names the file and the line of the second one", () => {
    writeProd((text) => text.replace(OWNER, `${OWNER}  webstack:owner: someone-else\n`));
    expect(problems(() => readStackFile(dir, "prod"))).toEqual([
      `Pulumi.prod.yaml line ${ownerLine() + 1}, column 3: Map keys must be unique`,
    ]);
  });

  test("a duplicate key inside a flow map is refused too", () => {
    writeProd((text) => text.replace(OWNER, `${OWNER}  webstack:edge: {a: 1, a: 2}\n`));
    expect(problems(() => readStackFile(dir, "prod"))).toEqual([
      `Pulumi.prod.yaml line ${ownerLine() + 1}, column 25: Map keys must be unique`,
    ]);
  });

  test("a tab used for indentation names the file and the line", () => {
    writeProd((text) => text.replace(OWNER, "\twebstack:owner: platform-team\n"));
    expect(problems(() => readStackFile(dir, "prod"))).toEqual([
      `Pulumi.prod.yaml line ${ownerLine()}, column 1: Tabs are not allowed as indentation`,
    ]);
  });

  test("a second document is refused where it starts", () => {
    writeProd((text) => `${text}---\nconfig:\n  webstack:owner: x\n`);
    const lines = fs.readFileSync(path.join(dir, "Pulumi.prod.yaml"), "utf8").split("\n");
    expect(problems(() => readStackFile(dir, "prod"))).toEqual([
      `Pulumi.prod.yaml line ${lines.indexOf("---") + 1}, column 1: starts a second YAML document; a stack file holds one`,
    ]);
  });

  test("config that is not a map is refused", () => {
    fs.writeFileSync(path.join(dir, "Pulumi.x.yaml"), "config:\n  - webstack:owner\n");
    expect(problems(() => readStackFile(dir, "x"))).toEqual([
      'Pulumi.x.yaml: "config" must be a map of keys to values',
    ]);
  });

  test("synth prints the file, the line and exits 1", () => {
    writeProd((text) => text.replace(OWNER, "\twebstack:owner: platform-team\n"));
    const tsx = path.join(PROJECT_DIR, "node_modules", ".bin", "tsx");
    const synth = path.join(PROJECT_DIR, "tools", "synth", "main.ts");
    const result = run(tsx, [synth, "--stack", "prod", "--out", path.join(dir, "out")], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `Invalid stack configuration in Pulumi.prod.yaml (1 problem):\n  Pulumi.prod.yaml line ${ownerLine()}, column 1: Tabs are not allowed as indentation`,
    );
  }, 60_000);
});

describe("a YAML null value", () => {
  test.each([
    ["nothing after the colon", "  webstack:owner:\n"],
    ["~", "  webstack:owner: ~\n"],
    ["null", "  webstack:owner: null\n"],
  ])("(%s) reaches config as the empty string and is refused as blank", (_, line) => {
    writeProd((text) => text.replace(OWNER, line));
    const config = readStackFile(dir, "prod");
    expect(config.values["webstack:owner"]).toBe("");
    const raw = { project: "webstack", stack: "prod", ...config, secretKeys: new Set<string>() };
    expect(problems(() => parseStackConfig(raw, "2026-11-22"))).toEqual([
      "Pulumi.prod.yaml: webstack:owner has no value (YAML null or blank); set one or remove the key",
    ]);
  });

  test('the quoted string "null" stays a string', () => {
    writeProd((text) => text.replace(OWNER, '  webstack:owner: "null"\n'));
    expect(readStackFile(dir, "prod").values["webstack:owner"]).toBe("null");
  });
});
