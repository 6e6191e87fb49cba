// webstack-tier-not-lowered: the gate owns the tier. The pack config CI passes for a stack
// (policies/config/<stack>.json) says which tier it is judged at; a resource's environment tag or
// label may raise its own tier, but resources claiming a lower one mean the stack's config tried to
// lower its own judge (docs/requirements.md §9: the merge gate), and the stack fails with the conflict named.
import { TIERS } from "../components/catalog/tiers";
import { gateTier, stackPolicy, tierOf } from "./define";
import { listing, UNKNOWN } from "./stack-reading";

export const tierNotLoweredPolicy = stackPolicy(
  {
    name: "webstack-tier-not-lowered",
    description:
      "No resource claims a lower tier than the one the pack config judges the stack at: a stack's own config may raise its tier, never lower it.",
    severity: "critical",
  },
  {
    any: ({ args, resources: all, gaps, report }) => {
      const gate = gateTier(args);
      const below = all
        .flatMap((r) => {
          const tier = gaps.read(() => tierOf(r.props));
          return tier === UNKNOWN || tier === undefined ? [] : [tier];
        })
        .filter((tier) => TIERS.indexOf(tier) < TIERS.indexOf(gate));
      if (below.length === 0) return;
      const claimed = TIERS.filter((t) => below.includes(t));
      const resources =
        below.length === 1 ? "1 resource claims" : `${below.length} resources claim`;
      report(
        `${resources} tier ${listing(claimed)} (environment tag or label), but the pack config judges this stack at ${gate}; they are judged at ${gate}. A stack's config may raise its tier, never lower it: set webstack:environment to ${gate}.`,
      );
    },
  },
);
