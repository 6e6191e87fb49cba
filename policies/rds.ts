// RDS for MySQL: encryption, no public access, backups, multi-AZ, deletion protection, supported
// engine, log exports, and a read replica for every primary where the tier needs one.
import * as engines from "../components/catalog/engine-versions";
import { raisableFloor, resourcePolicy, stackPolicy, switchFloor } from "./define";
import { resourceTier, tierSchema } from "./define";
import { asNumber, list, ofType, Props, RDS_INSTANCE } from "./stack-reading";

const TYPES = [RDS_INSTANCE];
const isReplica = (props: Props) => Boolean(props.replicateSourceDb);

const retention = raisableFloor(
  "minimumDays",
  "Fewest days of automated backups per tier; may only raise the floor.",
  (floor) => floor.mysqlBackupRetentionDays,
);
const replicas = raisableFloor(
  "minimumReplicas",
  "Fewest read replicas per primary per tier; may only raise the floor.",
  (floor) => floor.mysqlMinReplicas,
);
const multiAz = tierSchema("Tiers whose primaries must be multi-AZ.", (f) => f.mysqlMultiAz);
const EXTENDED_SUPPORT = "open-source-rds-extended-support";
/** The enhanced monitoring intervals RDS accepts other than 0 (off), in seconds. */
const MONITORING_INTERVALS = [1, 5, 10, 15, 30, 60];

export const rdsPolicies = [
  resourcePolicy(
    "webstack-rds-storage-encrypted",
    "critical",
    "Every RDS instance encrypts its storage at rest.",
    TYPES,
    ({ props }) =>
      props.storageEncrypted !== true && "RDS storage must be encrypted (storageEncrypted: true).",
  ),
  resourcePolicy(
    "webstack-rds-not-public",
    "critical",
    "No RDS instance is reachable from the internet.",
    TYPES,
    ({ props }) =>
      props.publiclyAccessible === true && "RDS instances must not be publicly accessible.",
  ),
  resourcePolicy(
    "webstack-rds-backup-retention",
    "high",
    "Every RDS primary keeps automated backups at least as long as its tier's floor.",
    TYPES,
    ({ props, tier, args }) => {
      const floor = retention.floor(args, tier);
      const days = asNumber(props.backupRetentionPeriod) ?? 0;
      return (
        !isReplica(props) &&
        days < floor &&
        `Backup retention is ${days} days; ${tier} requires at least ${floor}.`
      );
    },
    retention.configSchema,
  ),
  resourcePolicy(
    "webstack-rds-multi-az",
    "high",
    "RDS primaries run multi-AZ where the tier requires it (prod).",
    TYPES,
    ({ props, tier, args }) =>
      switchFloor(tier, (f) => f.mysqlMultiAz, args.getConfig<Props>().required) &&
      !isReplica(props) &&
      props.multiAz !== true &&
      `RDS primary must be multi-AZ in ${tier}.`,
    { properties: { required: multiAz } },
  ),
  resourcePolicy(
    "webstack-rds-deletion-protection",
    "critical",
    "In staging and prod, RDS instances have deletion protection and Pulumi protect, and primaries take a final snapshot.",
    TYPES,
    ({ props, tier, args }) =>
      switchFloor(tier, (f) => f.protectData) && [
        props.deletionProtection !== true && `Deletion protection must be on in ${tier}.`,
        args.opts.protect !== true &&
          `Pulumi protect must be on in ${tier} (resource option protect: true), so no update deletes the database.`,
        !isReplica(props) &&
          (props.skipFinalSnapshot === true || !props.finalSnapshotIdentifier) &&
          `A final snapshot must be taken on deletion in ${tier} (finalSnapshotIdentifier set, skipFinalSnapshot false).`,
      ],
  ),
  resourcePolicy(
    "webstack-rds-deep-monitoring",
    "medium",
    "Where the tier requires it (prod), RDS runs Performance Insights and enhanced monitoring.",
    TYPES,
    ({ props, tier }) => {
      const interval = asNumber(props.monitoringInterval) ?? 0;
      return (
        switchFloor(tier, (f) => f.mysqlDeepMonitoring) && [
          props.performanceInsightsEnabled !== true &&
            `Performance Insights must be on in ${tier} (performanceInsightsEnabled: true).`,
          (!MONITORING_INTERVALS.includes(interval) || !props.monitoringRoleArn) &&
            `Enhanced monitoring must be on in ${tier}: monitoringInterval is ${interval}, must be one of ${MONITORING_INTERVALS.join(", ")} seconds, with a monitoringRoleArn.`,
        ]
      );
    },
  ),
  resourcePolicy(
    "webstack-rds-engine-supported",
    "high",
    "RDS runs a MySQL line still in standard support, or one past it only where the stack opted in to RDS Extended Support (mysql.allowExtendedSupport).",
    TYPES,
    ({ props, args }) => {
      const version = props.engineVersion;
      if (typeof version !== "string" || version === "") return undefined;
      const { today } = args.getConfig<{ today?: string }>();
      const line = engines.engineLine(engines.MYSQL_LINES, version);
      if (!line) {
        const lines = engines.MYSQL_LINES.map((l) => l.line).join(", ");
        return `MySQL ${version} is not a supported line (${lines}).`;
      }
      return (
        engines.pastStandardSupport(line, today || new Date().toISOString().slice(0, 10)) &&
        props.engineLifecycleSupport !== EXTENDED_SUPPORT &&
        `MySQL ${version} left standard support on ${line.endOfStandardSupport}; upgrade, or opt in to RDS Extended Support (engineLifecycleSupport "${EXTENDED_SUPPORT}", config mysql.allowExtendedSupport).`
      );
    },
    {
      properties: {
        today: {
          type: "string",
          description: "ISO date to judge support against; empty means the day the policy runs.",
          default: "",
        },
      },
    },
  ),
  resourcePolicy(
    "webstack-rds-log-exports",
    "medium",
    "RDS exports its error and slow-query logs to CloudWatch.",
    TYPES,
    ({ props }) => {
      const exported = list(props.enabledCloudwatchLogsExports);
      const missing = ["error", "slowquery"].filter((log) => !exported.includes(log));
      return missing.length > 0 && `RDS must export ${missing.join(" and ")} logs to CloudWatch.`;
    },
  ),
  stackPolicy(
    {
      name: "webstack-rds-read-replica",
      description: "In staging and prod every RDS primary has at least one read replica.",
      severity: "high",
      configSchema: replicas.configSchema,
    },
    {
      any: ({ args, resources, report }) => {
        const instances = ofType(resources, RDS_INSTANCE);
        for (const primary of instances.filter((r) => !isReplica(r.props))) {
          const tier = resourceTier(args, primary.props);
          const floor = replicas.floor(args, tier);
          const references = [primary.props.identifier, primary.props.arn].filter(Boolean);
          const count = instances.filter(
            (r) => isReplica(r.props) && references.includes(r.props.replicateSourceDb),
          ).length;
          if (count < floor) {
            report(
              `RDS primary ${primary.name} has ${count} read replicas; ${tier} requires at least ${floor}.`,
              primary.urn,
            );
          }
        }
      },
    },
  ),
];
