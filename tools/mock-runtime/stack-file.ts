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

/** `value` with each `secure:` value in it replaced by "<secret:path>"; `found` hears of each. */
function replaceSecure(at: string, value: unknown, found: () => void): unknown {
  if (!value || typeof value !== "object") return value;
  if (Object.keys(value).join() === "secure" && typeof Object.values(value)[0] === "string") {
    found();
    return `<secret:${at}>`;
  }
  if (Array.isArray(value))
    return value.map((item, i) => replaceSecure(`${at}[${i}]`, item, found));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, replaceSecure(`${at}.${key}`, item, found)]),
  );
}

export function readStackFile(projectDir: string, stack: string): StackFileConfig {
  const file = `Pulumi.${stack}.yaml`;
  const fullPath = path.join(projectDir, file);
  if (!fs.existsSync(fullPath)) throw new Error(`${file} not found in ${projectDir}`);
  const config =
    ((parse(fs.readFileSync(fullPath, "utf8")) ?? {}) as { config?: unknown }).config ?? {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new Error(`${file}: "config" must be a map of keys to values`);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(config)) {
    const value = replaceSecure(key, raw, () => secretKeys.push(key));
    values[key] =
      typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
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
