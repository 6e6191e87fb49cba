// Every webstack policy as a plain array, so tests and `npm run policy` evaluate the pack without
// starting the analyzer server. index.ts hands the same array to PolicyPack.
import type { Policies } from "@pulumi/policy";
import { alarmsCatalogPolicy } from "./alarms-catalog";
import { alarmsCoveragePolicy } from "./alarms-coverage";
import { alarmsDeliveryPolicy } from "./alarms-delivery";
import { backupsCoveragePolicy } from "./backups-coverage";
import { backupsRestoreTestPolicy } from "./backups-restore-test";
import { backupsVaultPolicy } from "./backups-vault";
import { edgeNginxPolicies } from "./edge-nginx";
import { elasticachePolicies } from "./elasticache";
import { loadBalancerPolicies } from "./load-balancer";
import { logPolicies } from "./logs";
import { rdsPolicies } from "./rds";
import { securityPolicies } from "./security";
import { tierNotLoweredPolicy } from "./stack-tier";

export const policies: Policies = [
  tierNotLoweredPolicy,
  ...rdsPolicies,
  ...elasticachePolicies,
  ...loadBalancerPolicies,
  ...edgeNginxPolicies,
  ...securityPolicies,
  ...logPolicies,
  alarmsCatalogPolicy,
  alarmsDeliveryPolicy,
  alarmsCoveragePolicy,
  backupsCoveragePolicy,
  backupsRestoreTestPolicy,
  backupsVaultPolicy,
];
