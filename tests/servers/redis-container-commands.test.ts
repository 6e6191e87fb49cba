// The Redis containers' own commands, run by sh against a real redis-server started from the
// rendered redis.conf (the generated secret put in after rendering): the health check passes only
// when it authenticates with the password file, and the cluster-create wrapper hands redis-cli
// the password through REDISCLI_AUTH without it ever being expanded by the shell.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  clusterCreateCommand,
  redisHealthcheckTest,
  withPassword,
} from "../../components/redis/container-commands";
import { MIB, renderRedisConf } from "../../components/redis/redis-conf";
import {
  Daemon,
  freePort,
  requireBinary,
  run,
  scratchDir,
  startListening,
} from "../support/servers";
import { RespConnection } from "./resp-client";

// Every special character of the auth-token alphabet, and shell syntax that must stay literal.
const PASSWORD = "A1$HOME&#^<>!-$Qx-9z";

describe("Redis health check and create wrapper against a real node", () => {
  let dir: string;
  let port: number;
  let daemon: Daemon | undefined;
  let passwordFile: string;

  const sh = (argv: string[]) => {
    // The image runs CMD-SHELL with /bin/sh -c, and the create job's argv starts with sh -c.
    const [, ...rest] = argv;
    return argv[0] === "CMD-SHELL"
      ? run("sh", ["-c", rest[0]], { timeoutMs: 15_000 })
      : run(argv[0], argv.slice(1), { timeoutMs: 15_000 });
  };
  const healthcheck = (file: string) => sh(redisHealthcheckTest(file, port));

  beforeAll(async () => {
    const redisServer = requireBinary("redis-server", "redis-server");
    requireBinary("redis-cli", "redis-tools");
    dir = scratchDir("redis-commands");
    port = await freePort();
    const conf = withPassword(
      (password) =>
        renderRedisConf({
          nodeMemoryBytes: 64 * MIB,
          password,
          port,
          bind: ["127.0.0.1"],
          paths: { dir },
        }),
      PASSWORD,
    );
    const confPath = path.join(dir, "redis.conf");
    fs.writeFileSync(confPath, conf, { mode: 0o600 });
    passwordFile = path.join(dir, "redis-password");
    fs.writeFileSync(passwordFile, PASSWORD, { mode: 0o400 });
    daemon = await startListening("redis-server", redisServer, [confPath], port);
  });

  afterAll(async () => {
    await daemon?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the server took the password exactly as generated", async () => {
    const redis = await RespConnection.open(port, PASSWORD);
    try {
      expect(await redis.command("PING")).toBe("PONG");
    } finally {
      redis.close();
    }
  });

  test("the health check passes with the password file", () => {
    const result = healthcheck(passwordFile);
    expect([result.status, result.stderr]).toEqual([0, ""]);
  });

  test("the health check fails with a wrong or missing password file", () => {
    const wrong = path.join(dir, "wrong-password");
    fs.writeFileSync(wrong, "Not-The-Password-0000");
    expect(healthcheck(wrong).status).not.toBe(0);
    expect(healthcheck(path.join(dir, "absent")).status).not.toBe(0);
  });

  test("the create wrapper exports the password to the script it runs", async () => {
    const script = path.join(dir, "create.sh");
    fs.writeFileSync(script, `redis-cli -p ${port} set created-by-job yes\n`);
    const result = sh(clusterCreateCommand(passwordFile, script));
    expect(result.stdout.trim()).toBe("OK");
    const redis = await RespConnection.open(port, PASSWORD);
    try {
      expect(await redis.command("GET", "created-by-job")).toBe("yes");
    } finally {
      redis.close();
    }
  });

  test("the health check fails once the server is gone", async () => {
    await daemon?.stop();
    expect(healthcheck(passwordFile).status).not.toBe(0);
  });
});
