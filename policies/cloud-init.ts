// Reads the files a #cloud-config user data writes (write_files, in any encoding cloud-init
// accepts for them): the pack's own decoder of a launch template's user data, so it checks the
// nginx.conf the app hosts really receive. It depends on nothing but yaml and zlib.
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";

/** Files a cloud-config writes, decoded, by path: what tests and policies read back. */
export function readCloudInitFiles(text: string): Record<string, string> {
  if (!text.startsWith("#cloud-config\n")) {
    throw new Error("cloud-init: user data does not start with #cloud-config");
  }
  const config = parse(text) as {
    write_files?: { path: string; content?: string; encoding?: string }[];
  };
  const files: Record<string, string> = {};
  for (const entry of config.write_files ?? []) {
    const content = entry.content ?? "";
    const encoding = entry.encoding ?? "text/plain";
    if (/^(gz|gzip)\+(b64|base64)$/.test(encoding)) {
      files[entry.path] = gunzipSync(Buffer.from(content, "base64")).toString("utf8");
    } else if (encoding === "b64" || encoding === "base64") {
      files[entry.path] = Buffer.from(content, "base64").toString("utf8");
    } else if (encoding === "text/plain") {
      files[entry.path] = content;
    } else {
      throw new Error(
        `cloud-init: ${entry.path} has an encoding this reader does not know: ${encoding}`,
      );
    }
  }
  return files;
}
