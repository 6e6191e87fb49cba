// RDS for MySQL: encryption, no public access, backups, multi-AZ, deletion protection, supported
// engine, log exports, and a read replica for every primary where the tier needs one.
import {
  engineLine,
  MYSQL_LINES,
  pastStandardSupport,
} from "../components/catalog/engine-versions";
import { asNumber, raisableFloor, resourcePolicy, stackPolicy } from "./define";
import { Props, switchFloor, tierOrStrictest, tierSwitchesSchema } from "./tier";

export const RDS_INSTANCE = "aws:rds/instance:Instance";
const TYPES = [RDS_INSTANCE];

const isReplica = (props: Props) =>
  props.replicateSourceDb !== undefined && props.replicateSourceDb !== "";

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

export const rdsPolicies = [
  resourcePolicy(
    {
      name: "webstack-rds-storage-encrypted",
      description: "Every RDS instance encrypts its storage at rest.",
      severity: "critical",
    },
    TYPES,
    ({ props }, report) => {
      if (props.storageEncrypted !== true)
        report("RDS storage must be encrypted (storageEncrypted: true).");
    },
  ),
  resourcePolicy(
    {
      name: "webstack-rds-not-public",
      description: "No RDS instance is reachable from the internet.",
      severity: "critical",
    },
    TYPES,
    ({ props }, report) => {
      if (props.publiclyAccessible === true)
        report("RDS instances must not be publicly accessible.");
    },
  ),
  resourcePolicy(
    {
      name: "webstack-rds-backup-retention",
      description:
        "Every RDS primary keeps automated backups at least as long as its tier's floor.",
      severity: "high",
      configSchema: retention.configSchema,
    },
    TYPES,
    ({ props, tier, args }, report) => {
      if (isReplica(props)) return;
      const floor = retention.floor(args, tier);
      const days = asNumber(props.backupRetentionPeriod) ?? 0;
      if (days < floor) {
        report(`Backup retention is ${days} days; ${tier} requires at least ${floor}.`);
      }
    },
  ),
  resourcePolicy(
    {
      name: "webstack-rds-multi-az",
      description: "RDS primaries run multi-AZ where the tier requires it (prod).",
      severity: "high",
      configSchema: {
        properties: {
          required: tierSwitchesSchema(
            "Tiers whose primaries must be multi-AZ.",
            (f) => f.mysqlMultiAz,
          ),
        },
      },
    },
    TYPES,
    ({ props, tier, args }, report) => {
      const { required } = args.getConfig<{ required?: Partial<Record<string, boolean>> }>();
      const multiAz = switchFloor(tier, (f) => f.mysqlMultiAz, required);
      if (multiAz && !isReplica(props) && props.multiAz !== true) {
        report(`RDS primary must be multi-AZ in ${tier}.`);
      }
    },
  ),
  resourcePolicy(
    {
      name: "webstack-rds-deletion-protection",
      description:
        "In staging and prod, RDS instances have deletion protection and primaries take a final snapshot.",
      severity: "critical",
    },
    TYPES,
    ({ props, tier }, report) => {
      if (!switchFloor(tier, (f) => f.protectData)) return;
      if (props.deletionProtection !== true) {
        report(`Deletion protection must be on in ${tier}.`);
      }
      if (
        !isReplica(props) &&
        (props.skipFinalSnapshot === true || !props.finalSnapshotIdentifier)
      ) {
        report(
          `A final snapshot must be taken on deletion in ${tier} (finalSnapshotIdentifier set, skipFinalSnapshot false).`,
        );
      }
    },
  ),
  resourcePolicy(
    {
      name: "webstack-rds-engine-supported",
      description:
        "RDS runs a MySQL line still in standard support, or one past it only where the stack opted in to RDS Extended Support (mysql.allowExtendedSupport).",
      severity: "high",
      configSchema: {
        properties: {
          today: {
            type: "string",
            description: "ISO date to judge support against; empty means the day the policy runs.",
            default: "",
          },
        },
      },
    },
    TYPES,
    ({ props, args }, report) => {
      const version = props.engineVersion;
      if (typeof version !== "string" || version === "") return;
      const { today } = args.getConfig<{ today?: string }>();
      const date = today || new Date().toISOString().slice(0, 10);
      const line = engineLine(MYSQL_LINES, version);
      if (!line) {
        report(
          `MySQL ${version} is not a supported line (${MYSQL_LINES.map((l) => l.line).join(", ")}).`,
        );
      } else if (
        pastStandardSupport(line, date) &&
        props.engineLifecycleSupport !== "open-source-rds-extended-support"
      ) {
        report(
          `MySQL ${version} left standard support on ${line.endOfStandardSupport}; upgrade, or opt in to RDS Extended Support (engineLifecycleSupport "open-source-rds-extended-support", config mysql.allowExtendedSupport).`,
        );
      }
    },
  ),
  resourcePolicy(
    {
      name: "webstack-rds-log-exports",
      description: "RDS exports its error and slow-query logs to CloudWatch.",
      severity: "medium",
    },
    TYPES,
    ({ props }, report) => {
      const exports = props.enabledCloudwatchLogsExports;
      const exported: unknown[] = Array.isArray(exports) ? exports : [];
      const missing = ["error", "slowquery"].filter((log) => !exported.includes(log));
      if (missing.length > 0)
        report(`RDS must export ${missing.join(" and ")} logs to CloudWatch.`);
    },
  ),
  stackPolicy(
    {
      name: "webstack-rds-read-replica",
      description: "In staging and prod every RDS primary has at least one read replica.",
      severity: "high",
      configSchema: replicas.configSchema,
    },
    (args, report) => {
      const instances = args.resources.filter((r) => r.type === RDS_INSTANCE);
      for (const primary of instances.filter((r) => !isReplica(r.props))) {
        const tier = tierOrStrictest(primary.props);
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
  ),
];
