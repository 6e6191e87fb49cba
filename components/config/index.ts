// Stack configuration: schema, validation and the loader.
export { ConfigError } from "./problems";
export { loadConfig, readRuntimeConfig } from "./load";
export type { AwsConfig, DockerConfig, WebstackConfig } from "./load";
export { parseStackConfig, secretPlaceholder, WEAK_SECRETS } from "./parse";
export type { RawStackConfig } from "./parse";
export { stackConfigSchema } from "./schema";
export { SECRET_KEYS } from "./parts/alerts";
export type { SecretKey, Channel } from "./parts/alerts";
export type { Target } from "./parts/identity";
