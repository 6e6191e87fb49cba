// Load-balancer listeners: HTTPS only on a TLS 1.2+/1.3 security policy, and plain HTTP only
// ever redirecting to HTTPS with a 301.
import { resourcePolicy } from "./define";
import { isMap, maps } from "./stack-reading";

export const LISTENER = "aws:lb/listener:Listener";

/** ELB security policies that offer TLS 1.3 and nothing below TLS 1.2. */
export const TLS12_PLUS_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
];

export const loadBalancerPolicies = [
  resourcePolicy(
    "webstack-edge-listener-tls-policy",
    "critical",
    "HTTPS listeners use a security policy allowing only TLS 1.2 and 1.3.",
    [LISTENER],
    ({ props, args }) => {
      const configured = args.getConfig<{ allowedPolicies?: string[] }>().allowedPolicies;
      // Pack config may narrow the list but never add a policy that permits older protocols.
      const allowed = (configured ?? TLS12_PLUS_POLICIES).filter((p) =>
        TLS12_PLUS_POLICIES.includes(p),
      );
      return (
        props.protocol === "HTTPS" &&
        !allowed.includes(props.sslPolicy as string) &&
        `HTTPS listener uses ${JSON.stringify(props.sslPolicy ?? null)}; allowed: ${allowed.join(", ")}.`
      );
    },
    {
      properties: {
        allowedPolicies: {
          type: "array",
          items: { type: "string" },
          description: "Security policies allowed; a subset of the TLS 1.2+ policies.",
          default: TLS12_PLUS_POLICIES,
        },
      },
    },
  ),
  resourcePolicy(
    "webstack-edge-http-redirects",
    "high",
    "Plain-HTTP listeners only redirect to HTTPS with a 301; they never forward.",
    [LISTENER],
    ({ props }) => {
      const actions = maps(props.defaultActions);
      const redirects =
        actions.length > 0 &&
        actions.every(
          (a) =>
            a.type === "redirect" &&
            isMap(a.redirect) &&
            a.redirect.protocol === "HTTPS" &&
            a.redirect.statusCode === "HTTP_301",
        );
      return (
        props.protocol === "HTTP" &&
        !redirects &&
        "HTTP listener must only redirect to HTTPS with HTTP_301."
      );
    },
  ),
];
