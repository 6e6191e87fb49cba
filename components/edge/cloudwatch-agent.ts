// The CloudWatch agent's configuration on the app hosts: memory and root-disk use in percent,
// published in the CWAgent namespace and aggregated by AutoScalingGroupName, which is what the
// host-memory and disk alarms (components/alarms/cloudwatch-specs.ts) read. Pure: no Pulumi.

/** Namespace and metric names the alarm catalog expects. */
export const CLOUDWATCH_AGENT_METRICS = {
  namespace: "CWAgent",
  memory: "mem_used_percent",
  disk: "disk_used_percent",
} as const;

/** Where the agent's package reads its configuration from (`fetch-config -c file:...`). */
export const CLOUDWATCH_AGENT_CONFIG_PATH =
  "/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json";

/** The agent's JSON configuration. */
export function renderCloudWatchAgentConfig(intervalSeconds = 60): string {
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 10 || intervalSeconds > 300) {
    throw new Error(
      `CloudWatch agent intervalSeconds must be an integer from 10 to 300 (got ${intervalSeconds})`,
    );
  }
  const config = {
    agent: { metrics_collection_interval: intervalSeconds, run_as_user: "cwagent" },
    metrics: {
      namespace: CLOUDWATCH_AGENT_METRICS.namespace,
      // The agent fills these in per host; the aggregation below drops all but the group, so an
      // alarm watches one series per auto-scaling group however often hosts are replaced.
      append_dimensions: {
        AutoScalingGroupName: "${aws:AutoScalingGroupName}",
        InstanceId: "${aws:InstanceId}",
      },
      aggregation_dimensions: [["AutoScalingGroupName"]],
      metrics_collected: {
        // Published as mem_used_percent and disk_used_percent (the agent prefixes the section).
        mem: { measurement: ["mem_used_percent"] },
        disk: {
          measurement: ["used_percent"],
          resources: ["/"],
          drop_device: true,
        },
      },
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
