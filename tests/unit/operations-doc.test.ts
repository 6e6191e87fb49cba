// docs/operations.md is linked from every alarm (`docs/operations.md#<alarm>`) and is what an
// operator follows under pressure: every alarm must have its anchor and a priority, the merge
// gate must name the checks the workflows really report, and every secret they read is listed.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { MONITORING_RULES } from "../../components/alarms/monitoring-rules";
import { ALARM_CATALOG } from "../../components/catalog/alarms";
import { BACKUP_VERIFICATION } from "../../components/catalog/backups";

const ROOT = path.resolve(__dirname, "../..");
const DOC = fs.readFileSync(path.join(ROOT, "docs/operations.md"), "utf8");

// Every catalog alarm, every Docker self-health rule and every application alarm a stack file
// declares links to its section.
const STACK_ALARMS = ["dev", "test", "staging", "prod"].flatMap((stack) => {
  const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  return Object.keys(file?.config?.["webstack:alarms"]?.extra ?? {});
});
const ALARMS = [
  ...new Set([
    ...ALARM_CATALOG.map((alarm) => alarm.name),
    ...MONITORING_RULES.map((rule) => rule.alert),
    ...STACK_ALARMS,
  ]),
];

test("the stack files declare the seeds' PDF alarms", () => {
  expect(STACK_ALARMS).toEqual(
    expect.arrayContaining(["PdfGenerationFailing", "PdfGenerationSlow", "PdfQueueBacklog"]),
  );
});

/** GitHub's heading anchor: lower case, punctuation dropped, each space a hyphen. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

const headings = [...DOC.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]);
const anchors = new Set(headings.map(slug));

/** The text between an alarm's heading and the next heading. */
function section(heading: string): string {
  const start = DOC.indexOf(`\n### ${heading}\n`);
  if (start < 0) return "";
  const rest = DOC.slice(start + heading.length + 6);
  const next = rest.search(/^#{1,3} /m);
  return next < 0 ? rest : rest.slice(0, next);
}

function workflow(file: string) {
  return parse(fs.readFileSync(path.join(ROOT, ".github/workflows", file), "utf8"));
}

describe("docs/operations.md", () => {
  test.each(ALARMS)("alarm %s has its runbook anchor and a priority", (alarm) => {
    expect(anchors.has(alarm.toLowerCase())).toBe(true);
    expect(section(alarm)).toMatch(/\*\*P[0-3]\b/);
  });

  test("the priority table carries the seeds' P0-P3 response and resolution times", () => {
    const rows = [
      ["P0", "15 minutes", "1 hour"],
      ["P1", "1 hour", "4 hours"],
      ["P2", "4 hours", "24 hours"],
      ["P3", "24 hours", "1 week"],
    ];
    for (const [level, respond, resolve] of rows) {
      expect(DOC).toMatch(
        new RegExp(`^\\| ${level} +\\|[^|]+\\| ${respond} +\\| ${resolve} +\\|`, "m"),
      );
    }
  });

  test("every in-page link points at a heading that exists", () => {
    const links = [...DOC.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((l) => !anchors.has(l))).toEqual([]);
  });

  test("the merge gate lists exactly the check names the workflows report", () => {
    const ci = workflow("ci.yml");
    const preview = workflow("preview.yml");
    const stacks: string[] = preview.jobs.preview.strategy.matrix.include.map(
      (entry: { stack: string }) => entry.stack,
    );
    const reported = [
      ci.jobs.test.name as string,
      ...stacks.map((stack) =>
        (preview.jobs.preview.name as string).replace("${{ matrix.stack }}", stack),
      ),
    ];
    const gate = DOC.slice(DOC.indexOf("## The merge gate"), DOC.indexOf("## Deploying"));
    const listed = [...gate.matchAll(/^ {2}- `([^`]+)`/gm)].map((m) => m[1]);
    expect(listed).toEqual(reported);
  });

  test("every secret the workflows read is documented, and no other", () => {
    const used = new Set<string>();
    for (const file of ["ci.yml", "preview.yml", "deploy.yml", "drift.yml"]) {
      const text = fs.readFileSync(path.join(ROOT, ".github/workflows", file), "utf8");
      for (const m of text.matchAll(/secrets\.([A-Z0-9_]+)/g)) used.add(m[1]);
    }
    const table = DOC.slice(DOC.indexOf("## Secrets and settings"), DOC.indexOf("## First deploy"));
    const documented = new Set([...table.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...used].sort());
  });

  test("is honest that none of it ran against real GitHub, Pulumi or AWS", () => {
    const prose = DOC.replace(/\n> /g, " ").replace(/\s+/g, " ");
    expect(prose).toContain(
      "**none of them has been run against real GitHub, a real Pulumi backend or a real AWS account**",
    );
  });
});

test("the monthly restore drill the backup catalog points to has its section", () => {
  const anchor = BACKUP_VERIFICATION.restoreDrill.runbook.split("#")[1];
  expect(anchors.has(anchor)).toBe(true);
});
