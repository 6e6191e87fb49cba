// Finds an unknown value rendered into text: in a preview the SDK sends a value it does not know
// yet as the bare sentinel string, so a string input that *contains* the sentinel without *being*
// it is a renderer that stringified an unknown, and would ship as a literal. Text hides inside
// base64 and gzip (EC2 user data, cloud-init's gz+b64 files), so those are opened too.
import { gunzipSync } from "node:zlib";
import { UNKNOWN } from "./recording-engine";

const BASE64 = /^[A-Za-z0-9+/]{24,}={0,2}$/;
const EMBEDDED_BASE64 = /[A-Za-z0-9+/]{24,}={0,2}/g;

/** The text a base64 string encodes (gunzipped when gzip), or undefined when it is not text. */
function decoded(text: string): string | undefined {
  const bytes = Buffer.from(text, "base64");
  if (bytes.length === 0) return undefined;
  try {
    const plain = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
    const result = plain.toString("utf8");
    return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(result) ? undefined : result;
  } catch {
    return undefined;
  }
}

/** `text` and every text encoded inside it, a few levels deep. */
function readings(text: string, depth = 0): string[] {
  if (depth > 3) return [text];
  const inner = BASE64.test(text) ? [text] : (text.match(EMBEDDED_BASE64) ?? []);
  return [
    text,
    ...inner.flatMap((blob) => {
      const plain = decoded(blob);
      return plain === undefined ? [] : readings(plain, depth + 1);
    }),
  ];
}

/** Paths (like `uploads[0].content`) of strings that carry the sentinel inside other text. */
export function unknownLiterals(value: unknown, at = ""): string[] {
  if (typeof value === "string") {
    if (value === UNKNOWN) return [];
    return readings(value).some((text) => text.includes(UNKNOWN)) ? [at] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownLiterals(item, `${at}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) =>
      unknownLiterals(item, at ? `${at}.${key}` : key),
    );
  }
  return [];
}

/** Paths of values that are wholly unknown (the bare sentinel). */
export function unknownValues(value: unknown, at = ""): string[] {
  if (value === UNKNOWN) return [at];
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownValues(item, `${at}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) =>
      unknownValues(item, at ? `${at}.${key}` : key),
    );
  }
  return [];
}
