// Recognises what a Markdown page says exists in the repository or in a stack: file paths,
// npm scripts, stack outputs, config keys and alarm names. Each rule is narrow on purpose —
// a token is only taken for a reference where the text leaves no doubt — so the test built on
// it has no false positives and a stale reference is a real one.

export type Kind =
  "path" | "markdown link" | "npm script" | "stack output" | "config key" | "alarm";

export interface Reference {
  readonly kind: Kind;
  readonly text: string;
  readonly line: number;
}

interface Span {
  readonly code: string;
  readonly line: number;
  /** A `code` span inside prose, not a fenced block. */
  readonly inline: boolean;
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

/** Inline code spans and the lines of fenced blocks, each with its line number. */
export function codeSpans(markdown: string): Span[] {
  const spans: Span[] = [];
  const fence = /^```[^\n]*\n([\s\S]*?)^```$/gm;
  let prose = markdown;
  for (const match of markdown.matchAll(fence)) {
    const first = lineAt(markdown, match.index) + 1;
    match[1].split("\n").forEach((code, i) => spans.push({ code, line: first + i, inline: false }));
    prose =
      prose.slice(0, match.index) +
      match[0].replace(/[^\n]/g, " ") +
      prose.slice(match.index + match[0].length);
  }
  for (const match of prose.matchAll(/`([^`\n]+)`/g)) {
    spans.push({ code: match[1], line: lineAt(prose, match.index), inline: true });
  }
  return spans;
}

/** The top-level entries of the repository a path may start with (components/, tools/, …). */
export interface PathRoots {
  readonly topLevel: ReadonlySet<string>;
  /** Directory names found anywhere in the repository or in synth's output. */
  readonly directoryNames: ReadonlySet<string>;
}

const PATH = /^[\w.@<>{},*…-]+(?:\/[\w.<>{},*…-]*)+$/;
const BARE_SOURCE = /^[\w.-]+\.(?:ts|sh)$/;

/**
 * File paths: any word of a code span that starts at a top-level entry of the repository or at
 * `out/`; in a one-word inline span also a path relative to a directory the repository or synth
 * has (`edge/nginx.conf`, `config/parts/`) and a bare source file name (`passwords.ts`).
 */
export function pathReferences(markdown: string, roots: PathRoots): Reference[] {
  const found: Reference[] = [];
  for (const { code, line, inline } of codeSpans(markdown)) {
    const words = code.split(/\s+/).map((w) => w.replace(/^[("'$]+|[)"',;:]+$/g, ""));
    const alone = inline && words.length === 1;
    for (const word of words) {
      if (word.includes("://") || word.startsWith("/")) continue;
      const first = word.split("/")[0];
      const rooted = PATH.test(word) && (roots.topLevel.has(first) || first === "out");
      const relative = alone && PATH.test(word) && roots.directoryNames.has(first);
      if (rooted || relative || (alone && BARE_SOURCE.test(word))) {
        found.push({ kind: "path", text: word, line });
      }
    }
  }
  return found;
}

/** Relative targets of Markdown links, `[text](target)`, without their #anchor. */
export function linkReferences(markdown: string): Reference[] {
  return [...markdown.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)]
    .filter((m) => !/^[a-z]+:/.test(m[1]))
    .map((m) => ({ kind: "markdown link", text: m[1], line: lineAt(markdown, m.index) }));
}

/** `npm run <script>` anywhere in code. */
export function npmScriptReferences(markdown: string): Reference[] {
  return codeSpans(markdown).flatMap(({ code, line }) =>
    [...code.matchAll(/\bnpm run ([\w:.-]*\w)/g)].map((m) => ({
      kind: "npm script" as const,
      text: m[1],
      line,
    })),
  );
}

/** The first word after `command` that is not a flag or a flag's value (`--stack prod`). */
function firstArgument(code: string, command: RegExp): string | undefined {
  const at = code.search(command);
  if (at < 0) return undefined;
  const words = code.slice(at).replace(command, "").trim().split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    if (/^(--stack|-s)$/.test(words[i])) i++;
    else if (!words[i].startsWith("-")) {
      const word = words[i].replace(/[)"']+$/, "");
      return /^[A-Za-z][\w.:-]*$/.test(word) ? word : undefined;
    }
  }
  return undefined;
}

/**
 * Stack outputs: the name `pulumi stack output` is given, and every `identifier` in the rest of
 * a sentence (or table cell) after the words "stack output(s)".
 */
export function outputReferences(markdown: string): Reference[] {
  const found: Reference[] = [];
  for (const { code, line } of codeSpans(markdown)) {
    const name = firstArgument(code, /pulumi stack output\b/);
    if (name) found.push({ kind: "stack output", text: name, line });
  }
  const lines = markdown.split("\n");
  lines.forEach((text, i) => {
    // A sentence may run on over the paragraph's next lines; a table cell ends at its bar.
    const paragraph = [text, ...lines.slice(i + 1, i + 4)].join(" ");
    for (const m of text.matchAll(/stack outputs?\b/gi)) {
      const rest = paragraph.slice(m.index);
      const end = rest.search(/\.(\s|$)|\|/);
      const sentence = end < 0 ? rest : rest.slice(0, end);
      for (const id of sentence.matchAll(/`([a-z][A-Za-z0-9]*)`/g)) {
        found.push({ kind: "stack output", text: id[1], line: i + 1 });
      }
    }
  });
  return found;
}

/**
 * Config keys: `webstack:<key path>`, a `<section>.<key…>` path whose first segment is a
 * top-level section of the schema (`mysql.publishPort`, `edge.route53ZoneId: …`), and the key
 * `pulumi config set`/`rm` is given.
 */
export function configKeyReferences(markdown: string, sections: ReadonlySet<string>): Reference[] {
  const found: Reference[] = [];
  for (const { code, line, inline } of codeSpans(markdown)) {
    const add = (key: string) =>
      found.push({ kind: "config key", text: key.replace(/\[\d+\]/g, ""), line });
    for (const m of code.matchAll(/(?<![\w:])webstack:([A-Za-z][\w.[\]-]*)(?![\w.[\]-]|:\w)/g)) {
      // The program's own error for an unknown key, quoted in the docs with a misspelt key.
      if (!code.slice(m.index + m[0].length).startsWith(" is not a known key")) add(m[1]);
    }
    const key = firstArgument(code, /pulumi config (?:set|rm)\b/);
    if (key && !/^[a-z]+:/.test(key)) add(key);
    else if (key?.startsWith("webstack:")) add(key.slice("webstack:".length));
    if (inline) {
      const head = code.split(/[\s:]/)[0];
      const dotted = /^[A-Za-z][\w-]*(?:\.[\w-]+(?:\[\d+\])?)+$/.test(head);
      if (dotted && sections.has(head.split(".")[0])) add(head);
    }
  }
  return found;
}

/** Words shaped like the catalog's alarm names: CamelCase ending in the state it reports. */
const ALARM_NAME =
  /\b[A-Z][a-z]+(?:[A-Z0-9][a-z0-9]*)*(?:High|Low|Down|Critical|Warning|Failed|Failing|Stale|Slow|Backlog)\b/g;

export function alarmReferences(markdown: string): Reference[] {
  return markdown.split("\n").flatMap((text, i) =>
    [...text.matchAll(ALARM_NAME)].map((m) => ({
      kind: "alarm" as const,
      text: m[0],
      line: i + 1,
    })),
  );
}
