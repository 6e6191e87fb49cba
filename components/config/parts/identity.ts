// Top-level identity of a stack: which tier's floors apply, who owns it and the public names it
// answers to. Where it runs (`target`) chooses the schema: see ../schema.ts.
import { z } from "zod";
import { TIERS } from "../../catalog/tiers";
import { hostname, oneOf, pattern, publicHostname } from "../fields";

export const TARGETS = ["docker", "aws"] as const;
export type Target = (typeof TARGETS)[number];

function domains(name: z.ZodString) {
  return z
    .array(name, { error: "must be a list of hostnames" })
    .min(1, { error: "must list at least one hostname" })
    .max(10, { error: "must list at most 10 hostnames" })
    .refine((names) => new Set(names).size === names.length, {
      error: "must not list a hostname twice",
    })
    .describe("Public hostnames; the first is the canonical one used in URLs and outputs.");
}

export const identityFields = {
  environment: oneOf(TIERS).describe(
    "Tier whose floors config validation applies (dev < test < staging < prod); defaults to the stack name when it is one. The policy pack judges at its own config's tier, never lower.",
  ),
  owner: pattern(
    /^[A-Za-z0-9 _.:/=+@-]{1,128}$/,
    "a team or person, 1 to 128 characters usable in an AWS tag (letters, digits, space and _.:/=+-@)",
  ).describe("Owner tag/label put on every resource."),
};

/** Docker stacks may answer to `localhost`; AWS stacks need names ACM can certify. */
export const domainsSchema = { docker: domains(hostname()), aws: domains(publicHostname()) };
