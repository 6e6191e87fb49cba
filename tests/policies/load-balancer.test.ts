// Listener policies: HTTPS on a TLS 1.2+/1.3 policy; HTTP only redirects.
import { FakeResource, violations } from "../support/policy";

const listener = (props: Record<string, unknown>): FakeResource => ({
  type: "aws:lb/listener:Listener",
  name: "listener",
  props,
});
const https = (sslPolicy: unknown) =>
  listener({ protocol: "HTTPS", port: 443, sslPolicy, certificateArn: "arn" });
const redirect = (protocol: string, statusCode: string) =>
  listener({
    protocol: "HTTP",
    port: 80,
    defaultActions: [{ type: "redirect", redirect: { protocol, port: "443", statusCode } }],
  });

const ALLOWED =
  "ELBSecurityPolicy-TLS13-1-2-2021-06, ELBSecurityPolicy-TLS13-1-2-Res-2021-06, ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04, ELBSecurityPolicy-TLS13-1-3-2021-06, ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04";

test.each(["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06"])(
  "HTTPS on %s passes",
  async (policy) => {
    expect(await violations("webstack-edge-listener-tls-policy", [https(policy)])).toEqual([]);
  },
);

test.each([
  [
    "ELBSecurityPolicy-2016-08",
    `HTTPS listener uses "ELBSecurityPolicy-2016-08"; allowed: ${ALLOWED}.`,
  ],
  [
    "ELBSecurityPolicy-TLS-1-1-2017-01",
    `HTTPS listener uses "ELBSecurityPolicy-TLS-1-1-2017-01"; allowed: ${ALLOWED}.`,
  ],
  [undefined, `HTTPS listener uses null; allowed: ${ALLOWED}.`],
])("HTTPS on %s is refused", async (policy, message) => {
  expect(await violations("webstack-edge-listener-tls-policy", [https(policy)])).toEqual([message]);
});

test("pack config can narrow the allowed policies, but cannot add an old one", async () => {
  const onlyTls13 = {
    "webstack-edge-listener-tls-policy": {
      allowedPolicies: ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-2016-08"],
    },
  };
  expect(
    await violations(
      "webstack-edge-listener-tls-policy",
      [https("ELBSecurityPolicy-2016-08")],
      onlyTls13,
    ),
  ).toEqual([
    'HTTPS listener uses "ELBSecurityPolicy-2016-08"; allowed: ELBSecurityPolicy-TLS13-1-3-2021-06.',
  ]);
});

test("an HTTP listener that redirects to HTTPS with a 301 passes", async () => {
  expect(await violations("webstack-edge-http-redirects", [redirect("HTTPS", "HTTP_301")])).toEqual(
    [],
  );
});

test.each([
  ["a 302 redirect", redirect("HTTPS", "HTTP_302")],
  ["a redirect to HTTP", redirect("HTTP", "HTTP_301")],
  [
    "forwarding",
    listener({ protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "tg" }] }),
  ],
  ["no action", listener({ protocol: "HTTP", defaultActions: [] })],
])("an HTTP listener with %s is refused", async (_, resource) => {
  expect(await violations("webstack-edge-http-redirects", [resource])).toEqual([
    "HTTP listener must only redirect to HTTPS with HTTP_301.",
  ]);
});
