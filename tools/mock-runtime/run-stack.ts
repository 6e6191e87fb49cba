// Runs the real webstack program for one stack under Pulumi's mock runtime: the same code path
// as `pulumi up`, with the engine and providers replaced by WebstackMocks. Tests and synth both
// use this, so what synth shows is what the tests prove.
import * as pulumi from "@pulumi/pulumi";
import type { Alias } from "@pulumi/pulumi/proto/alias_pb";
import type {
  RegisterResourceRequest,
  RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb";
import { loadConfig, WebstackConfig } from "../../components/config";
import type { Environment } from "../../components/environment";
import { defineStack } from "../../components/program";
import { RecordedAlias, RecordedResource, WebstackMocks } from "./mocks";
import type { StackFileConfig } from "./stack-file";

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
  readonly calls: WebstackMocks["calls"];
}

function aliasOf(alias: Alias): RecordedAlias {
  const spec = alias.getSpec();
  if (!spec) return { urn: alias.getUrn() };
  const fields = { name: spec.getName(), type: spec.getType(), parentUrn: spec.getParenturn() };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ""));
}

/**
 * The mock monitor tells mocks neither a resource's parent, options nor URN; wrap the monitor
 * instance's registerResource to read them from the request and response.
 */
function captureRegistrations(mocks: WebstackMocks): void {
  type Callback = (error: unknown, response?: RegisterResourceResponse) => void;
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(request: RegisterResourceRequest, callback: Callback): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const key = `${request.getType()}::${request.getName()}`;
    const parentUrn = request.getParent();
    const propertyDependencies: Record<string, string[]> = {};
    request.getPropertydependenciesMap().forEach((dependencies, input) => {
      propertyDependencies[input] = dependencies.getUrnsList();
    });
    mocks.options.set(key, {
      parent:
        parentUrn && !parentUrn.includes("::pulumi:pulumi:Stack::")
          ? parentUrn.slice(parentUrn.lastIndexOf("::") + 2)
          : undefined,
      protect: request.getProtect() === true,
      retainOnDelete: request.getRetainondelete() === true,
      dependencies: request.getDependenciesList(),
      propertyDependencies,
      aliases: request.getAliasesList().map(aliasOf),
    });
    return register(request, (error, response) => {
      if (response) mocks.options.set(key, { ...mocks.options.get(key), urn: response.getUrn() });
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
  await pulumi.runtime.setMocks(mocks, "webstack", stack, false);
  captureRegistrations(mocks);
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  try {
    // index.ts validates inside the engine's stack; here validation runs first so a bad config
    // rejects this call instead of failing the mock stack resource asynchronously.
    const validated = loadConfig();
    // A program error is caught inside the stack's init and rethrown here: thrown from init it
    // would also surface as an unhandled rejection from the mock stack resource.
    let built: Environment | undefined;
    let programError: unknown;
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
      try {
        built = program(validated);
        return built.stackOutputs;
      } catch (error) {
        programError = error;
        return {};
      }
    });
    const environment = built as Environment | undefined;
    if (!environment) throw programError;
    const secretOutputs: string[] = [];
    for (const [key, output] of Object.entries(environment.stackOutputs)) {
      if (await pulumi.isSecret(output as pulumi.Output<unknown>)) secretOutputs.push(key);
    }
    const files: Record<string, string> = {};
    for (const [file, text] of Object.entries(environment.renderedFiles)) {
      files[file] = await new Promise<string>((resolve) => text.apply(resolve));
    }
    await pulumi.runtime.disconnect();
    const resources = mocks.resources;
    return { stack, resources, outputs: outputs ?? {}, secretOutputs, files, calls: mocks.calls };
  } catch (error) {
    await pulumi.runtime.disconnect().catch(() => undefined);
    throw error;
  }
}
