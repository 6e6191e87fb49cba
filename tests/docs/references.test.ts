// Every file, npm script, stack output, config key and alarm the docs name exists. The truth is
// read from the repository itself — its files, package.json, the four stacks as synthesized,
// the config schema and the alarm catalog — never from a list kept beside the docs.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { MONITORING_RULES } from "../../components/alarms/monitoring-rules";
import { ALARM_CATALOG } from "../../components/catalog/alarms";
import { SECRET_KEYS } from "../../components/config/parts/alerts";
import { TARGET_SCHEMAS } from "../../components/config/schema";
import { configObject, PROJECT_DIR, STACKS, stackConfig, synth } from "../support/program";
import {
  alarmReferences,
  configKeyReferences,
  linkReferences,
  npmScriptReferences,
  outputReferences,
  pathReferences,
  Reference,
} from "./doc-references";

const DOCS = [
  "README.md",
  ...fs.readdirSync(path.join(PROJECT_DIR, "docs")).map((file) => `docs/${file}`),
].filter((file) => file.endsWith(".md"));
const text = (doc: string) => fs.readFileSync(path.join(PROJECT_DIR, doc), "utf8");

// Files git would commit (tracked or new, not ignored) and the directories holding them.
const FILES = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
  cwd: PROJECT_DIR,
  encoding: "utf8",
})
  .split("\n")
  .filter((file) => file !== "" && fs.existsSync(path.join(PROJECT_DIR, file)));
const directoriesOf = (files: readonly string[]) =>
  files.flatMap((file) =>
    file
      .split("/")
      .slice(0, -1)
      .map((_, i, parts) => `${parts.slice(0, i + 1).join("/")}/`),
  );
const REPO = new Set([...FILES, ...directoriesOf(FILES)]);

/** `mysql.replicas`, `alarms.overrides.HostCpuHigh.threshold`: a path some target's schema accepts. */
function inSchema(schema: z.ZodType, segments: readonly string[]): boolean {
  let current: z.ZodType = schema;
  for (const segment of segments) {
    for (;;) {
      const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
      if (def.innerType) current = def.innerType;
      else if (def.in) current = def.in;
      else break;
    }
    if (current instanceof z.ZodObject) {
      const child = current.shape[segment] as z.ZodType | undefined;
      if (!child) return false;
      current = child;
    } else if (current instanceof z.ZodRecord) {
      current = current.valueType as z.ZodType;
    } else return false;
  }
  return true;
}
const SCHEMAS = Object.values(TARGET_SCHEMAS) as z.ZodType[];
const SECTIONS = new Set(
  Object.values(TARGET_SCHEMAS).flatMap((schema) => Object.keys(schema.shape)),
);

const STACK_ALARMS = STACKS.flatMap((stack) =>
  Object.keys(configObject(stackConfig(stack), "webstack:alarms").extra ?? {}),
);
const ALARMS = new Set([
  ...ALARM_CATALOG.map((alarm) => alarm.name),
  ...MONITORING_RULES.map((rule) => rule.alert),
  ...STACK_ALARMS,
]);

// Relative paths the program names in string or template literals, placeholders as `*`.
const RENDERED_NAMES = new Set(
  FILES.filter((file) => file.startsWith("components/") && file.endsWith(".ts")).flatMap((file) =>
    [...text(file).matchAll(/[`"']([\w.${}-]+\/[\w.${}/-]+)[`"']/g)].map((m) =>
      m[1].replace(/\$\{[^}]*\}/g, "*"),
    ),
  ),
);

/** A path with placeholders (`<stack>`, `*`, `{a,b}`, `…`) as a pattern over whole paths. */
function pattern(reference: string): RegExp {
  const source = reference
    .split(/(<[^>]*>|\*|…|\{[^}]*\})/)
    .map((part) => {
      if (part.startsWith("<") || part === "*") return "[^/]*";
      if (part === "…") return ".*";
      if (part.startsWith("{")) return `(?:${part.slice(1, -1).split(",").join("|")})`;
      return part.replace(/[.+?^$()|[\]\\]/g, "\\$&");
    })
    .join("");
  // `npx jest tests/unit/edge-`: jest takes a path's beginning.
  return new RegExp(`^${source}${reference.endsWith("-") ? ".*" : ""}$`);
}

let synthFiles: Set<string>;
let outputs: Set<string>;

beforeAll(async () => {
  synthFiles = new Set();
  outputs = new Set();
  for (const stack of STACKS) {
    const run = await synth(stack);
    // What `npm run synth` writes beside the rendered files (tools/synth/report.ts).
    const written = [
      "resources.json",
      "outputs.json",
      "policy-report.json",
      ...Object.keys(run.files),
    ];
    for (const file of [...written, ...directoriesOf(written)]) synthFiles.add(file);
    Object.keys(run.outputs).forEach((name) => outputs.add(name));
  }
});

function pathExists(reference: string): boolean {
  const wanted = pattern(reference);
  if (/^out\/([^/]*\/?)?$/.test(reference)) return true;
  const underOut = reference.match(/^out\/[^/]+\/(.+)$/);
  if (underOut) return [...synthFiles].some((file) => pattern(underOut[1]).test(file));
  const candidates = [...REPO, ...[...REPO].map((p) => p.replace(/\/$/, ""))];
  if (candidates.some((p) => wanted.test(p))) return true;
  // Relative (`edge/nginx.conf`, `config/parts/`) or bare (`passwords.ts`): any directory's.
  const suffix = new RegExp(`(^|/)${wanted.source.slice(1)}`);
  if ([...candidates, ...synthFiles].some((p) => suffix.test(p))) return true;
  // A file only some config renders (`redis/node-<n>.conf`, Redis cluster on Docker): named so
  // in the program's source.
  return RENDERED_NAMES.has(reference.replace(/<[^>]*>/g, "*"));
}

function stale(doc: string, references: Reference[], exists: (r: Reference) => boolean): string[] {
  return references.filter((r) => !exists(r)).map((r) => `${doc}:${r.line} ${r.kind} ${r.text}`);
}

describe.each(DOCS)("%s", (doc) => {
  const markdown = text(doc);
  const roots = {
    topLevel: new Set(FILES.map((file) => file.split("/")[0])),
    directoryNames: new Set(
      [...REPO].filter((p) => p.endsWith("/")).map((dir) => dir.slice(0, -1).split("/").pop()!),
    ),
  };

  test("names only files the repository has or synth writes", () => {
    const references = pathReferences(markdown, roots);
    expect(stale(doc, references, (r) => pathExists(r.text))).toEqual([]);
    const links = linkReferences(markdown);
    const linked = (r: Reference) =>
      fs.existsSync(path.resolve(PROJECT_DIR, path.dirname(doc), r.text));
    expect(stale(doc, links, linked)).toEqual([]);
  });

  test("runs only npm scripts package.json defines", () => {
    const scripts = JSON.parse(text("package.json")).scripts as Record<string, string>;
    expect(stale(doc, npmScriptReferences(markdown), (r) => r.text in scripts)).toEqual([]);
  });

  test("reads only outputs some stack exports", () => {
    expect(stale(doc, outputReferences(markdown), (r) => outputs.has(r.text))).toEqual([]);
  });

  test("names only config keys the schema accepts", () => {
    const known = (r: Reference) =>
      r.text in SECRET_KEYS || SCHEMAS.some((schema) => inSchema(schema, r.text.split(".")));
    expect(stale(doc, configKeyReferences(markdown, SECTIONS), known)).toEqual([]);
  });

  test("names only alarms the catalog, the monitoring rules or a stack file define", () => {
    expect(stale(doc, alarmReferences(markdown), (r) => ALARMS.has(r.text))).toEqual([]);
  });
});

test("the recognisers find each kind of reference in these docs", () => {
  // Guards against a recogniser that silently matches nothing and so can never fail.
  const all = DOCS.map(text).join("\n");
  expect(
    pathReferences(all, { topLevel: new Set(["components"]), directoryNames: new Set() }).length,
  ).toBeGreaterThan(20);
  expect(npmScriptReferences(all).length).toBeGreaterThan(5);
  expect(outputReferences(all).length).toBeGreaterThan(5);
  expect(configKeyReferences(all, SECTIONS).length).toBeGreaterThan(20);
  expect(alarmReferences(all).length).toBeGreaterThan(16);
});

test("README names every file synth writes", () => {
  const readme = text("README.md");
  const named = pathReferences(readme, {
    topLevel: new Set(),
    directoryNames: new Set(["edge", "mysql", "redis", "alarms", "backups"]),
  }).map((r) => pattern(r.text));
  const listed = (file: string) =>
    named.some((p) => p.test(file)) || readme.includes(`\`${file}\``);
  const unnamed = [...synthFiles].filter((file) => !file.endsWith("/") && !listed(file));
  expect(unnamed).toEqual([]);
});
