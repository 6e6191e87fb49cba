// CloudWatch log groups keep their logs at least as long as the tier's floor.
import { raisableFloor, resourcePolicy } from "./define";
import { asNumber } from "./stack-reading";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

const retention = raisableFloor(
  "minimumDays",
  "Fewest days CloudWatch log groups keep their logs per tier; may only raise the floor.",
  (floor) => floor.logRetentionDays,
);

export const logPolicies = [
  resourcePolicy(
    "webstack-logs-retention",
    "medium",
    "CloudWatch log groups keep logs at least as long as the tier's floor (never expiring passes).",
    [LOG_GROUP],
    ({ name, props, tier, args }) => {
      // 0 or unset: CloudWatch keeps the logs forever.
      const days = asNumber(props.retentionInDays) ?? 0;
      const floor = retention.floor(args, tier);
      return (
        days > 0 &&
        days < floor &&
        `Log group ${name} keeps logs ${days} days; ${tier} requires at least ${floor}.`
      );
    },
    retention.configSchema,
  ),
];
