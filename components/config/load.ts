// The one place the program reads stack config: from the Pulumi runtime (the CLI, or the mock
// runtime in tests and synth), validated by parseStackConfig, with secrets kept as secrets.
import * as pulumi from "@pulumi/pulumi";
import { SecretKey } from "./parts/alerts";
import { parseStackConfig, RawStackConfig, StackIdentity } from "./parse";
import type { StackValues } from "./schema";

/** What the loader adds to the parsed values. */
interface Loaded {
  /** Secrets set with `pulumi config set --secret`, as Pulumi secret outputs. */
  readonly secrets: Readonly<Partial<Record<SecretKey, pulumi.Output<string>>>>;
  /** Tags/labels put on every resource. */
  readonly tags: Readonly<Record<"environment" | "project" | "owner" | "stack", string>>;
}

/** The frozen, typed configuration every component is built from; narrow it on `target`. */
export type WebstackConfig = StackValues & StackIdentity & Loaded;
export type DockerConfig = Extract<WebstackConfig, { target: "docker" }>;
export type AwsConfig = Extract<WebstackConfig, { target: "aws" }>;

/**
 * Which keys the engine marked secret. The SDK exports this at run time but marks it internal;
 * there is no public way to ask, and we must know, to refuse plain-text secrets.
 */
function isConfigSecret(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  if (typeof runtime.isConfigSecret !== "function") {
    throw new Error("this @pulumi/pulumi version no longer exports runtime.isConfigSecret");
  }
  return runtime.isConfigSecret(key);
}

/** Reads the raw config the engine passed to this program. */
export function readRuntimeConfig(): RawStackConfig {
  const values = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(values).filter(isConfigSecret));
  return { project: pulumi.getProject(), stack: pulumi.getStack(), values, secretKeys };
}

function isoToday(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Validates the stack's config; throws ConfigError before any resource exists. */
export function loadConfig(
  raw: RawStackConfig = readRuntimeConfig(),
  today = isoToday(),
): WebstackConfig {
  const { secretValues, ...parsed } = parseStackConfig(raw, today);
  const secrets: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const [key, value] of Object.entries(secretValues) as [SecretKey, string][]) {
    secrets[key] = pulumi.secret(value);
  }
  return Object.freeze<WebstackConfig>({
    ...parsed,
    secrets: Object.freeze(secrets),
    tags: Object.freeze({
      environment: parsed.environment,
      project: parsed.project,
      owner: parsed.owner,
      stack: parsed.stack,
    }),
  });
}
