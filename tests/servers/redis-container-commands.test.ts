// The Redis containers' health check, run by sh against a real redis-server started from the
// rendered redis.conf: it passes only when it authenticates with the password file, whose
// content the shell never expands. (create-cluster.sh reads the same file: redis-cluster.test.ts.)
import * as fs from "node:fs";
import * as path from "node:path";
import { redisHealthcheck } from "../../components/redis/docker";
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

describe("Redis health check against a real node", () => {
  let dir: string;
  let port: number;
  let daemon: Daemon | undefined;
  let passwordFile: string;

  // The image runs CMD-SHELL with /bin/sh -c.
  const healthcheck = (file: string) =>
    run("sh", ["-c", redisHealthcheck(file, port)[1]], { timeoutMs: 15_000 });

  beforeAll(async () => {
    const redisServer = requireBinary("redis-server", "redis-server");
    requireBinary("redis-cli", "redis-tools");
    dir = scratchDir("redis-commands");
    port = await freePort();
    const conf = renderRedisConf({
      nodeMemoryBytes: 64 * MIB,
      password: PASSWORD,
      port,
      bind: ["127.0.0.1"],
      dir,
    });
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

  test("the health check fails once the server is gone", async () => {
    await daemon?.stop();
    expect(healthcheck(passwordFile).status).not.toBe(0);
  });
});
