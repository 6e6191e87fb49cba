// Turns zod's issues into ConfigProblems worded for operators. Field constructors (fields.ts)
// already carry "must be …" messages; this adds the unknown-key and missing-key wording.
import type { z } from "zod";
import { ConfigProblem, problem } from "./problems";

/** Names that suggest someone is about to put a secret in plain text. */
const SECRET_LIKE = /pass(word)?|secret|token|api[_-]?key|private[_-]?key|credential/i;

/** Levenshtein distance, for "did you mean" on typos. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** "is not a known key", with the closest known key, or a warning about secrets. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  if (SECRET_LIKE.test(key)) {
    return (
      "is not allowed: passwords and tokens are generated with @pulumi/random or set as " +
      "encrypted secrets (pulumi config set --secret), never written in a stack file"
    );
  }
  const close = known
    .map((name) => ({ name, d: distance(key.toLowerCase(), name.toLowerCase()) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(key.length / 3)))
    .sort((a, b) => a.d - b.d)[0];
  const hint = close ? `; did you mean "${close.name}"?` : "";
  return `is not a known key (known: ${known.join(", ")})${hint}`;
}

/** What to say of `key`, which the strict object at `path` does not accept. */
export type UnknownKey = (path: readonly PropertyKey[], key: string) => string;

export function problemsFromZod(error: z.ZodError, unknownKey: UnknownKey): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      const container = (issue.input ?? {}) as Record<string, unknown>;
      for (const key of issue.keys) {
        problems.push(problem([...path, key], unknownKey(path, key), container[key]));
      }
      continue;
    }
    if (issue.input === undefined) {
      problems.push(problem(path, `is required and ${issue.message}`));
      continue;
    }
    const message = issue.message.startsWith("Invalid input")
      ? describeTypeIssue(issue)
      : issue.message;
    problems.push(problem(path, message, issue.input));
  }
  return problems;
}

function describeTypeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return `must be a ${issue.expected}`;
  return "is not valid here";
}
