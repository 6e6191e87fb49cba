// Reads Pulumi.<stack>.yaml the way the Pulumi CLI hands config to a program: every value a
// string (objects and lists as JSON), and `secure:` values — which cannot be decrypted offline —
// replaced by a placeholder and marked secret.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export interface StackFileConfig {
  readonly values: Record<string, string>;
  readonly secretKeys: string[];
}

function isSecure(value: unknown): value is { secure: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

/** Replaces nested `secure:` values; reports whether any were found. */
function replaceSecure(key: string, value: unknown): { value: unknown; secret: boolean } {
  if (isSecure(value)) return { value: `<secret:${key}>`, secret: true };
  if (Array.isArray(value)) {
    const items = value.map((item, i) => replaceSecure(`${key}[${i}]`, item));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(
      ([k, v]) => [k, replaceSecure(`${key}.${k}`, v)] as const,
    );
    return {
      value: Object.fromEntries(entries.map(([k, r]) => [k, r.value])),
      secret: entries.some(([, r]) => r.secret),
    };
  }
  return { value, secret: false };
}

export function stackFilePath(projectDir: string, stack: string): string {
  return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

export function readStackFile(projectDir: string, stack: string): StackFileConfig {
  const file = stackFilePath(projectDir, stack);
  if (!fs.existsSync(file)) {
    throw new Error(`${path.basename(file)} not found in ${projectDir}`);
  }
  const document = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: unknown };
  const config = document.config ?? {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new Error(`${path.basename(file)}: "config" must be a map of keys to values`);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(config as Record<string, unknown>)) {
    const { value, secret } = replaceSecure(key, raw);
    values[key] =
      typeof value === "string"
        ? value
        : typeof value === "object" && value !== null
          ? JSON.stringify(value)
          : String(value);
    if (secret) secretKeys.push(key);
  }
  return { values, secretKeys };
}

/** Stack names that have a Pulumi.<stack>.yaml in `projectDir`. */
export function listStacks(projectDir: string): string[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}
