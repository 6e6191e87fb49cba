// Sizes of the AWS instance classes and node types a stack may name. Config validation rejects
// names not listed here (a typo would otherwise surface only at `pulumi up`), and memory-derived
// settings (innodb_buffer_pool_size, Redis maxmemory) are computed from these figures.

export interface InstanceSize {
  readonly vcpu: number;
  readonly memoryGiB: number;
}

/** RDS for MySQL DB instance classes (Graviton and current Intel generations). */
export const RDS_INSTANCE_CLASSES: Readonly<Record<string, InstanceSize>> = {
  "db.t4g.micro": { vcpu: 2, memoryGiB: 1 },
  "db.t4g.small": { vcpu: 2, memoryGiB: 2 },
  "db.t4g.medium": { vcpu: 2, memoryGiB: 4 },
  "db.t4g.large": { vcpu: 2, memoryGiB: 8 },
  "db.t4g.xlarge": { vcpu: 4, memoryGiB: 16 },
  "db.m6g.large": { vcpu: 2, memoryGiB: 8 },
  "db.m6g.xlarge": { vcpu: 4, memoryGiB: 16 },
  "db.m6g.2xlarge": { vcpu: 8, memoryGiB: 32 },
  "db.m6g.4xlarge": { vcpu: 16, memoryGiB: 64 },
  "db.m7g.large": { vcpu: 2, memoryGiB: 8 },
  "db.m7g.xlarge": { vcpu: 4, memoryGiB: 16 },
  "db.m7g.2xlarge": { vcpu: 8, memoryGiB: 32 },
  "db.r6g.large": { vcpu: 2, memoryGiB: 16 },
  "db.r6g.xlarge": { vcpu: 4, memoryGiB: 32 },
  "db.r6g.2xlarge": { vcpu: 8, memoryGiB: 64 },
  "db.r7g.large": { vcpu: 2, memoryGiB: 16 },
  "db.r7g.xlarge": { vcpu: 4, memoryGiB: 32 },
  "db.m6i.large": { vcpu: 2, memoryGiB: 8 },
  "db.m6i.xlarge": { vcpu: 4, memoryGiB: 16 },
};

/** ElastiCache node types, with the memory ElastiCache reports for each. */
export const ELASTICACHE_NODE_TYPES: Readonly<Record<string, InstanceSize>> = {
  "cache.t4g.micro": { vcpu: 2, memoryGiB: 0.5 },
  "cache.t4g.small": { vcpu: 2, memoryGiB: 1.37 },
  "cache.t4g.medium": { vcpu: 2, memoryGiB: 3.09 },
  "cache.m6g.large": { vcpu: 2, memoryGiB: 6.38 },
  "cache.m6g.xlarge": { vcpu: 4, memoryGiB: 12.93 },
  "cache.m7g.large": { vcpu: 2, memoryGiB: 6.38 },
  "cache.m7g.xlarge": { vcpu: 4, memoryGiB: 12.93 },
  "cache.r6g.large": { vcpu: 2, memoryGiB: 13.07 },
  "cache.r6g.xlarge": { vcpu: 4, memoryGiB: 26.32 },
  "cache.r7g.large": { vcpu: 2, memoryGiB: 13.07 },
};

/** EC2 instance types for the app hosts. */
export const EC2_INSTANCE_TYPES: Readonly<Record<string, InstanceSize>> = {
  "t3.medium": { vcpu: 2, memoryGiB: 4 },
  "t3.large": { vcpu: 2, memoryGiB: 8 },
  "t3.xlarge": { vcpu: 4, memoryGiB: 16 },
  "c6i.large": { vcpu: 2, memoryGiB: 4 },
  "c6i.xlarge": { vcpu: 4, memoryGiB: 8 },
  "c6i.2xlarge": { vcpu: 8, memoryGiB: 16 },
  "c7i.large": { vcpu: 2, memoryGiB: 4 },
  "c7i.2xlarge": { vcpu: 8, memoryGiB: 16 },
  "m6i.large": { vcpu: 2, memoryGiB: 8 },
  "m6i.xlarge": { vcpu: 4, memoryGiB: 16 },
  "m6i.2xlarge": { vcpu: 8, memoryGiB: 32 },
};
