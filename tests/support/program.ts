// Runs the real program for a stack under the mock runtime for program-level tests, with
// optional config edits, and small queries over what it registered.
import * as path from "node:path";
import type { RecordedResource } from "../../tools/mock-runtime/mocks";
import { unwrapSecrets } from "../../tools/mock-runtime/mocks";
import { runStack, StackRun } from "../../tools/mock-runtime/run-stack";
import { readStackFile, StackFileConfig } from "../../tools/mock-runtime/stack-file";

export const PROJECT_DIR = path.resolve(__dirname, "../..");
export const STACKS = ["dev", "test", "staging", "prod"] as const;

/** The committed stack file's config, as the CLI would pass it. */
export function stackConfig(stack: string): StackFileConfig {
  return readStackFile(PROJECT_DIR, stack);
}

/** Sets (or with `undefined` removes) top-level keys, e.g. {"webstack:mysql": {...}}. */
export function withConfig(
  base: StackFileConfig,
  changes: Record<string, unknown>,
  secretKeys: string[] = [],
): StackFileConfig {
  const values = { ...base.values };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete values[key];
    else values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { values, secretKeys: [...base.secretKeys, ...secretKeys] };
}

/** Reads a stack key's object value, for edits: withConfig(c, {"webstack:mysql": {...get(c,"webstack:mysql"), replicas: 2}}). */
export function configObject(config: StackFileConfig, key: string): Record<string, unknown> {
  const text = config.values[key];
  return text === undefined ? {} : (JSON.parse(text) as Record<string, unknown>);
}

export async function synth(stack: string, config = stackConfig(stack)): Promise<StackRun> {
  return runStack(stack, config);
}

export function ofType(run: StackRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function named(run: StackRun, name: string): RecordedResource {
  const found = run.resources.find((r) => r.name === name);
  if (!found) throw new Error(`${run.stack} registered no resource named ${name}`);
  return found;
}

/** Inputs with secret wrappers removed, for assertions on values. */
export function inputsOf(resource: RecordedResource): Record<string, unknown> {
  return unwrapSecrets(resource.inputs) as Record<string, unknown>;
}

/** The placeholder the mock gives a resource's output `attribute`, which others reference. */
export function computedOf(resource: RecordedResource, attribute: string): string {
  return `<computed:${resource.type}::${resource.name}.${attribute}>`;
}

/** The id placeholder the mock gives a resource, which other resources reference. */
export function idOf(resource: RecordedResource): string {
  return computedOf(resource, "id");
}

/** A file a Docker container is given at creation (docker.Container `uploads`). */
export interface Upload {
  file: string;
  content: string;
  permissions?: string;
  owner?: string;
}

/** A container's uploads, secret wrappers removed. */
export function uploadsOf(container: RecordedResource): Upload[] {
  return (inputsOf(container).uploads as Upload[] | undefined) ?? [];
}

/** The upload at `file`; throws naming the container when it has none there. */
export function uploadOf(container: RecordedResource, file: string): Upload {
  const found = uploadsOf(container).find((u) => u.file === file);
  if (!found) throw new Error(`${container.name} has no upload ${file}`);
  return found;
}

/** `config` with the object at `key` (e.g. "webstack:redis") shallow-merged with `patch`. */
export function withSection(
  config: StackFileConfig,
  key: string,
  patch: Record<string, unknown>,
): StackFileConfig {
  return withConfig(config, { [key]: { ...configObject(config, key), ...patch } });
}

/**
 * What every long-running container on Docker is registered with (docs/requirements.md §7): restarted
 * unless stopped, json-file logs kept as 5 files of 50 MB so none can fill the host's disk, and
 * a health check on the house timings. Written out here, not imported, so that a changed default fails the tests.
 * Match with toMatchObject; each test adds the check's own `tests`.
 */
export const CONTAINER_HOUSE_SETTINGS = {
  restart: "unless-stopped",
  logDriver: "json-file",
  logOpts: { "max-size": "50m", "max-file": "5" },
  healthcheck: { interval: "30s", timeout: "10s", retries: 3, startPeriod: "40s" },
} as const;
