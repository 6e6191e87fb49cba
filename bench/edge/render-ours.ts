// Renders the edge's own nginx.conf for the benchmark: the prod spec (labelmedix.com and
// www.labelmedix.com) with only paths, ports and upstream addresses remapped, exactly as the
// real-nginx test does. Usage: tsx render-ours.ts <scratch-dir> <http> <https> <upstream-port>
import * as fs from "node:fs";
import { directoriesNginxNeeds, renderNginxConf } from "../../components/edge/nginx-conf";
import { defaultSiteSpec } from "../../components/edge/site-spec";

function main(argv: readonly string[]): void {
  const [dir, http, https, upstream] = argv;
  if (!dir || !http || !https || !upstream) {
    throw new Error("usage: render-ours.ts <scratch-dir> <http-port> <https-port> <upstream-port>");
  }
  const base = defaultSiteSpec(["labelmedix.com", "www.labelmedix.com"]);
  const spec = {
    ...base,
    listen: { address: "127.0.0.1", http: Number(http), https: Number(https) },
    upstreamHosts: { frontend: "127.0.0.1", backend: "127.0.0.1" },
    frontendPort: Number(upstream),
    backendPort: Number(upstream),
    paths: {
      ...base.paths,
      certificate: `${dir}/tls/server.crt`,
      key: `${dir}/tls/server.key`,
      pid: `${dir}/ours/nginx.pid`,
      errorLog: `${dir}/ours/error.log`,
      accessLog: `${dir}/ours/access.log`,
      tempDir: `${dir}/ours/tmp`,
      acmeChallengeRoot: `${dir}/ours/acme`,
    },
  };
  for (const needed of directoriesNginxNeeds(spec)) fs.mkdirSync(needed, { recursive: true });
  process.stdout.write(renderNginxConf(spec));
}

main(process.argv.slice(2));
