// What synth prints and writes for one stack: the resource table, resources.json (secrets
// redacted), outputs.json and the rendered files.
import * as fs from "node:fs";
import * as path from "node:path";
import { redactSecrets } from "../mock-runtime/mocks";
import type { StackRun } from "../mock-runtime/run-stack";

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

/** The resources as people read them: secret values replaced by "[secret]". */
export function resourcesDocument(run: StackRun): object[] {
  return run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    parent: r.parent ?? null,
    inputs: redactSecrets(r.inputs),
  }));
}

export function outputsDocument(run: StackRun): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(run.outputs).map(([key, value]) => [
      key,
      run.secretOutputs.includes(key) ? "[secret]" : value,
    ]),
  );
}

/** Replaces out/<stack>/ with this run's resources.json, outputs.json and rendered files. */
export function writeStackOutput(outDir: string, run: StackRun): string {
  const dir = path.join(outDir, run.stack);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const write = (relative: string, text: string) => {
    const target = path.resolve(dir, relative);
    if (!target.startsWith(path.resolve(dir) + path.sep)) {
      throw new Error(`rendered file "${relative}" would be written outside ${dir}`);
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  };
  write("resources.json", JSON.stringify(resourcesDocument(run), null, 2) + "\n");
  write("outputs.json", JSON.stringify(outputsDocument(run), null, 2) + "\n");
  for (const [file, text] of Object.entries(run.files)) write(file, text);
  return dir;
}
