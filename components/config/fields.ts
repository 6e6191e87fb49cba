// Field constructors for the stack-config schema. Each carries ONE message that says what is
// allowed, so every way a value can be wrong (wrong type, too small, not an integer) reads the
// same to the operator: "webstack:mysql.replicas must be an integer from 0 to 5 (got -1)".
import { z } from "zod";

/** An integer in [min, max]. */
export function integer(min: number, max: number) {
  const error = `must be an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A number in [min, max] (fractions allowed). */
export function decimal(min: number, max: number) {
  const error = `must be a number from ${min} to ${max}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

export function boolean() {
  return z.boolean({ error: "must be true or false" });
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.map((v) => `"${v}"`).join(", ")}` });
}

/** A key of a catalog such as the RDS instance classes; the message lists a few examples. */
export function catalogKey(what: string, catalog: Readonly<Record<string, unknown>>) {
  const names = Object.keys(catalog);
  const error = `must be a known ${what} (one of ${names.join(", ")})`;
  return z.string({ error }).refine((value) => names.includes(value), { error });
}

/** A non-empty string of printable characters, at most `max` long. */
export function text(what: string, max = 256) {
  const error = `must be ${what} (1 to ${max} printable characters)`;
  return z
    .string({ error })
    .min(1, { error })
    .max(max, { error })
    .regex(/^[\x20-\x7e]+$/, { error });
}

/** A string matching `pattern`, described in words for the operator. */
export function pattern(regex: RegExp, description: string) {
  const error = `must be ${description}`;
  return z.string({ error }).regex(regex, { error });
}

const HOSTNAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A DNS hostname in lower case: dot-separated labels of letters, digits and inner hyphens. */
export function hostname() {
  return pattern(
    HOSTNAME,
    "a valid lower-case hostname (dot-separated labels of a-z, 0-9 and inner hyphens)",
  );
}

/** An IPv4 CIDR block with a prefix between `minPrefix` and `maxPrefix`. */
export function ipv4Cidr(minPrefix: number, maxPrefix: number) {
  const error = `must be an IPv4 CIDR block with a prefix from /${minPrefix} to /${maxPrefix} (e.g. 10.20.0.0/16)`;
  return z.string({ error }).refine(
    (value) => {
      const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
      if (!match) return false;
      const octets = match.slice(1, 5).map(Number);
      const prefix = Number(match[5]);
      return octets.every((o) => o <= 255) && prefix >= minPrefix && prefix <= maxPrefix;
    },
    { error },
  );
}

/** A container image reference pinned to a version tag or digest (never `latest`). */
export function pinnedImage() {
  const error =
    'must be an image pinned to a version tag or digest, e.g. "mysql:8.4.4" (never "latest" or no tag)';
  return z.string({ error }).refine(
    (value) => {
      if (/@sha256:[a-f0-9]{64}$/.test(value)) return true;
      const lastSegment = value.split("/").pop() ?? "";
      const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
      return tag !== undefined && /^[\w][\w.-]{0,127}$/.test(tag) && tag !== "latest";
    },
    { error },
  );
}

/** An e-mail address (deliberately simple: something@domain.tld). */
export function email() {
  return pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "an e-mail address");
}

/** A phone number in E.164 form. */
export function e164() {
  return pattern(/^\+[1-9]\d{6,14}$/, "a phone number in E.164 form, e.g. +15555550100");
}
