// The app containers' health check, run exactly as Docker runs it (the exec form on Docker, the
// shell form `docker run --health-cmd` takes on the app hosts) against a real HTTP server on
// loopback: healthy only on a 200, unhealthy on a 503, on a refused connection and on a server
// that never answers — and then within Docker's 10 s timeout.
import { spawn } from "node:child_process";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { HEALTHCHECK_TIMINGS } from "../../components/container-defaults";
import { healthCheckCommand, healthCheckShell } from "../../components/edge/app-containers";
import { freePort } from "../support/servers";

let server: http.Server;
let port: number;
const seen: string[] = [];
/** Resolves with the seconds from a "/hang" request's arrival to the client giving up on it. */
let hangAbandoned: (seconds: number) => void;
const hangAbandonedAfter = new Promise<number>((resolve) => (hangAbandoned = resolve));

beforeAll(async () => {
  server = http.createServer((request, response) => {
    seen.push(request.url ?? "");
    if (request.url === "/health") response.writeHead(200).end("ok");
    else if (request.url === "/health/ready") response.writeHead(503).end("database down");
    // "/hang" never answers; the clock starts once the request has arrived, so a slow process
    // start on a loaded machine does not count against the check's own timeout.
    else if (request.url === "/hang") {
      const arrived = Date.now();
      request.socket.on("close", () => hangAbandoned((Date.now() - arrived) / 1000));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Runs a command without blocking this process, whose event loop serves the HTTP server. */
function exitStatus(program: string, args: readonly string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: "ignore" });
    const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve(code);
    });
  });
}

/** Exit status of the check in both forms Docker runs it. */
async function check(checkPort: number, path: string) {
  const [kind, program, ...args] = healthCheckCommand(checkPort, path);
  expect(kind).toBe("CMD");
  return {
    exec: await exitStatus(program, args),
    shell: await exitStatus("sh", ["-c", healthCheckShell(checkPort, path)]),
  };
}

test("a 200 is healthy", async () => {
  expect(await check(port, "/health")).toEqual({ exec: 0, shell: 0 });
  expect(seen.filter((u) => u === "/health")).toHaveLength(2);
});

test("a 503 from /health/ready (database down) is unhealthy", async () => {
  expect(await check(port, "/health/ready")).toEqual({ exec: 1, shell: 1 });
});

test("nothing listening is unhealthy", async () => {
  const closed = await freePort();
  expect(await check(closed, "/health")).toEqual({ exec: 1, shell: 1 });
});

test("a server that never answers is unhealthy before Docker's timeout kills the check", async () => {
  const [, program, ...args] = healthCheckCommand(port, "/hang");
  expect(await exitStatus(program, args)).toBe(1);
  expect(await hangAbandonedAfter).toBeLessThan(Number.parseInt(HEALTHCHECK_TIMINGS.timeout, 10));
});
