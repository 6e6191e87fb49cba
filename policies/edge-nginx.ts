// The Nginx configuration that actually ships — uploaded into the nginx container (Docker) or
// written by cloud-init from the launch template's user data (AWS) — is read back and checked:
// only TLS 1.2/1.3, HSTS on every HTTPS location, and the rate-limit zones defined and used.
import * as nginx from "../components/catalog/nginx";
import { readCloudInitFiles } from "./cloud-init";
import { resourcePolicy } from "./define";
import { Directive, findAll, parseNginx } from "./nginx-text";
import { CONTAINER, Props, uploadText } from "./stack-reading";

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

/** nginx.conf texts a resource ships, whichever way it ships them. */
function shippedNginxConfs(type: string, props: Props): string[] {
  const isConf = (file: unknown) => typeof file === "string" && file.endsWith("/nginx.conf");
  if (type === CONTAINER && Array.isArray(props.uploads)) {
    return (props.uploads as Props[]).filter((u) => isConf(u.file)).map(uploadText);
  }
  if (type === LAUNCH_TEMPLATE && typeof props.userData === "string") {
    const userData = Buffer.from(props.userData, "base64").toString("utf8");
    if (!userData.startsWith("#cloud-config")) return [];
    return Object.entries(readCloudInitFiles(userData))
      .filter(([file]) => isConf(file))
      .map(([, text]) => text);
  }
  return [];
}

function hstsMaxAge(block: readonly Directive[]): number | undefined {
  const header = block.find(
    (d) => d.name === "add_header" && d.args[0]?.toLowerCase() === "strict-transport-security",
  );
  const match = header ? /max-age=(\d+)/.exec(header.args[1] ?? "") : null;
  return match ? Number(match[1]) : undefined;
}

function tlsProblems(conf: readonly Directive[]): string[] {
  const protocols = findAll(conf, "ssl_protocols");
  if (protocols.length === 0) return ["ssl_protocols is not set, so Nginx's defaults apply."];
  return protocols
    .filter((d) =>
      d.args.some((p) => !(nginx.ALLOWED_TLS_PROTOCOLS as readonly string[]).includes(p)),
    )
    .map((d) => `ssl_protocols allows ${d.args.join(" ")}; only TLSv1.2 and TLSv1.3 may be.`);
}

function hstsProblems(conf: readonly Directive[]): string[] {
  const problems: string[] = [];
  const httpsServers = findAll(conf, "server").filter((s) =>
    (s.children ?? []).some((d) => d.name === "listen" && d.args.includes("ssl")),
  );
  if (httpsServers.length === 0) problems.push("No server listens with ssl.");
  for (const server of httpsServers) {
    const serverLevel = hstsMaxAge(server.children ?? []);
    if (serverLevel === undefined || serverLevel < nginx.ONE_YEAR_SECONDS) {
      problems.push(
        `The HTTPS server does not send HSTS with max-age of at least ${nginx.ONE_YEAR_SECONDS}.`,
      );
    }
    for (const location of findAll(server.children ?? [], "location")) {
      const own = location.children ?? [];
      // add_header in a location replaces every inherited one, HSTS included.
      if (!own.some((d) => d.name === "add_header")) continue;
      const maxAge = hstsMaxAge(own);
      if (maxAge === undefined || maxAge < nginx.ONE_YEAR_SECONDS) {
        problems.push(`location ${location.args.join(" ")} drops HSTS (it sets its own headers).`);
      }
    }
  }
  return problems;
}

/** The value of a directive's `key=value` argument. */
const argument = (d: Directive, key: string) =>
  d.args.find((a) => a.startsWith(`${key}=`))?.slice(key.length + 1);

function rateProblems(conf: readonly Directive[], maxRates: Record<string, number>): string[] {
  const problems: string[] = [];
  const zones = new Map<string, number>();
  for (const zone of findAll(conf, "limit_req_zone")) {
    const name = /^([^:]+):/.exec(argument(zone, "zone") ?? "")?.[1];
    const rate = /^(\d+)r\/s$/.exec(argument(zone, "rate") ?? "")?.[1];
    if (name && rate) zones.set(name, Number(rate));
  }
  const used = new Set(findAll(conf, "limit_req").map((d) => argument(d, "zone") ?? ""));
  for (const [zone, max] of Object.entries(maxRates)) {
    const rate = zones.get(zone);
    if (rate === undefined) problems.push(`Rate-limit zone "${zone}" is not defined.`);
    else if (rate > max)
      problems.push(`Rate-limit zone "${zone}" allows ${rate}r/s; at most ${max}r/s.`);
    else if (!used.has(zone))
      problems.push(`Rate-limit zone "${zone}" is defined but no location uses it.`);
  }
  return problems;
}

export const edgeNginxPolicies = [
  resourcePolicy(
    "webstack-edge-nginx-config",
    "critical",
    "The nginx.conf that ships allows only TLS 1.2/1.3, sends HSTS on every HTTPS location and rate-limits the API, login and uploads.",
    [CONTAINER, LAUNCH_TEMPLATE],
    ({ type, props, args }) => {
      const configured = args.getConfig<{ maxRatePerSecond?: Record<string, number> }>();
      const maxRates = Object.fromEntries(
        Object.entries(nginx.MAX_RATE_PER_SECOND).map(([zone, max]) => [
          zone,
          Math.min(max, configured.maxRatePerSecond?.[zone] ?? max),
        ]),
      );
      return shippedNginxConfs(type, props).flatMap((text) => {
        let conf: Directive[];
        try {
          conf = parseNginx(text);
        } catch (error) {
          return [`The shipped nginx.conf does not parse: ${(error as Error).message}.`];
        }
        return [...tlsProblems(conf), ...hstsProblems(conf), ...rateProblems(conf, maxRates)];
      });
    },
    {
      properties: {
        maxRatePerSecond: {
          type: "object",
          description: "Highest rate per zone (api, login, uploads); may only be lowered.",
          default: nginx.MAX_RATE_PER_SECOND,
        },
      },
    },
  ),
];
