// A small reader for nginx.conf text, enough for policies and tests to check what actually
// ships: it splits the file into directives and blocks, honouring quotes and comments.

export interface Directive {
  readonly name: string;
  readonly args: readonly string[];
  /** Present for block directives (`http { ... }`), absent for simple ones (`gzip on;`). */
  readonly children?: readonly Directive[];
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "{" || c === "}" || c === ";") {
      tokens.push(c);
      i++;
    } else if (c === '"' || c === "'") {
      let value = "";
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === "\\" && i + 1 < text.length) {
          value += text[i] + text[i + 1];
          i += 2;
        } else {
          value += text[i++];
        }
      }
      if (i >= text.length) throw new Error(`unterminated ${c} string`);
      i++;
      // Quoted tokens keep a marker so `''` stays an (empty) argument.
      tokens.push(`\u0000${value}`);
    } else {
      let value = "";
      while (i < text.length && !/[\s{};]/.test(text[i])) value += text[i++];
      tokens.push(value);
    }
  }
  return tokens;
}

/** Parses nginx configuration text; throws on unbalanced braces or a missing `;`. */
export function parseNginx(text: string): Directive[] {
  const tokens = tokenize(text);
  let position = 0;
  const unquote = (token: string) => (token.startsWith("\u0000") ? token.slice(1) : token);

  function parseBlock(nested: boolean): Directive[] {
    const directives: Directive[] = [];
    while (position < tokens.length) {
      if (tokens[position] === "}") {
        if (!nested) throw new Error("unexpected '}'");
        position++;
        return directives;
      }
      const words: string[] = [];
      while (position < tokens.length && !["{", "}", ";"].includes(tokens[position])) {
        words.push(unquote(tokens[position++]));
      }
      const terminator = tokens[position++];
      if (words.length === 0) throw new Error(`empty directive before '${terminator}'`);
      const [name, ...args] = words;
      if (terminator === ";") directives.push({ name, args });
      else if (terminator === "{") directives.push({ name, args, children: parseBlock(true) });
      else throw new Error(`directive '${name}' is not terminated`);
    }
    if (nested) throw new Error("missing '}'");
    return directives;
  }
  return parseBlock(false);
}

/** Every directive named `name`, at any depth. */
export function findAll(directives: readonly Directive[], name: string): Directive[] {
  return directives.flatMap((d) => [
    ...(d.name === name ? [d] : []),
    ...findAll(d.children ?? [], name),
  ]);
}
