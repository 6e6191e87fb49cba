// Load-balancer listeners: HTTPS only on a TLS 1.2+/1.3 security policy, and plain HTTP only
// ever redirecting to HTTPS with a 301.
import { resourcePolicy } from "./define";

export const LISTENER = "aws:lb/listener:Listener";

/** ELB security policies that offer TLS 1.3 and nothing below TLS 1.2. */
export const TLS12_PLUS_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
];

interface Action {
  type?: string;
  redirect?: { protocol?: string; statusCode?: string };
}

export const loadBalancerPolicies = [
  resourcePolicy(
    {
      name: "webstack-edge-listener-tls-policy",
      description: "HTTPS listeners use a security policy allowing only TLS 1.2 and 1.3.",
      severity: "critical",
      configSchema: {
        properties: {
          allowedPolicies: {
            type: "array",
            items: { type: "string" },
            description: "Security policies allowed; a subset of the TLS 1.2+ policies.",
            default: TLS12_PLUS_POLICIES,
          },
        },
      },
    },
    [LISTENER],
    ({ props, args }, report) => {
      if (props.protocol !== "HTTPS") return;
      const configured = args.getConfig<{ allowedPolicies?: string[] }>().allowedPolicies;
      // Pack config may narrow the list but never add a policy that permits older protocols.
      const allowed = (configured ?? TLS12_PLUS_POLICIES).filter((p) =>
        TLS12_PLUS_POLICIES.includes(p),
      );
      if (typeof props.sslPolicy !== "string" || !allowed.includes(props.sslPolicy)) {
        report(
          `HTTPS listener uses ${JSON.stringify(props.sslPolicy ?? null)}; allowed: ${allowed.join(", ")}.`,
        );
      }
    },
  ),
  resourcePolicy(
    {
      name: "webstack-edge-http-redirects",
      description: "Plain-HTTP listeners only redirect to HTTPS with a 301; they never forward.",
      severity: "high",
    },
    [LISTENER],
    ({ props }, report) => {
      if (props.protocol !== "HTTP") return;
      const actions = (Array.isArray(props.defaultActions) ? props.defaultActions : []) as Action[];
      const redirects =
        actions.length > 0 &&
        actions.every(
          (a) =>
            a.type === "redirect" &&
            a.redirect?.protocol === "HTTPS" &&
            a.redirect?.statusCode === "HTTP_301",
        );
      if (!redirects) report("HTTP listener must only redirect to HTTPS with HTTP_301.");
    },
  ),
];
