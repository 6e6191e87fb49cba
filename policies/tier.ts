// Which tier a resource is judged at, and that tier's floors. The tier comes from the resource's
// own `environment` tag (AWS) or label (Docker), which the program puts on every resource; the
// floors come from components/catalog/tiers.ts, and pack config may only tighten them.
import { isTier, Tier, TIER_FLOORS, TierFloor, TIERS } from "../components/catalog/tiers";

export type Props = Record<string, unknown>;

/** An AWS tag's value when it is a string (undefined when absent). */
export function tag(props: Props, key: string): string | undefined {
  const tags = props.tags;
  if (!tags || typeof tags !== "object" || Array.isArray(tags)) return undefined;
  const value = (tags as Props)[key];
  return typeof value === "string" ? value : undefined;
}

/** The `environment` tag or label of a resource's inputs, when it is a known tier. */
export function tierOf(props: Props): Tier | undefined {
  const tagged = tag(props, "environment");
  if (isTier(tagged)) return tagged;
  const labels = Array.isArray(props.labels) ? (props.labels as Props[]) : [];
  return labels.find((l) => l.label === "environment" && isTier(l.value))?.value as
    Tier | undefined;
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

/** JSON schema of a per-tier object of numbers or switches, with the catalog floors as default. */
function tierSchema<T>(type: "number" | "boolean", description: string, pick: (f: TierFloor) => T) {
  return {
    type: "object" as const,
    description,
    properties: Object.fromEntries(
      TIERS.map((tier) => [tier, type === "number" ? { type, minimum: 0 } : { type }]),
    ),
    additionalProperties: false,
    default: Object.fromEntries(TIERS.map((tier) => [tier, pick(TIER_FLOORS[tier])])),
  };
}

export const tierNumbersSchema = (description: string, pick: (floor: TierFloor) => number) =>
  tierSchema("number", description, pick);

export const tierSwitchesSchema = (description: string, pick: (floor: TierFloor) => boolean) =>
  tierSchema("boolean", description, pick);
