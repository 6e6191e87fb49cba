// The edge's bad inputs (issue 4) are refused by the config layer before anything is built,
// each with the one exact message naming the file, the key, what is allowed and the value.
import { ConfigError, parseStackConfig } from "../../../components/config";
import { configObject, stackConfig, withConfig } from "../../support/program";

const TODAY = "2026-11-22";

function problemsFor(stack: string, changes: Record<string, unknown>): string[] {
  const config = withConfig(stackConfig(stack), changes);
  try {
    parseStackConfig(
      { project: "webstack", stack, values: config.values, secretKeys: new Set(config.secretKeys) },
      TODAY,
    );
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

/** Merges `patch` into one section of the committed stack file. */
function section(stack: string, key: string, patch: Record<string, unknown>) {
  return {
    [`webstack:${key}`]: { ...configObject(stackConfig(stack), `webstack:${key}`), ...patch },
  };
}

const limits = (zone: string, ratePerSecond: number, burst: number) => ({
  rateLimits: { [zone]: { ratePerSecond, burst } },
});

const HOSTNAME_RULE =
  "must be a public DNS name: lower-case labels of a-z, 0-9 and inner hyphens, ending in a top-level domain such as .com (not localhost or an IP address)";
const TLS_RULE = 'must list only "TLSv1.2" and "TLSv1.3" (older protocols are refused)';

describe("a domain that is not a valid hostname", () => {
  test.each([
    ["an underscore", "bad_host.labelmedix.com"],
    ["upper case", "Staging.labelmedix.com"],
    ["a wildcard", "*.labelmedix.com"],
    ["a trailing dot", "staging.labelmedix.com."],
    ["a leading hyphen", "-staging.labelmedix.com"],
    ["a URL", "https://staging.labelmedix.com"],
    ["localhost, which ACM cannot certify", "localhost"],
    ["an IP address", "203.0.113.10"],
    ["a single label", "intranet"],
  ])("%s", (_, domain) => {
    expect(problemsFor("staging", { "webstack:domains": [domain] })).toEqual([
      `Pulumi.staging.yaml: webstack:domains[0] ${HOSTNAME_RULE} (got ${JSON.stringify(domain)})`,
    ]);
  });

  test("a 64-character label (the value is shortened in the message)", () => {
    const domain = `${"a".repeat(64)}.labelmedix.com`;
    expect(problemsFor("staging", { "webstack:domains": [domain] })).toEqual([
      `Pulumi.staging.yaml: webstack:domains[0] ${HOSTNAME_RULE} (got "${"a".repeat(64)}.labelmedix....)`,
    ]);
  });

  test("a Docker stack may answer to localhost, an AWS stack may not", () => {
    expect(problemsFor("test", { "webstack:domains": ["localhost"] })).toEqual([]);
  });

  test("the second name of prod", () => {
    expect(
      problemsFor("prod", { "webstack:domains": ["labelmedix.com", "www..labelmedix.com"] }),
    ).toEqual([
      `Pulumi.prod.yaml: webstack:domains[1] ${HOSTNAME_RULE} (got "www..labelmedix.com")`,
    ]);
  });
});

describe("a rate or burst of zero or less, or a rate the policy pack would refuse", () => {
  // The pack's caps (webstack-edge-nginx-config): api 10 r/s, login and uploads 1 r/s.
  test.each([
    ["api", 0, 20, "ratePerSecond", "must be an integer from 1 to 10 (got 0)"],
    ["api", 10, 0, "burst", "must be an integer from 1 to 100000 (got 0)"],
    ["login", -1, 5, "ratePerSecond", "must be an integer from 1 to 1 (got -1)"],
    ["login", 1, -5, "burst", "must be an integer from 1 to 100000 (got -5)"],
    ["uploads", 0, 5, "ratePerSecond", "must be an integer from 1 to 1 (got 0)"],
    ["uploads", 1, 0, "burst", "must be an integer from 1 to 100000 (got 0)"],
    ["api", 11, 20, "ratePerSecond", "must be an integer from 1 to 10 (got 11)"],
    ["api", 10000, 20, "ratePerSecond", "must be an integer from 1 to 10 (got 10000)"],
    ["login", 2, 5, "ratePerSecond", "must be an integer from 1 to 1 (got 2)"],
    ["uploads", 5, 5, "ratePerSecond", "must be an integer from 1 to 1 (got 5)"],
    ["api", 10, 100001, "burst", "must be an integer from 1 to 100000 (got 100001)"],
  ])("%s rate %d burst %d", (zone, rate, burst, field, rule) => {
    expect(problemsFor("prod", section("prod", "edge", limits(zone, rate, burst)))).toEqual([
      `Pulumi.prod.yaml: webstack:edge.rateLimits.${zone}.${field} ${rule}`,
    ]);
  });
});

describe("an uploads path the site routes already", () => {
  const rule =
    'must be a path the site does not route already (not "/", "/api/", "/api/auth/login", "/static/")';
  test.each(["/", "/api/", "/api/auth/login", "/static/"])("%s", (path) => {
    expect(problemsFor("prod", section("prod", "edge", { uploadsPath: path }))).toEqual([
      `Pulumi.prod.yaml: webstack:edge.uploadsPath ${rule} (got ${JSON.stringify(path)})`,
    ]);
  });

  test.each(["/api/upload", "/api/files", "/uploads/", "/api"])("%s is accepted", (path) => {
    expect(problemsFor("prod", section("prod", "edge", { uploadsPath: path }))).toEqual([]);
  });
});

describe("an upstream port outside 1-65535", () => {
  test.each([
    ["frontendPort", 0],
    ["frontendPort", 65536],
    ["backendPort", -1],
    ["backendPort", 70000],
  ])("%s %d", (key, port) => {
    expect(problemsFor("dev", section("dev", "app", { [key]: port }))).toEqual([
      `Pulumi.dev.yaml: webstack:app.${key} must be an integer from 1 to 65535 (got ${port})`,
    ]);
  });
});

describe("a TLS protocol list with anything below 1.2", () => {
  test.each([
    [["TLSv1.1", "TLSv1.2"]],
    [["TLSv1", "TLSv1.3"]],
    [["SSLv3"]],
    [["TLSv1.2", "TLSv1.3", "TLSv1.1"]],
  ])("%j", (protocols) => {
    expect(problemsFor("staging", section("staging", "edge", { tlsProtocols: protocols }))).toEqual(
      [
        `Pulumi.staging.yaml: webstack:edge.tlsProtocols ${TLS_RULE} (got ${JSON.stringify(protocols)})`,
      ],
    );
  });

  test("an empty list", () => {
    expect(problemsFor("staging", section("staging", "edge", { tlsProtocols: [] }))).toEqual([
      "Pulumi.staging.yaml: webstack:edge.tlsProtocols must list at least one protocol (got [])",
    ]);
  });
});

describe("an nginx image whose tag names no supported Nginx version", () => {
  const rule =
    'must be an image pinned to its Nginx version tag, 1.18 or later, e.g. "nginx:1.27.4" or "nginx:1.27.4-alpine" (never "latest", no tag or a bare digest)';
  test.each([
    "nginx:latest",
    "nginx",
    "nginx:stable-alpine",
    "nginx:1.16.1",
    `nginx@sha256:${"a".repeat(64)}`,
  ])("%s", (image) => {
    expect(problemsFor("dev", section("dev", "edge", { nginxImage: image }))).toEqual([
      `Pulumi.dev.yaml: webstack:edge.nginxImage ${rule} (got ${JSON.stringify(image)})`,
    ]);
  });

  test.each(["nginx:1.27.4", "nginx:1.27.4-alpine", `nginx:1.26.3@sha256:${"b".repeat(64)}`])(
    "%s is accepted",
    (image) => {
      expect(problemsFor("dev", section("dev", "edge", { nginxImage: image }))).toEqual([]);
    },
  );
});
