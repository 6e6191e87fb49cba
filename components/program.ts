// The program behind index.ts, callable on its own so the mock runtime (tests, synth) runs
// exactly what `pulumi up` runs: read config, tag everything, build the Environment.
import { loadConfig, WebstackConfig } from "./config";
import { Environment } from "./environment";
import { registerTagging } from "./tagging";

export function defineStack(config: WebstackConfig = loadConfig()): Environment {
  registerTagging(config.tags);
  return new Environment(config.stack, config);
}
