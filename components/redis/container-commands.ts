// What the Redis containers run besides the server: the health check and the cluster-create
// wrapper. Both read the password from the uploaded secret file at run time, so no container
// carries it in an environment variable (visible in `docker inspect`, refused by the policy
// pack). Also: the rendered config with the real secret put in after rendering.
import { DEFAULT_REDIS_PORT } from "./redis-conf";

/** Where the rendered redis.conf is uploaded (the official image's documented location). */
export const REDIS_CONF_PATH = "/usr/local/etc/redis/redis.conf";
/** The AUTH secret alone, for redis-cli in the health check and the create job. */
export const REDIS_PASSWORD_FILE = "/run/secrets/redis-password";
export const CLUSTER_CREATE_SCRIPT_PATH = "/usr/local/bin/create-cluster.sh";

/** `HEALTHCHECK CMD-SHELL`: PONG from the local node, authenticated with the password file. */
export function redisHealthcheckTest(
  passwordFile = REDIS_PASSWORD_FILE,
  port = DEFAULT_REDIS_PORT,
): string[] {
  return [
    "CMD-SHELL",
    `REDISCLI_AUTH="$(cat ${passwordFile})" redis-cli -p ${port} ping | grep -q PONG`,
  ];
}

/** Command of the one-shot create container: exports the password, then runs the script. */
export function clusterCreateCommand(
  passwordFile = REDIS_PASSWORD_FILE,
  scriptPath = CLUSTER_CREATE_SCRIPT_PATH,
): string[] {
  return [
    "sh",
    "-c",
    `REDISCLI_AUTH="$(cat ${passwordFile})" && export REDISCLI_AUTH && exec sh ${scriptPath}`,
  ];
}

/**
 * A stand-in that passes validateRedisPassword. Rendering happens with it, and the real secret
 * replaces it afterwards: the secret is generated from the ElastiCache alphabet (see
 * components/passwords.ts), while a value that is not known yet — a preview, or the mock
 * runtime's placeholder — could not pass the renderer's check.
 */
export const PASSWORD_SLOT = "WebstackRedisPasswordSlot-0000";

/** `render`'s output with every PASSWORD_SLOT replaced by `password`, literally. */
export function withPassword(render: (password: string) => string, password: string): string {
  // split/join, not String.replace: a '$' in the password must not act as a replacement pattern.
  return render(PASSWORD_SLOT).split(PASSWORD_SLOT).join(password);
}
