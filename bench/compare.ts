// Times two commands alternately (A B A B ...) after a warm-up and reports each one's median
// wall time and the median of the per-pair ratios A/B, so machine drift during the run affects
// both sides alike. Usage:
//   tsx bench/compare.ts --runs 5 --label "tsc: project vs one-resource" -- "<A>" "<B>"
import { spawnSync } from "node:child_process";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time(command: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync("sh", ["-c", command], { stdio: "ignore" });
  if (result.status !== 0) throw new Error(`"${command}" exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function main(argv: string[]): void {
  const separator = argv.indexOf("--");
  const options = argv.slice(0, separator);
  const [candidate, baseline] = argv.slice(separator + 1);
  const value = (flag: string, fallback: string) => {
    const i = options.indexOf(flag);
    return i >= 0 ? options[i + 1] : fallback;
  };
  const runs = Number(value("--runs", "5"));
  const label = value("--label", `${candidate} vs ${baseline}`);
  if (separator < 0 || !candidate || !baseline || !(runs >= 1)) {
    throw new Error('usage: compare.ts [--runs N] [--label L] -- "<candidate>" "<baseline>"');
  }
  time(candidate);
  time(baseline);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(time(candidate));
    b.push(time(baseline));
  }
  const ratios = a.map((t, i) => t / b[i]);
  const fmt = (n: number) => n.toFixed(2);
  console.log(`${label} (${runs} runs each, alternating)`);
  console.log(`  candidate median ${fmt(median(a))} s  [${a.map(fmt).join(" ")}]  ${candidate}`);
  console.log(`  baseline  median ${fmt(median(b))} s  [${b.map(fmt).join(" ")}]  ${baseline}`);
  console.log(
    `  ratio candidate/baseline: median ${fmt(median(ratios))} (min ${fmt(Math.min(...ratios))}, max ${fmt(Math.max(...ratios))})`,
  );
}

main(process.argv.slice(2));
