// Helpers over the nginx.conf reader the policy pack uses, so the edge unit tests assert on
// structure (which location carries which header) rather than on substrings.
import { Directive, parseNginx } from "../../policies/nginx-text";

export type { Directive };
export const parseNginxConf = parseNginx;

/** Direct children named `name`. */
export function children(parent: readonly Directive[], name: string): Directive[] {
  return parent.filter((d) => d.name === name);
}

/** The only direct child named `name`; throws when absent or repeated. */
export function only(parent: readonly Directive[], name: string): Directive {
  const found = children(parent, name);
  if (found.length !== 1) throw new Error(`expected one '${name}', found ${found.length}`);
  return found[0];
}
