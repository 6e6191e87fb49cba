// Field constructors for the stack-config schema. Each carries ONE message that says what is
// allowed, so every way a value can be wrong (wrong type, too small, not an integer) reads the
// same to the operator: "webstack:mysql.replicas must be an integer from 0 to 5 (got -1)".
import { z } from "zod";
import { isPinnedImage } from "../catalog/images";

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

/** A key of a catalog such as the RDS instance classes; the message lists them. */
export function catalogKey(what: string, catalog: Readonly<Record<string, unknown>>) {
  const names = Object.keys(catalog);
  const error = `must be a known ${what} (one of ${names.join(", ")})`;
  return z.string({ error }).refine((value) => names.includes(value), { error });
}

/** A string matching `pattern`, described in words for the operator. */
export function pattern(regex: RegExp, description: string) {
  const error = `must be ${description}`;
  return z.string({ error }).regex(regex, { error });
}

/** A string for which `accepts` holds, described in words for the operator. */
export function checked(accepts: (value: string) => boolean, description: string) {
  const error = `must be ${description}`;
  return z.string({ error }).refine(accepts, { error });
}

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);

/** A DNS hostname in lower case: dot-separated labels of letters, digits and inner hyphens. */
export function hostname() {
  return pattern(
    HOSTNAME,
    "a valid lower-case hostname (dot-separated labels of a-z, 0-9 and inner hyphens)",
  );
}

/** A name the public DNS can resolve: a hostname with a dot and a top-level label of letters. */
export function publicHostname() {
  return checked(
    (name) => HOSTNAME.test(name) && /\.[a-z]{2,63}$/.test(name),
    "a public DNS name: lower-case labels of a-z, 0-9 and inner hyphens, ending in a top-level domain such as .com (not localhost or an IP address)",
  );
}

/** A TCP port. */
export function port() {
  return integer(1, 65535);
}

/** Octets as written canonically: 0, or 1–255 without leading zeros. */
const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const CIDR = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}\\/(\\d{1,2})$`);

/** The address as a 32-bit number and the prefix, or undefined unless written canonically. */
function parseCidr(value: string): { address: number; prefix: number } | undefined {
  const match = CIDR.exec(value);
  if (!match) return undefined;
  const address = match.slice(1, 5).reduce((sum, octet) => sum * 256 + Number(octet), 0);
  return { address, prefix: Number(match[5]) };
}

/**
 * An IPv4 network with a prefix between `minPrefix` and `maxPrefix`, written as AWS and Docker
 * store it: canonical octets and no host bits set (10.20.0.0/16, never 10.20.0.1/16).
 */
export function ipv4Cidr(minPrefix: number, maxPrefix: number) {
  const error = `must be an IPv4 CIDR block with a prefix from /${minPrefix} to /${maxPrefix} (e.g. 10.20.0.0/16)`;
  return z.string({ error }).superRefine((value, context) => {
    const parsed = parseCidr(value);
    const fail = (message: string) => context.addIssue({ code: "custom", message, input: value });
    if (!parsed || parsed.prefix < minPrefix || parsed.prefix > maxPrefix) return fail(error);
    const hostBits = 2 ** (32 - parsed.prefix);
    const network = parsed.address - (parsed.address % hostBits);
    if (network !== parsed.address) {
      const octets = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
      fail(`must have no host bits set: the network is ${octets.join(".")}/${parsed.prefix}`);
    }
  });
}

/** A container image reference pinned to a version tag or digest (never `latest`). */
export function pinnedImage() {
  return checked(
    isPinnedImage,
    'a valid image reference pinned to a version tag or digest, e.g. "mysql:8.4.4" (never "latest" or no tag)',
  );
}

/** An e-mail address: printable characters without spaces, `@`, a domain with a dot. */
export function email() {
  return pattern(
    /^[\x21-\x3f\x41-\x7e]{1,64}@[a-z0-9-]+(\.[a-z0-9-]+)+$/i,
    "an e-mail address such as ops@example.com",
  );
}

/** A phone number in E.164 form. */
export function e164() {
  return pattern(/^\+[1-9]\d{6,14}$/, "a phone number in E.164 form, e.g. +15555550100");
}

/** A `host:port` pair with a port from 1 to 65535. */
export function hostAndPort(what: string) {
  return checked((value) => {
    const match = /^([a-z0-9.-]+):(\d{1,5})$/.exec(value);
    return (
      match !== null &&
      HOSTNAME.test(match[1]) &&
      Number(match[2]) >= 1 &&
      Number(match[2]) <= 65535
    );
  }, `"host:port" of ${what}, the port from 1 to 65535`);
}

/** An optional section of the schema: an object whose keys take their defaults when absent. */
export function section<T extends z.core.$ZodLooseShape>(shape: T, description: string) {
  // An absent section parses as {}: its keys take their defaults, and required ones are reported.
  return z
    .strictObject(shape)
    .prefault({} as never)
    .describe(description);
}
