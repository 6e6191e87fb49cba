// The shipped-nginx.conf policy reads the real rendered file out of a container upload or a
// launch template's cloud-init, then one thing at a time is broken in the text.
import { gzipSync } from "node:zlib";
import { renderNginxConf } from "../../components/edge/nginx-conf";
import { defaultSiteSpec } from "../../components/edge/site-spec";
import { FakeResource, violations } from "../support/policy";

const POLICY = "webstack-edge-nginx-config";
const rendered = renderNginxConf(defaultSiteSpec(["labelmedix.com", "www.labelmedix.com"]));

const container = (conf: string): FakeResource => ({
  type: "docker:index/container:Container",
  name: "nginx",
  props: { image: "nginx:1.27.4", uploads: [{ file: "/etc/nginx/nginx.conf", content: conf }] },
});

/** cloud-init as the app hosts get it: gzip+base64, since EC2 caps user data at 16 KiB. */
const launchTemplate = (conf: string): FakeResource => {
  const cloudConfig = [
    "#cloud-config",
    "write_files:",
    "  - path: /etc/nginx/nginx.conf",
    "    encoding: gz+b64",
    `    content: ${gzipSync(conf).toString("base64")}`,
    "",
  ].join("\n");
  return {
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    name: "app",
    props: { userData: Buffer.from(cloudConfig).toString("base64") },
  };
};

test.each([
  ["a Docker upload", container],
  ["cloud-init in a launch template", launchTemplate],
])("the rendered config shipped through %s passes", async (_, ship) => {
  expect(await violations(POLICY, [ship(rendered)])).toEqual([]);
});

test.each([
  [
    "TLS 1.0 allowed",
    (c: string) =>
      c.replace("ssl_protocols TLSv1.2 TLSv1.3;", "ssl_protocols TLSv1 TLSv1.2 TLSv1.3;"),
    ["ssl_protocols allows TLSv1 TLSv1.2 TLSv1.3; only TLSv1.2 and TLSv1.3 may be."],
  ],
  [
    "no ssl_protocols at all",
    (c: string) => c.replace("ssl_protocols TLSv1.2 TLSv1.3;", ""),
    ["ssl_protocols is not set, so Nginx's defaults apply."],
  ],
  [
    "the API zone loosened to 100 r/s",
    (c: string) => c.replace("zone=api:10m rate=10r/s", "zone=api:10m rate=100r/s"),
    ['Rate-limit zone "api" allows 100r/s; at most 10r/s.'],
  ],
  [
    "the login zone never applied",
    (c: string) => c.replace(/limit_req zone=login[^;]*;/g, ""),
    ['Rate-limit zone "login" is defined but no location uses it.'],
  ],
])("%s is reported", async (_, mutate, expected) => {
  const broken = mutate(rendered);
  expect(broken).not.toBe(rendered);
  expect(await violations(POLICY, [container(broken)])).toEqual(expected);
  expect(await violations(POLICY, [launchTemplate(broken)])).toEqual(expected);
});

test("a location that sets its own header without HSTS is reported", async () => {
  const lines = rendered.split("\n");
  const index = lines.findIndex((l) => l.includes("location /static/ {"));
  expect(index).toBeGreaterThan(0);
  const hsts = lines.findIndex(
    (l, i) => i > index && l.includes("add_header Strict-Transport-Security"),
  );
  lines.splice(hsts, 1);
  expect(await violations(POLICY, [container(lines.join("\n"))])).toEqual([
    "location /static/ drops HSTS (it sets its own headers).",
  ]);
});

test("pack config may lower a zone's ceiling, never raise it", async () => {
  const lower = { [POLICY]: { maxRatePerSecond: { api: 5 } } };
  expect(await violations(POLICY, [container(rendered)], lower)).toEqual([
    'Rate-limit zone "api" allows 10r/s; at most 5r/s.',
  ]);
  const raise = { [POLICY]: { maxRatePerSecond: { api: 50 } } };
  const loose = rendered.replace("zone=api:10m rate=10r/s", "zone=api:10m rate=40r/s");
  expect(await violations(POLICY, [container(loose)], raise)).toEqual([
    'Rate-limit zone "api" allows 40r/s; at most 10r/s.',
  ]);
});

test("a config that does not parse is reported, not crashed on", async () => {
  expect(await violations(POLICY, [container("http { server { listen 443 ssl; }")])).toEqual([
    "The shipped nginx.conf does not parse: missing '}'.",
  ]);
});
