// What synth prints and writes for one stack: the resource table, resources.json (secrets
// redacted), outputs.json, policy-report.json and the rendered files.
import * as fs from "node:fs";
import * as path from "node:path";
import { redactSecrets } from "../mock-runtime/mocks";
import type { StackRun } from "../mock-runtime/run-stack";
import type { PolicyResult } from "../policy/evaluate";

/** "type → count" rows sorted by type, and the total. */
export function resourceTable(run: StackRun): string {
  const counts = new Map<string, number>();
  for (const r of run.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max("TOTAL".length, ...rows.map(([type]) => type.length));
  const line = (label: string, count: number) =>
    `  ${label.padEnd(width)}  ${String(count).padStart(4)}`;
  return [
    `Stack ${run.stack}:`,
    ...rows.map(([type, count]) => line(type, count)),
    `  ${"-".repeat(width + 6)}`,
    line("TOTAL", run.resources.length),
  ].join("\n");
}

/** Replaces <outDir>/<stack>/ with this run's documents and rendered files; returns its path. */
export function writeStackOutput(
  outDir: string,
  run: StackRun,
  policyResults: readonly PolicyResult[],
): string {
  const dir = path.join(outDir, run.stack);
  fs.rmSync(dir, { recursive: true, force: true });
  const write = (relative: string, text: string) => {
    const target = path.resolve(dir, relative);
    if (!target.startsWith(path.resolve(dir) + path.sep)) {
      throw new Error(`rendered file "${relative}" would be written outside ${dir}`);
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  };
  const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";
  const resources = run.resources.map(({ type, name, parent, inputs }) => ({
    type,
    name,
    parent: parent ?? null,
    inputs: redactSecrets(inputs),
  }));
  const outputs = Object.entries(run.outputs).map(([key, value]) => [
    key,
    run.secretOutputs.includes(key) ? "[secret]" : value,
  ]);
  write("resources.json", json(resources));
  write("outputs.json", json(Object.fromEntries(outputs)));
  write("policy-report.json", json(policyResults));
  for (const [file, text] of Object.entries(run.files)) write(file, text);
  return dir;
}
