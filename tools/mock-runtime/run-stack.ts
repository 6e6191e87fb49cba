// Runs the real webstack program for one stack under Pulumi's mock runtime: the same code path
// as `pulumi up`, with the engine and providers replaced by WebstackMocks. Tests and synth both
// use this, so what synth shows is what the tests prove.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, WebstackConfig } from "../../components/config";
import type { Environment } from "../../components/environment";
import { defineStack } from "../../components/program";
import { RecordedAlias, RecordedResource, WebstackMocks } from "./mocks";
import type { StackFileConfig } from "./stack-file";

export const PROJECT = "webstack";

export interface StackRun {
  readonly stack: string;
  readonly resources: readonly RecordedResource[];
  /** Stack outputs, resolved. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Names of the outputs Pulumi holds as secrets. */
  readonly secretOutputs: readonly string[];
  /** Rendered files by path under out/<stack>/. */
  readonly files: Readonly<Record<string, string>>;
  /** Provider functions (data sources) the program called, with their arguments. */
  readonly calls: readonly { readonly token: string; readonly inputs: Record<string, unknown> }[];
}

/** Resolves an Output under the mock runtime (values are always known there). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => (resolve(value), value)));
}

/** The parts of a RegisterResourceRequest we read (protobuf accessors). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getPropertydependenciesMap(): {
    forEach(visit: (deps: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getAliasesList(): {
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getParenturn(): string } | undefined;
  }[];
}
type RegisterCallback = (error: unknown, response?: { getUrn(): string }) => void;

/**
 * The mock monitor tells mocks neither a resource's parent, options nor URN; wrap the monitor
 * instance's registerResource to read them from the request and response.
 */
function captureRegistrations(mocks: WebstackMocks): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, callback: RegisterCallback): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
      propertyDependencies[key] = deps.getUrnsList();
    });
    mocks.noteRequest(req.getType(), req.getName(), {
      parentUrn: req.getParent(),
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      propertyDependencies,
      aliases: req.getAliasesList().map((alias): RecordedAlias => {
        const spec = alias.getSpec();
        if (!spec) return { urn: alias.getUrn() };
        const fields = {
          name: spec.getName(),
          type: spec.getType(),
          parentUrn: spec.getParenturn(),
        };
        return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ""));
      }),
    });
    return register(req, (error, response) => {
      if (response) mocks.noteUrn(req.getType(), req.getName(), response.getUrn());
      callback(error, response);
    });
  };
}

/**
 * Runs the program for `stack`; rejects with a ConfigError before anything is registered when
 * the config is invalid, or with the program's own error.
 */
export async function runStack(
  stack: string,
  config: StackFileConfig,
  program: (config: WebstackConfig) => Environment = defineStack,
  mocks = new WebstackMocks(),
): Promise<StackRun> {
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
  captureRegistrations(mocks);
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  let environment: Environment | undefined;
  try {
    // index.ts validates inside the engine's stack; here validation runs first so a bad config
    // rejects this call instead of failing the mock stack resource asynchronously.
    const validated = loadConfig();
    // A program error is caught inside the stack's init and rethrown here: thrown from init it
    // would also surface as an unhandled rejection from the mock stack resource.
    let programError: unknown;
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
      try {
        environment = program(validated);
        return environment.stackOutputs;
      } catch (error) {
        programError = error;
        return {};
      }
    });
    if (programError !== undefined) throw programError;
    const built = environment as Environment;
    const secretOutputs: string[] = [];
    for (const [key, output] of Object.entries(built.stackOutputs)) {
      if (await pulumi.isSecret(output as pulumi.Output<unknown>)) secretOutputs.push(key);
    }
    const files: Record<string, string> = {};
    for (const [file, text] of Object.entries(built.renderedFiles)) {
      files[file] = await valueOf(text);
    }
    await pulumi.runtime.disconnect();
    return {
      stack,
      resources: mocks.resources,
      outputs: outputs ?? {},
      secretOutputs,
      files,
      calls: [...mocks.calls],
    };
  } catch (error) {
    await pulumi.runtime.disconnect().catch(() => undefined);
    throw error;
  }
}
