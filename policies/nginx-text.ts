// A small reader for nginx.conf text, enough for policies to check what actually ships: it
// splits the file into directives and blocks, honouring quotes, escapes and comments.

export interface Directive {
  readonly name: string;
  readonly args: readonly string[];
  /** Child directives when this is a block (`server { ... }`). */
  readonly children?: readonly Directive[];
}

function tokens(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "{" || c === "}" || c === ";") {
      out.push(c);
      i++;
    } else if (c === '"' || c === "'") {
      let value = "";
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        value += text[i++];
      }
      i++;
      out.push(`\u0000${value}`);
    } else {
      let value = "";
      while (i < text.length && !/[\s{};]/.test(text[i])) value += text[i++];
      out.push(value);
    }
  }
  return out;
}

/** Parses nginx.conf text; throws on unbalanced braces or a missing ";". */
export function parseNginx(text: string): Directive[] {
  const list = tokens(text);
  let position = 0;
  const plain = (token: string) => (token.startsWith("\u0000") ? token.slice(1) : token);
  const parseBlock = (inside: boolean): Directive[] => {
    const directives: Directive[] = [];
    let words: string[] = [];
    while (position < list.length) {
      const token = list[position++];
      if (token === ";") {
        if (words.length > 0) directives.push({ name: words[0], args: words.slice(1) });
        words = [];
      } else if (token === "{") {
        const children = parseBlock(true);
        directives.push({ name: words[0] ?? "", args: words.slice(1), children });
        words = [];
      } else if (token === "}") {
        if (!inside) throw new Error("unexpected } in nginx.conf");
        if (words.length > 0) throw new Error(`missing ; after "${words.join(" ")}"`);
        return directives;
      } else {
        words.push(plain(token));
      }
    }
    if (inside) throw new Error("unclosed { in nginx.conf");
    if (words.length > 0) throw new Error(`missing ; after "${words.join(" ")}"`);
    return directives;
  };
  return parseBlock(false);
}

/** Every directive named `name`, at any depth. */
export function findAll(directives: readonly Directive[], name: string): Directive[] {
  return directives.flatMap((d) => [
    ...(d.name === name ? [d] : []),
    ...findAll(d.children ?? [], name),
  ]);
}
