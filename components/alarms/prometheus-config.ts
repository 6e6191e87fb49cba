// Renders prometheus.yml and blackbox.yml for one Docker environment: what Prometheus scrapes
// (node_exporter, one mysqld_exporter per MySQL server, redis_exporter, blackbox probes of the
// public health URL and its certificate, the backend's own metrics), the rule file it evaluates
// and the Alertmanager it sends to. Targets are network aliases on the stack's Docker networks;
// the `instance` label names the watched server, not the exporter, so alerts say what is wrong.
import { stringify } from "yaml";
import { SCRAPE_JOBS } from "../catalog/alarms";

/** One exporter that watches one server: `instance` is the server, `target` the exporter. */
export interface ExporterTarget {
  /** What the alert names, e.g. `mysql-primary`. */
  readonly instance: string;
  /** `host:port` of the exporter on the monitoring network. */
  readonly target: string;
  /** `replica` for a MySQL replica: ReplicationBroken expects its lag. @default none */
  readonly role?: "replica";
}

export interface PrometheusConfigSpec {
  /** Environment name, an external label on every series and alert. */
  readonly environment: string;
  /** Rule files, relative to prometheus.yml's directory. */
  readonly ruleFiles: readonly string[];
  /** `host:port` of each Alertmanager. */
  readonly alertmanagers: readonly string[];
  readonly node: readonly ExporterTarget[];
  /** One mysqld_exporter per MySQL server. */
  readonly mysql: readonly ExporterTarget[];
  /** One redis_exporter per Redis node. */
  readonly redis: readonly ExporterTarget[];
  /** blackbox_exporter and the URLs it probes (health URL; its TLS certificate comes along). */
  readonly probes?: { readonly exporter: string; readonly urls: readonly string[] };
  /** `host:port` of the backend's /metrics; BackendSlow reads its `backend` job. @default none */
  readonly backend?: string;
}

// Each target's `instance` label is the server it watches; Prometheus would otherwise label it
// with the exporter's address, which tells a responder nothing.
function exporterJob(job: string, targets: readonly ExporterTarget[]): object[] {
  if (targets.length === 0) return [];
  const static_configs = targets.map(({ instance, target, role }) => ({
    targets: [target],
    labels: { instance, ...(role && { role }) },
  }));
  return [{ job_name: job, static_configs }];
}

export function renderPrometheusConfig(spec: PrometheusConfigSpec): string {
  const { probes, backend } = spec;
  const jobs: object[] = [
    { job_name: SCRAPE_JOBS.prometheus, static_configs: [{ targets: ["localhost:9090"] }] },
    ...exporterJob(SCRAPE_JOBS.node, spec.node),
    ...exporterJob(SCRAPE_JOBS.mysql, spec.mysql),
    ...exporterJob(SCRAPE_JOBS.redis, spec.redis),
  ];
  if (probes) {
    // The multi-target exporter pattern: the probed URL becomes a parameter and the instance.
    jobs.push({
      job_name: SCRAPE_JOBS.probes,
      metrics_path: "/probe",
      params: { module: ["https_health"] },
      static_configs: [{ targets: [...probes.urls] }],
      relabel_configs: [
        { source_labels: ["__address__"], target_label: "__param_target" },
        { source_labels: ["__param_target"], target_label: "instance" },
        { target_label: "__address__", replacement: probes.exporter },
      ],
    });
  }
  if (backend !== undefined) {
    jobs.push({ job_name: SCRAPE_JOBS.backend, static_configs: [{ targets: [backend] }] });
  }

  const document = {
    // The rule file's rate windows assume 15 s: four samples per minute.
    global: {
      scrape_interval: "15s",
      evaluation_interval: "15s",
      external_labels: { environment: spec.environment },
    },
    rule_files: [...spec.ruleFiles],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [...spec.alertmanagers] }] }] },
    scrape_configs: jobs,
  };
  return (
    `# Rendered by webstack for ${spec.environment} (components/alarms/prometheus-config.ts).\n` +
    stringify(document, { lineWidth: 0 })
  );
}

/**
 * blackbox.yml with the `https_health` module: GET over TLS 1.2+, 200 only, the certificate
 * chained to `caFile` (a path in the container) and carrying `serverName`. The name is also sent
 * as SNI and Host, so the probe can reach a server by an internal address (the Docker edge's
 * container name) while checking the certificate of its public name.
 */
export function renderBlackboxConfig(spec: {
  readonly caFile: string;
  readonly serverName: string;
}): string {
  const document = {
    modules: {
      https_health: {
        prober: "http",
        timeout: "10s",
        http: {
          method: "GET",
          valid_status_codes: [200],
          preferred_ip_protocol: "ip4",
          fail_if_not_ssl: true,
          // blackbox_exporter sends a Host header as the request's host, not as a header line.
          headers: { Host: spec.serverName },
          tls_config: { ca_file: spec.caFile, server_name: spec.serverName, min_version: "TLS12" },
        },
      },
    },
  };
  return (
    "# Rendered by webstack (components/alarms/prometheus-config.ts).\n" +
    stringify(document, { lineWidth: 0 })
  );
}
