// docs/configuration.md is generated from the schema; this fails when someone changes a key,
// default or description without running `npm run docs:config`.
import * as fs from "node:fs";
import * as path from "node:path";
import { formattedConfigurationDoc } from "../../../tools/config-docs/render";
import { PROJECT_DIR } from "../../support/program";

test("docs/configuration.md matches the schema", () => {
  const committed = fs.readFileSync(path.join(PROJECT_DIR, "docs", "configuration.md"), "utf8");
  expect(committed).toBe(formattedConfigurationDoc());
});

test("the reference lists every section and the secret keys", () => {
  const doc = formattedConfigurationDoc();
  for (const key of [
    "mysql.replicas",
    "redis.shards",
    "edge.rateLimits.api.burst",
    "alerts.routes",
  ]) {
    expect(doc).toContain(`\`${key}\``);
  }
  expect(doc).toContain("`slackWebhookUrl`");
});
