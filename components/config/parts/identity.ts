// Top-level identity of a stack: which tier's floors apply, where it runs, who owns it and the
// public names it answers to.
import { z } from "zod";
import { TIERS } from "../../catalog/tiers";
import { hostname, oneOf, pattern } from "../fields";

export const TARGETS = ["docker", "aws"] as const;
export type Target = (typeof TARGETS)[number];

export const identityFields = {
  environment: oneOf(TIERS).describe(
    "Tier whose floors apply (dev < test < staging < prod); defaults to the stack name when it is one of them.",
  ),
  target: oneOf(TARGETS).describe(
    "Where the platform runs: docker (a Docker engine, local or docker:host) or aws.",
  ),
  owner: pattern(
    /^[A-Za-z0-9 _.:/=+@-]{1,128}$/,
    "a team or person, 1 to 128 characters usable in an AWS tag (letters, digits, space and _.:/=+-@)",
  ).describe("Owner tag/label put on every resource."),
  domains: z
    .array(hostname(), { error: "must be a list of hostnames" })
    .min(1, { error: "must list at least one hostname" })
    .max(10, { error: "must list at most 10 hostnames" })
    .refine((names) => new Set(names).size === names.length, {
      error: "must not list a hostname twice",
    })
    .describe("Public hostnames; the first is the canonical one used in URLs and outputs."),
};
