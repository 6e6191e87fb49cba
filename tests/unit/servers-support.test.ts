import * as net from "node:net";
import { freePorts, portAccepts } from "../support/servers";

describe("test support: free ports", () => {
  test("hands out distinct ports that nothing listens on, and detects a listener", async () => {
    const [a, b] = await freePorts(2);
    expect(a).not.toBe(b);
    expect(await portAccepts(a)).toBe(false);
    const server = net.createServer().listen(a, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      expect(await portAccepts(a)).toBe(true);
    } finally {
      server.close();
    }
  });
});
