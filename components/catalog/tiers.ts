// The environment tiers and the minimum standard (floor) each must meet. Components default to
// at least these values, config validation refuses anything looser, and the policy pack enforces
// the same numbers at preview time: this module is the single source for all three.

/** Environment tiers, weakest first. */
export const TIERS = ["dev", "test", "staging", "prod"] as const;
export type Tier = (typeof TIERS)[number];

/** True when `tier` is at least as strict as `minimum` (dev < test < staging < prod). */
export function tierAtLeast(tier: Tier, minimum: Tier): boolean {
  return TIERS.indexOf(tier) >= TIERS.indexOf(minimum);
}

export function isTier(value: unknown): value is Tier {
  return typeof value === "string" && (TIERS as readonly string[]).includes(value);
}

/** The minimum standard for one tier. */
export interface TierFloor {
  /** Where the tier may run: staging and prod need managed, multi-AZ services. */
  readonly targets: readonly ("docker" | "aws")[];
  /** Fewest MySQL read replicas per primary. */
  readonly mysqlMinReplicas: number;
  /** RDS automated backup retention, days. */
  readonly mysqlBackupRetentionDays: number;
  /** RDS primary must be multi-AZ. */
  readonly mysqlMultiAz: boolean;
  /** Deletion protection, a final snapshot and Pulumi `protect` on stateful resources. */
  readonly protectData: boolean;
  /** Performance Insights and enhanced monitoring on RDS. */
  readonly mysqlDeepMonitoring: boolean;
  /** ElastiCache snapshot retention, days. */
  readonly redisSnapshotRetentionDays: number;
  /** Redis must run with automatic failover across AZs. */
  readonly redisFailover: boolean;
  /** Fewest Redis shards (cluster mode when above 1). */
  readonly redisMinShards: number;
  /** Fewest AZs the VPC spans. */
  readonly minAvailabilityZones: number;
  /** CloudWatch log retention, days. */
  readonly logRetentionDays: number;
  /** AWS Backup vault lock (WORM) on the vault. */
  readonly backupVaultLock: boolean;
  /** A restore test must be scheduled. */
  readonly restoreTest: boolean;
}

export const TIER_FLOORS: Readonly<Record<Tier, TierFloor>> = {
  dev: {
    targets: ["docker", "aws"],
    mysqlMinReplicas: 0,
    mysqlBackupRetentionDays: 1,
    mysqlMultiAz: false,
    protectData: false,
    mysqlDeepMonitoring: false,
    redisSnapshotRetentionDays: 0,
    redisFailover: false,
    redisMinShards: 1,
    minAvailabilityZones: 2,
    logRetentionDays: 7,
    backupVaultLock: false,
    restoreTest: false,
  },
  test: {
    targets: ["docker", "aws"],
    mysqlMinReplicas: 0,
    mysqlBackupRetentionDays: 1,
    mysqlMultiAz: false,
    protectData: false,
    mysqlDeepMonitoring: false,
    redisSnapshotRetentionDays: 0,
    redisFailover: false,
    redisMinShards: 1,
    minAvailabilityZones: 2,
    logRetentionDays: 7,
    backupVaultLock: false,
    restoreTest: false,
  },
  staging: {
    targets: ["aws"],
    mysqlMinReplicas: 1,
    mysqlBackupRetentionDays: 7,
    mysqlMultiAz: false,
    protectData: true,
    mysqlDeepMonitoring: false,
    redisSnapshotRetentionDays: 7,
    redisFailover: true,
    redisMinShards: 1,
    minAvailabilityZones: 2,
    logRetentionDays: 7,
    backupVaultLock: false,
    restoreTest: true,
  },
  prod: {
    targets: ["aws"],
    mysqlMinReplicas: 1,
    mysqlBackupRetentionDays: 7,
    mysqlMultiAz: true,
    protectData: true,
    mysqlDeepMonitoring: true,
    redisSnapshotRetentionDays: 7,
    redisFailover: true,
    redisMinShards: 3,
    minAvailabilityZones: 3,
    logRetentionDays: 30,
    backupVaultLock: true,
    restoreTest: true,
  },
};
