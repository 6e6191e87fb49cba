// The app containers as plain data, shared by the Docker component and the app hosts' boot script
// so both targets run them alike: health checks on /health and /health/ready (docs/requirements.md
// §7; timings and log rotation in components/container-defaults.ts), plain settings as
// environment variables and secrets as files with a NAME_FILE variable. Pure: no Pulumi import.

/** Where secret files appear inside the backend container. */
export const SECRETS_DIR = "/run/secrets";

export type AppRole = "frontend" | "backend";

/** What a container answers its health check on (the backend's says 503 without a database). */
export const HEALTH_PATHS: Readonly<Record<AppRole, string>> = {
  frontend: "/health",
  backend: "/health/ready",
};

/**
 * The health check command: the app images are Node images, so Node itself makes the request
 * (no curl or wget needed in the image); anything but 200 within the timeout is unhealthy.
 */
export function healthCheckCommand(port: number, path: string): string[] {
  const script =
    `require("http").get({host:"127.0.0.1",port:${port},path:${JSON.stringify(path)},timeout:9000},` +
    '(r)=>process.exit(r.statusCode===200?0:1)).on("error",()=>process.exit(1))' +
    '.on("timeout",()=>process.exit(1))';
  return ["CMD", "node", "-e", script];
}

/** Single-quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The same check as `docker run --health-cmd` takes it: one line a shell inside runs. */
export function healthCheckShell(port: number, path: string): string {
  const [, program, flag, script] = healthCheckCommand(port, path);
  return [program, flag, shellQuote(script)].join(" ");
}

/** `DATABASE_PASSWORD` → `/run/secrets/database_password`. */
export function secretFilePath(name: string): string {
  return `${SECRETS_DIR}/${name.toLowerCase()}`;
}

/** The environment of an app container: its port, production mode, settings and secret files. */
export function containerEnvironment(
  port: number,
  plain: Readonly<Record<string, string>>,
  secretNames: readonly string[],
): Record<string, string> {
  const environment: Record<string, string> = { NODE_ENV: "production", PORT: String(port) };
  for (const [name, value] of Object.entries(plain)) environment[name] = value;
  for (const name of secretNames) environment[`${name}_FILE`] = secretFilePath(name);
  return environment;
}
