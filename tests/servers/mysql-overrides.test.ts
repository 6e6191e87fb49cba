// The stack's mysql.parameters really win over the rendered defaults: the MariaDB server binary
// reads the rendered my.cnf plus the appended override group and reports the values it would run
// with (`--verbose --help` parses the option files exactly as a start does, without starting).
import * as fs from "node:fs";
import * as path from "node:path";
import { renderMyCnf } from "../../components/mysql/my-cnf";
import { requireBinary, run, scratchDir } from "../support/servers";

let dir: string;
let mariadbd: string;
beforeAll(() => {
  mariadbd = requireBinary("mariadbd", "mariadb-server");
  dir = scratchDir("mysql-overrides");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The effective value of each variable the server would start with. */
function effective(cnf: string): Map<string, string> {
  const file = path.join(dir, "my.cnf");
  fs.writeFileSync(file, cnf, { mode: 0o644 });
  const result = run(mariadbd, [`--defaults-file=${file}`, "--verbose", "--help"]);
  expect(result.status).toBe(0);
  const values = new Map<string, string>();
  for (const line of result.stdout.split("\n")) {
    const match = /^([a-z0-9-]+)\s{2,}(\S.*)$/.exec(line);
    if (match) values.set(match[1].replace(/-/g, "_"), match[2].trim());
  }
  return values;
}

const spec = {
  flavour: "mariadb",
  role: "primary",
  serverId: 1,
  memoryBytes: 2 * 1024 ** 3,
} as const;

test("without overrides the server runs the rendered values", () => {
  const values = effective(renderMyCnf(spec));
  expect(values.get("max_connections")).toBe("200");
  expect(values.get("long_query_time")).toBe("1");
});

test("an override group appended after [client] still reaches the server, and wins", () => {
  const values = effective(
    renderMyCnf({ ...spec, parameters: { max_connections: 500, long_query_time: "0.5" } }),
  );
  expect(values.get("max_connections")).toBe("500");
  expect(values.get("long_query_time")).toBe("0.5");
  // Everything else keeps the rendered value.
  expect(values.get("binlog_format")).toBe("ROW");
  expect(values.get("server_id")).toBe("1");
});
