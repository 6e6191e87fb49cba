// Reads the key names a strict object in the schema accepts at a path, for "did you mean".
import { z } from "zod";

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
    if (def.innerType) current = def.innerType;
    else if (def.in) current = def.in;
    else return current;
  }
}

/**
 * `root` is typed `unknown` on purpose: relating the full stack schema's type to z.ZodType costs
 * the type checker over half a second, for no safety we need here.
 */
export function keysAt(root: unknown, path: readonly PropertyKey[]): readonly string[] {
  let current = unwrap(root as z.ZodType);
  for (const segment of path) {
    if (current instanceof z.ZodObject) {
      const child = current.shape[segment as string] as z.ZodType | undefined;
      if (!child) return [];
      current = unwrap(child);
    } else if (current instanceof z.ZodArray) {
      current = unwrap(current.element as z.ZodType);
    } else if (current instanceof z.ZodRecord) {
      current = unwrap(current.valueType as z.ZodType);
    } else {
      return [];
    }
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}
