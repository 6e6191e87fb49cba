// Reads Pulumi.<stack>.yaml the way the Pulumi CLI hands config to a program: every value a
// string (objects and lists as JSON), a YAML null as "" (pulumi/pulumi#19483), and `secure:`
// values — which cannot be decrypted offline — replaced by a placeholder and marked secret.
// A file that is not one clean YAML document is refused with its name and the line.
import * as fs from "node:fs";
import * as path from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import { ConfigError, secretPlaceholder } from "../../components/config";

export interface StackFileConfig {
  readonly values: Record<string, string>;
  readonly secretKeys: string[];
}

/** `value` with each `secure:` value in it replaced by a placeholder; `found` hears of each. */
function replaceSecure(at: string, value: unknown, found: () => void): unknown {
  if (!value || typeof value !== "object") return value;
  if (Object.keys(value).join() === "secure" && typeof Object.values(value)[0] === "string") {
    found();
    return secretPlaceholder(at);
  }
  if (Array.isArray(value))
    return value.map((item, i) => replaceSecure(`${at}[${i}]`, item, found));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, replaceSecure(`${at}.${key}`, item, found)]),
  );
}

/**
 * The file's one document as plain data. Duplicate keys are errors (the library's default
 * `uniqueKeys`), as are tabs used for indentation; a second document (`---`) is refused too,
 * since the CLI would read only one of them.
 */
function parseStackYaml(file: string, text: string): unknown {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file} line ${line}, column ${col}:`;
  };
  // Only a document's first error: the ones after it mostly follow from it (a tab throws the
  // rest of the map's indentation off).
  const problems = [
    ...documents.flatMap((doc) =>
      doc.errors.slice(0, 1).map((e) => `${at(e.pos[0])} ${e.message}`),
    ),
    ...documents
      .slice(1)
      .map((doc) => `${at(doc.range[0])} starts a second YAML document; a stack file holds one`),
  ];
  if (problems.length > 0) throw new ConfigError(file, problems);
  return documents[0]?.toJS();
}

export function readStackFile(projectDir: string, stack: string): StackFileConfig {
  const file = `Pulumi.${stack}.yaml`;
  const fullPath = path.join(projectDir, file);
  if (!fs.existsSync(fullPath)) throw new Error(`${file} not found in ${projectDir}`);
  const parsed = parseStackYaml(file, fs.readFileSync(fullPath, "utf8"));
  const config = ((parsed ?? {}) as { config?: unknown }).config ?? {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new ConfigError(file, [`${file}: "config" must be a map of keys to values`]);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(config)) {
    const value = replaceSecure(key, raw, () => secretKeys.push(key));
    values[key] =
      value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  return { values, secretKeys: [...new Set(secretKeys)] };
}

/** Stack names that have a Pulumi.<stack>.yaml in `projectDir`. */
export function listStacks(projectDir: string): string[] {
  return fs
    .readdirSync(projectDir)
    .flatMap((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? [])
    .sort();
}
