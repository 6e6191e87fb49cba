// Alarm stack policies: every catalog alarm of the stack's tier exists no weaker than its floor,
// every alarm reaches people of its severity, and every database and cache is watched. They read
// the operations resources in the shape docs/operations-catalog.md fixes — CloudWatch alarms, SNS
// topics and EventBridge rules on AWS; the Prometheus rule file, prometheus.yml and
// alertmanager.yml a Docker stack uploads — so they judge what ships, not what config asked for.
// Each policy lives in its own file (policies/alarms-*.ts); this one fixes their order in the pack.
import { alarmsCatalogPolicy } from "./alarms-catalog";
import { alarmsCoveragePolicy } from "./alarms-coverage";
import { alarmsDeliveryPolicy } from "./alarms-delivery";

export { floorAlarms } from "./alarms-catalog";

export const alarmPolicies = [alarmsCatalogPolicy, alarmsDeliveryPolicy, alarmsCoveragePolicy];
