// The alarms part's contract (`webstack:ops:Alarms`): the alarm catalog mapped onto CloudWatch
// and SNS on AWS, or Prometheus rules and Alertmanager routes on Docker.
import * as pulumi from "@pulumi/pulumi";
import type { Tier } from "../catalog/tiers";

export interface AlarmsArgs {
  readonly tier: Tier;
  /** Resources watched per instance: RDS instance ids, Redis node group ids, load balancer. */
  readonly watched: Readonly<Record<string, pulumi.Input<string>[]>>;
}

export interface AlarmsOutputs {
  /** Topic ARNs (AWS) or receiver names (Docker) per severity. */
  readonly destinations: Readonly<Record<"warning" | "critical", pulumi.Output<string>>>;
}
