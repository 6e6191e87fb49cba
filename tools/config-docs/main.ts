// `npm run docs:config`: regenerates docs/configuration.md from the config schema.
import * as fs from "node:fs";
import * as path from "node:path";
import { formattedConfigurationDoc } from "./render";

fs.writeFileSync(
  path.resolve(__dirname, "../../docs/configuration.md"),
  formattedConfigurationDoc(),
);
console.log("wrote docs/configuration.md");
