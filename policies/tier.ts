// How a policy learns which tier a resource belongs to, and that tier's floors. The tier comes
// from the resource's own `environment` tag (AWS) or label (Docker), which the program puts on
// every resource; the floors come from components/catalog/tiers.ts, and pack config may only
// tighten them.
import { isTier, Tier, TIER_FLOORS, TierFloor } from "../components/catalog/tiers";

export type Props = Record<string, unknown>;

/** The `environment` tag or label of a resource's inputs, when it is a known tier. */
export function tierOf(props: Props): Tier | undefined {
  const tags = props.tags;
  if (tags && typeof tags === "object" && !Array.isArray(tags)) {
    const value = (tags as Record<string, unknown>).environment;
    if (isTier(value)) return value;
  }
  if (Array.isArray(props.labels)) {
    for (const entry of props.labels as { label?: unknown; value?: unknown }[]) {
      if (entry.label === "environment" && isTier(entry.value)) return entry.value;
    }
  }
  return undefined;
}

/** The tier of a resource, defaulting to prod: an untagged resource gets the strictest floor. */
export function tierOrStrictest(props: Props): Tier {
  return tierOf(props) ?? "prod";
}

/** A per-tier number floor that pack config may raise for any tier, never lower. */
export type TierNumbers = Partial<Record<Tier, number>>;

export function numberFloor(
  tier: Tier,
  pick: (floor: TierFloor) => number,
  tightened?: TierNumbers,
): number {
  return Math.max(pick(TIER_FLOORS[tier]), tightened?.[tier] ?? -Infinity);
}

/** A per-tier switch floor that pack config may turn on for any tier, never off. */
export function switchFloor(
  tier: Tier,
  pick: (floor: TierFloor) => boolean,
  tightened?: Partial<Record<Tier, boolean>>,
): boolean {
  return pick(TIER_FLOORS[tier]) || tightened?.[tier] === true;
}

/** JSON schema of a per-tier numbers object, with the floors as its default. */
export function tierNumbersSchema(description: string, pick: (floor: TierFloor) => number) {
  return {
    type: "object" as const,
    description,
    properties: Object.fromEntries(
      Object.keys(TIER_FLOORS).map((tier) => [tier, { type: "number" as const, minimum: 0 }]),
    ),
    additionalProperties: false,
    default: Object.fromEntries(
      Object.entries(TIER_FLOORS).map(([tier, floor]) => [tier, pick(floor)]),
    ),
  };
}

/** JSON schema of a per-tier switches object, with the floors as its default. */
export function tierSwitchesSchema(description: string, pick: (floor: TierFloor) => boolean) {
  return {
    type: "object" as const,
    description,
    properties: Object.fromEntries(
      Object.keys(TIER_FLOORS).map((tier) => [tier, { type: "boolean" as const }]),
    ),
    additionalProperties: false,
    default: Object.fromEntries(
      Object.entries(TIER_FLOORS).map(([tier, floor]) => [tier, pick(floor)]),
    ),
  };
}
