// The CloudWatch agent's configuration on the app hosts: memory and root-disk use in percent,
// published in the CWAgent namespace and aggregated by AutoScalingGroupName, which is what the
// host-memory and disk alarms (components/alarms/cloudwatch-specs.ts) read. Pure: no Pulumi.

/** Where the agent's package reads its configuration from (`fetch-config -c file:...`). */
export const CLOUDWATCH_AGENT_CONFIG_PATH =
  "/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json";

/** The agent's JSON configuration: one sample a minute. */
export function renderCloudWatchAgentConfig(): string {
  const config = {
    agent: { metrics_collection_interval: 60, run_as_user: "cwagent" },
    metrics: {
      namespace: "CWAgent",
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
