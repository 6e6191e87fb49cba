// `npm run docs:config`: regenerates docs/configuration.md from the config schema.
import * as fs from "node:fs";
import * as path from "node:path";
import { formattedConfigurationDoc } from "./render";

const DOC_PATH = path.resolve(__dirname, "../../docs/configuration.md");

fs.mkdirSync(path.dirname(DOC_PATH), { recursive: true });
fs.writeFileSync(DOC_PATH, formattedConfigurationDoc());
console.log(`wrote ${path.relative(process.cwd(), DOC_PATH)}`);
