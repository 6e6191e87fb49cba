// The edge site spec refuses what would weaken or break the edge, with messages that name the
// field, the value and what is allowed; and its defaults are REQUIREMENTS §4.
import { nginxAtLeast } from "../../components/catalog/nginx";
import {
  defaultSiteSpec,
  NginxSiteSpec,
  SiteSpecOverrides,
  validateSiteSpec,
} from "../../components/edge/site-spec";
import { renderNginxConf } from "../../components/edge/nginx-conf";

const base = defaultSiteSpec(["labelmedix.com", "www.labelmedix.com"]);
const HOSTNAME_ALLOWED =
  'a lower-case hostname (dot-separated labels of a-z, 0-9 and inner hyphens, e.g. "localhost" or "www.labelmedix.com")';

function withOverrides(overrides: SiteSpecOverrides): NginxSiteSpec {
  return defaultSiteSpec(["labelmedix.com", "www.labelmedix.com"], overrides);
}

describe("validateSiteSpec refuses a bad spec", () => {
  test.each<[string, NginxSiteSpec, string]>([
    [
      "a server name with an underscore",
      defaultSiteSpec(["bad_host"]),
      `serverNames[0] must be ${HOSTNAME_ALLOWED} (got "bad_host")`,
    ],
    [
      "a wildcard server name",
      defaultSiteSpec(["labelmedix.com", "*.labelmedix.com"]),
      `serverNames[1] must be ${HOSTNAME_ALLOWED} (got "*.labelmedix.com")`,
    ],
    [
      "a server name with a trailing dot",
      defaultSiteSpec(["labelmedix.com."]),
      `serverNames[0] must be ${HOSTNAME_ALLOWED} (got "labelmedix.com.")`,
    ],
    [
      "a label starting with a hyphen",
      defaultSiteSpec(["-labelmedix.com"]),
      `serverNames[0] must be ${HOSTNAME_ALLOWED} (got "-labelmedix.com")`,
    ],
    [
      "an upper-case server name",
      defaultSiteSpec(["LabelMedix.com"]),
      `serverNames[0] must be ${HOSTNAME_ALLOWED} (got "LabelMedix.com")`,
    ],
    [
      "a label longer than 63 characters",
      defaultSiteSpec([`${"a".repeat(64)}.com`]),
      `serverNames[0] must be ${HOSTNAME_ALLOWED} (got "${"a".repeat(64)}.com")`,
    ],
    [
      "no server name",
      defaultSiteSpec([]),
      "serverNames must be a list of at least one hostname (got [])",
    ],
    [
      "a repeated server name",
      defaultSiteSpec(["localhost", "localhost"]),
      'serverNames must be a list without repeats (got ["localhost","localhost"])',
    ],
    [
      "an Nginx older than 1.18",
      withOverrides({ nginxVersion: "1.16.1" }),
      'nginxVersion must be a version from 1.18 on such as "1.22.1" (got "1.16.1")',
    ],
    [
      "an Nginx version that is a tag name",
      withOverrides({ nginxVersion: "latest" }),
      'nginxVersion must be a version from 1.18 on such as "1.22.1" (got "latest")',
    ],
    [
      "an /api/ rate of zero",
      withOverrides({ rateLimits: { api: { ...base.rateLimits.api, ratePerSecond: 0 } } }),
      "rateLimits.api.ratePerSecond must be an integer from 1 to 100000 (got 0)",
    ],
    [
      "a negative login rate",
      withOverrides({ rateLimits: { login: { ...base.rateLimits.login, ratePerSecond: -1 } } }),
      "rateLimits.login.ratePerSecond must be an integer from 1 to 100000 (got -1)",
    ],
    [
      "a fractional rate (nginx takes whole requests per second)",
      withOverrides({ rateLimits: { api: { ...base.rateLimits.api, ratePerSecond: 2.5 } } }),
      "rateLimits.api.ratePerSecond must be an integer from 1 to 100000 (got 2.5)",
    ],
    [
      "a login burst of zero",
      withOverrides({ rateLimits: { login: { ...base.rateLimits.login, burst: 0 } } }),
      "rateLimits.login.burst must be an integer from 1 to 100000 (got 0)",
    ],
    [
      "a negative uploads burst",
      withOverrides({ rateLimits: { uploads: { ...base.rateLimits.uploads, burst: -5 } } }),
      "rateLimits.uploads.burst must be an integer from 1 to 100000 (got -5)",
    ],
    [
      "two limits on one path",
      withOverrides({ rateLimits: { uploads: { ...base.rateLimits.uploads, path: "/api/" } } }),
      'rateLimits.uploads.path must be a path other than rateLimits.api.path (got "/api/")',
    ],
    [
      "a backend port of zero",
      withOverrides({ upstreams: { backend: { ...base.upstreams.backend, port: 0 } } }),
      "upstreams.backend.port must be an integer from 1 to 65535 (got 0)",
    ],
    [
      "a frontend port above 65535",
      withOverrides({ upstreams: { frontend: { ...base.upstreams.frontend, port: 65536 } } }),
      "upstreams.frontend.port must be an integer from 1 to 65535 (got 65536)",
    ],
    [
      "an upstream host with a space",
      withOverrides({ upstreams: { backend: { ...base.upstreams.backend, host: "back end" } } }),
      `upstreams.backend.host must be ${HOSTNAME_ALLOWED} (got "back end")`,
    ],
    [
      "TLS 1.1 in the protocol list",
      withOverrides({ tls: { protocols: ["TLSv1.1", "TLSv1.2", "TLSv1.3"] } }),
      'tls.protocols[0] must be "TLSv1.2" or "TLSv1.3" (nothing below TLSv1.2) (got "TLSv1.1")',
    ],
    [
      "TLS 1.0 in the protocol list",
      withOverrides({ tls: { protocols: ["TLSv1.2", "TLSv1"] } }),
      'tls.protocols[1] must be "TLSv1.2" or "TLSv1.3" (nothing below TLSv1.2) (got "TLSv1")',
    ],
    [
      "SSLv3 in the protocol list",
      withOverrides({ tls: { protocols: ["SSLv3"] } }),
      'tls.protocols[0] must be "TLSv1.2" or "TLSv1.3" (nothing below TLSv1.2) (got "SSLv3")',
    ],
    [
      "an unknown protocol",
      withOverrides({ tls: { protocols: ["TLSv1.3", "TLSv1.4"] } }),
      'tls.protocols[1] must be "TLSv1.2" or "TLSv1.3" (a protocol Nginx knows) (got "TLSv1.4")',
    ],
    [
      "an empty protocol list",
      withOverrides({ tls: { protocols: [] } }),
      'tls.protocols must be a non-empty list of "TLSv1.2" and "TLSv1.3" (got [])',
    ],
    [
      "a CBC cipher suite",
      withOverrides({ tls: { ciphers: ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-SHA"] } }),
      'tls.ciphers[1] must be an ECDHE suite with AES-GCM or CHACHA20-POLY1305 such as ECDHE-RSA-AES128-GCM-SHA256 (got "ECDHE-RSA-AES128-SHA")',
    ],
    [
      "a GCM suite without forward secrecy",
      withOverrides({ tls: { ciphers: ["AES256-GCM-SHA384"] } }),
      'tls.ciphers[0] must be an ECDHE suite with AES-GCM or CHACHA20-POLY1305 such as ECDHE-RSA-AES128-GCM-SHA256 (got "AES256-GCM-SHA384")',
    ],
    [
      "session tickets on",
      withOverrides({ tls: { sessionTickets: true } }),
      "tls.sessionTickets must be false (unrotated ticket keys break forward secrecy) (got true)",
    ],
    [
      "an HSTS max-age below one year",
      withOverrides({ securityHeaders: { hstsMaxAgeSeconds: 86_400 } }),
      "securityHeaders.hstsMaxAgeSeconds must be an integer from 31536000 to 63072000 (got 86400)",
    ],
    [
      "a referrer policy that leaks URLs",
      withOverrides({ securityHeaders: { referrerPolicy: "unsafe-url" } }),
      'securityHeaders.referrerPolicy must be one of "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin" (got "unsafe-url")',
    ],
    [
      "the same port for HTTP and HTTPS",
      withOverrides({ listen: { http: 8443, https: 8443 } }),
      "listen.https must be a port other than listen.http (8443) (got 8443)",
    ],
    [
      "a trusted proxy that is not a CIDR",
      withOverrides({ trustedProxies: ["10.0.0.0/33"] }),
      'trustedProxies[0] must be an IPv4 or IPv6 address or CIDR such as "10.0.0.0/16" (got "10.0.0.0/33")',
    ],
    [
      "a relative log path",
      withOverrides({ paths: { accessLog: "logs/access.log" } }),
      `paths.accessLog must be an absolute filesystem path without spaces, quotes, ';', '{', '}', '$' or '#' (got "logs/access.log")`,
    ],
    [
      "a certificate path that would end the directive",
      withOverrides({ tls: { certificatePath: "/etc/x.crt; include /etc/passwd" } }),
      `tls.certificatePath must be an absolute filesystem path without spaces, quotes, ';', '{', '}', '$' or '#' (got "/etc/x.crt; include /etc/passwd")`,
    ],
  ])("%s", (_case, spec, message) => {
    expect(() => validateSiteSpec(spec)).toThrow(new Error(`nginx site spec: ${message}`));
    // The renderer refuses the same spec instead of writing a config Nginx would reject.
    expect(() => renderNginxConf(spec)).toThrow(new Error(`nginx site spec: ${message}`));
  });
});

describe("validateSiteSpec accepts every stack's domains", () => {
  test.each([
    [["localhost"]],
    [["test.labelmedix.com"]],
    [["staging.labelmedix.com"]],
    [["labelmedix.com", "www.labelmedix.com"]],
    [[`${"a".repeat(63)}.example`]],
    [["xn--bcher-kva.example"]],
  ])("%j", (domains) => {
    expect(() => validateSiteSpec(defaultSiteSpec(domains))).not.toThrow();
  });
});

describe("nginxAtLeast compares dotted versions numerically", () => {
  test.each([
    ["1.25.1", "1.25.1", true],
    ["1.27.4", "1.25.1", true],
    ["1.25.0", "1.25.1", false],
    ["1.22.1", "1.25.1", false],
    ["1.100.0", "1.25.1", true],
    ["1.26", "1.25.1", true],
    ["1.25", "1.25.1", false],
  ])("%s >= %s is %s", (version, minimum, expected) => {
    expect(nginxAtLeast(version, minimum)).toBe(expected);
  });
});

describe("defaultSiteSpec", () => {
  test("holds the REQUIREMENTS §4 numbers", () => {
    const spec = defaultSiteSpec(["labelmedix.com"]);
    expect(spec.rateLimits).toEqual({
      api: { path: "/api/", ratePerSecond: 10, burst: 20 },
      login: { path: "/api/auth/login", ratePerSecond: 1, burst: 5 },
      uploads: { path: "/api/upload", ratePerSecond: 1, burst: 5 },
    });
    expect(spec.upstreams.frontend).toMatchObject({ host: "frontend", port: 3000 });
    expect(spec.upstreams.backend).toMatchObject({ host: "backend", port: 3001 });
    expect(spec.tls.protocols).toEqual(["TLSv1.2", "TLSv1.3"]);
    expect(spec.listen).toEqual({ http: 80, https: 443 });
    expect(spec.securityHeaders.hstsMaxAgeSeconds).toBe(31_536_000);
  });

  test("merges object sections one level deep and replaces lists", () => {
    const spec = defaultSiteSpec(["localhost"], {
      listen: { address: "127.0.0.1", https: 8443 },
      paths: { pid: "/tmp/x/nginx.pid" },
      trustedProxies: ["10.40.0.0/16"],
    });
    expect(spec.listen).toEqual({ address: "127.0.0.1", http: 80, https: 8443 });
    expect(spec.paths.pid).toBe("/tmp/x/nginx.pid");
    expect(spec.paths.accessLog).toBe("/var/log/nginx/access.log");
    expect(spec.trustedProxies).toEqual(["10.40.0.0/16"]);
  });
});
