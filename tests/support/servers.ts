// Starts real daemons (nginx, mariadbd, redis-server, prometheus, ...) for artifact-level tests:
// free loopback ports, a scratch directory per test, readiness polling and guaranteed cleanup.
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** Asks the kernel for a free TCP port on 127.0.0.1 (bind to port 0, read it, release it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not read the port the kernel gave"));
      });
    });
  });
}

/** `count` distinct free ports; the kernel may hand out a port twice if asked one at a time. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** A scratch directory under the OS temp dir, removed by `cleanup()`. */
export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `webstack-${prefix}-`));
}

/** Fails with a message naming the Debian package when a binary the test needs is absent. */
export function requireBinary(binary: string, debianPackage: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${binary}`], { encoding: "utf8" });
  const resolved = found.stdout.trim();
  if (found.status !== 0 || resolved === "") {
    throw new Error(
      `${binary} is not installed: run 'apt-get install -y ${debianPackage}' (.ci/run does this)`,
    );
  }
  return resolved;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never throws on a non-zero exit so tests can assert on it. */
export function run(
  command: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): RunResult {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    encoding: "utf8",
    input: options.input,
    env: options.env ?? process.env,
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A long-running daemon started in the foreground; `stop()` kills it and waits for exit. */
export class Daemon {
  private readonly child: ChildProcess;
  private output = "";
  private exited: Promise<void>;

  constructor(
    readonly label: string,
    command: string,
    args: readonly string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
  ) {
    this.child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
  }

  /** Everything the daemon printed so far, for failure messages. */
  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends `signal` and waits up to `graceMs` before SIGKILL. Safe to call twice. */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Polls `probe` until it returns true; throws with `describe()` after `timeoutMs`. */
export async function waitFor(
  what: string,
  probe: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; describe?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) {
      const detail = options.describe ? `\n${options.describe()}` : "";
      throw new Error(`timed out waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** True once something accepts TCP connections on 127.0.0.1:port. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts a daemon and resolves once it accepts TCP connections on 127.0.0.1:port. If it never
 * does, the daemon is stopped before the error is thrown, so a failed start leaves no process.
 * @param options.timeoutMs how long to wait for the port @default 15_000
 * @param options.describe extra text for the failure message (e.g. an error log file) @default none
 */
export async function startListening(
  label: string,
  command: string,
  args: readonly string[],
  port: number,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; describe?: () => string } = {},
): Promise<Daemon> {
  const daemon = new Daemon(label, command, args, options.env ? { env: options.env } : {});
  try {
    await waitFor(`${label} on port ${port}`, () => portAccepts(port), {
      timeoutMs: options.timeoutMs,
      describe: () => [daemon.log, options.describe?.() ?? ""].join("\n"),
    });
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return daemon;
}
