// The app containers as plain data, shared by the Docker component and the app hosts'
// cloud-init so both targets run them alike: health checks (REQUIREMENTS §7: 30 s / 10 s / 3 /
// 40 s on /health and /health/ready), json-file logs 50 MB × 5, plain settings as environment
// variables and secrets as files with a NAME_FILE variable. Pure: no Pulumi import.
import { HEALTHCHECK_TIMINGS, JSON_FILE_LOGS, RESTART_POLICY } from "../container-defaults";

/** Interval, timeout, retries and start period of every container health check. */
export const HEALTH_CHECK = HEALTHCHECK_TIMINGS;

/** Docker's json-file driver with rotation: at most 5 × 50 MB per container. */
export const LOG_DRIVER = JSON_FILE_LOGS.logDriver;
export const LOG_OPTIONS: Readonly<Record<string, string>> = JSON_FILE_LOGS.logOpts;

/** Back after a crash or a reboot; down when stopped by hand. */
export const RESTART = RESTART_POLICY;

/** Where secret files appear inside the backend container. */
export const SECRETS_DIR = "/run/secrets";

/** Variable names the policy pack treats as secrets when they carry a value. */
const SECRET_LOOKING = /pass(word)?|secret|token|api_?key|private_?key|auth|key/i;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

export type AppRole = "frontend" | "backend";

/** Pinned to a version tag (never "latest") or a digest, as the config and the policies ask. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const lastSegment = image.split("/").pop() ?? "";
  const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
  return tag !== undefined && /^[\w][\w.-]{0,127}$/.test(tag) && tag !== "latest";
}

/** Throws naming the field unless both app images are pinned. */
export function checkAppImages(
  owner: string,
  images: { readonly frontendImage: string; readonly backendImage: string },
): void {
  for (const [field, image] of Object.entries(images)) {
    if (!isPinnedImage(image)) {
      throw new Error(
        `${owner}: ${field} must be pinned to a version tag or digest, never "latest" or no tag (got "${image}")`,
      );
    }
  }
}

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

/** `DATABASE_PASSWORD` → `/run/secrets/database_password`. */
export function secretFilePath(name: string): string {
  return `${SECRETS_DIR}/${name.toLowerCase()}`;
}

/**
 * Checks the names of the backend's settings: upper-case, plain names that do not look like
 * secrets, secrets that do not collide with a plain name once `_FILE` is appended.
 */
export function validateSettingNames(plain: readonly string[], secret: readonly string[]): void {
  for (const name of [...plain, ...secret]) {
    if (!ENV_NAME.test(name)) {
      throw new Error(
        `backend setting ${JSON.stringify(name)} must be an upper-case variable name such as DATABASE_HOST`,
      );
    }
  }
  for (const name of plain) {
    if (SECRET_LOOKING.test(name) && !name.endsWith("_FILE")) {
      throw new Error(
        `backend.environment.${name} looks like a secret; pass it in backend.secrets so it reaches the container as a file`,
      );
    }
  }
  for (const name of secret) {
    if (plain.includes(`${name}_FILE`) || plain.includes(name)) {
      throw new Error(
        `backend.secrets.${name} collides with backend.environment; a secret sets ${name}_FILE itself`,
      );
    }
  }
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
