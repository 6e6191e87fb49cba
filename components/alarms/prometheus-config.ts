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
}

export interface PrometheusConfigSpec {
  /** Environment name, an external label on every series and alert. */
  readonly environment: string;
  /** Rule files, relative to prometheus.yml's directory. */
  readonly ruleFiles: readonly string[];
  /** `host:port` of each Alertmanager. */
  readonly alertmanagers: readonly string[];
  /** node_exporter(s). */
  readonly node: readonly ExporterTarget[];
  /** One mysqld_exporter per MySQL server. */
  readonly mysql: readonly ExporterTarget[];
  /** redis_exporter(s). */
  readonly redis: readonly ExporterTarget[];
  /** blackbox_exporter and the URLs it probes (health URL; its TLS certificate comes along). */
  readonly probes?: {
    readonly exporter: string;
    /** Module of blackbox.yml. @default "https_health" */
    readonly module?: string;
    readonly urls: readonly string[];
  };
  /** `host:port` of the backend's /metrics; BackendSlow reads its `backend` job. @default none */
  readonly backend?: string;
  /** @default 15 — the rule file's rate windows assume it (four samples per minute) */
  readonly scrapeIntervalSeconds?: number;
}

const HOST_PORT = /^[A-Za-z0-9][A-Za-z0-9.-]*:\d{1,5}$/;
const INSTANCE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const RELATIVE_FILE = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const HTTP_URL = /^https?:\/\/[^\s"']+$/;

function fail(key: string, allowed: string, got: unknown): never {
  throw new Error(`${key} must be ${allowed} (got ${JSON.stringify(got)})`);
}

function checkTargets(key: string, targets: readonly ExporterTarget[]): void {
  const seen = new Set<string>();
  targets.forEach(({ instance, target }, i) => {
    if (!INSTANCE.test(instance)) fail(`${key}[${i}].instance`, "a server name", instance);
    if (!HOST_PORT.test(target)) fail(`${key}[${i}].target`, "host:port", target);
    if (seen.has(instance)) fail(`${key}[${i}].instance`, "unique", instance);
    seen.add(instance);
  });
}

// Each target's `instance` label is the server it watches; Prometheus would otherwise label it
// with the exporter's address, which tells a responder nothing.
function exporterJob(job: string, targets: readonly ExporterTarget[]): object {
  return {
    job_name: job,
    static_configs: targets.map(({ instance, target }) => ({
      targets: [target],
      labels: { instance },
    })),
  };
}

export function renderPrometheusConfig(spec: PrometheusConfigSpec): string {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(spec.environment)) {
    fail("prometheus.environment", 'a lower-case name such as "dev"', spec.environment);
  }
  const interval = spec.scrapeIntervalSeconds ?? 15;
  if (!Number.isInteger(interval) || interval < 5 || interval > 60) {
    fail("prometheus.scrapeIntervalSeconds", "a whole number from 5 to 60", interval);
  }
  if (spec.ruleFiles.length === 0) fail("prometheus.ruleFiles", "at least one rule file", []);
  spec.ruleFiles.forEach((file, i) => {
    if (!RELATIVE_FILE.test(file) || file.includes("..")) {
      fail(`prometheus.ruleFiles[${i}]`, "a path relative to prometheus.yml", file);
    }
  });
  if (spec.alertmanagers.length === 0) {
    fail("prometheus.alertmanagers", "at least one host:port", []);
  }
  spec.alertmanagers.forEach((target, i) => {
    if (!HOST_PORT.test(target)) fail(`prometheus.alertmanagers[${i}]`, "host:port", target);
  });
  checkTargets("prometheus.node", spec.node);
  checkTargets("prometheus.mysql", spec.mysql);
  checkTargets("prometheus.redis", spec.redis);
  if (spec.backend !== undefined && !HOST_PORT.test(spec.backend)) {
    fail("prometheus.backend", "host:port", spec.backend);
  }

  const jobs: object[] = [
    { job_name: SCRAPE_JOBS.prometheus, static_configs: [{ targets: ["localhost:9090"] }] },
  ];
  if (spec.node.length > 0) jobs.push(exporterJob(SCRAPE_JOBS.node, spec.node));
  if (spec.mysql.length > 0) jobs.push(exporterJob(SCRAPE_JOBS.mysql, spec.mysql));
  if (spec.redis.length > 0) jobs.push(exporterJob(SCRAPE_JOBS.redis, spec.redis));
  if (spec.probes) {
    const { exporter, urls } = spec.probes;
    if (!HOST_PORT.test(exporter)) fail("prometheus.probes.exporter", "host:port", exporter);
    if (urls.length === 0) fail("prometheus.probes.urls", "at least one URL", []);
    urls.forEach((url, i) => {
      if (!HTTP_URL.test(url)) fail(`prometheus.probes.urls[${i}]`, "an http(s) URL", url);
    });
    // The multi-target exporter pattern: the probed URL becomes a parameter and the instance.
    jobs.push({
      job_name: SCRAPE_JOBS.probes,
      metrics_path: "/probe",
      params: { module: [spec.probes.module ?? "https_health"] },
      static_configs: [{ targets: [...urls] }],
      relabel_configs: [
        { source_labels: ["__address__"], target_label: "__param_target" },
        { source_labels: ["__param_target"], target_label: "instance" },
        { target_label: "__address__", replacement: exporter },
      ],
    });
  }
  if (spec.backend !== undefined) {
    jobs.push({ job_name: SCRAPE_JOBS.backend, static_configs: [{ targets: [spec.backend] }] });
  }

  const document = {
    global: {
      scrape_interval: `${interval}s`,
      evaluation_interval: `${interval}s`,
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

export interface BlackboxSpec {
  /**
   * CA bundle (path in the container) the probed certificate must chain to. Without one the probe
   * accepts any certificate — for the Docker stacks' self-signed edge until its CA is passed — and
   * still reports the certificate's expiry.
   */
  readonly caFile?: string;
  /**
   * Name the probed certificate must carry, sent as SNI and as the Host header, for probing a
   * server by an internal address (the Docker edge's container name) while checking the
   * certificate of its public name. @default the probed URL's host
   */
  readonly serverName?: string;
  /** @default 10 */
  readonly timeoutSeconds?: number;
}

/** blackbox.yml with the `https_health` module: GET over TLS 1.2+, 200 only. */
export function renderBlackboxConfig(spec: BlackboxSpec = {}): string {
  const timeout = spec.timeoutSeconds ?? 10;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 60) {
    fail("blackbox.timeoutSeconds", "a whole number from 1 to 60", timeout);
  }
  if (spec.caFile !== undefined && !/^\/[A-Za-z0-9._/-]+$/.test(spec.caFile)) {
    fail("blackbox.caFile", "an absolute path", spec.caFile);
  }
  if (
    spec.serverName !== undefined &&
    !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(spec.serverName)
  ) {
    fail("blackbox.serverName", "a host name", spec.serverName);
  }
  const tlsConfig = {
    ...(spec.caFile !== undefined ? { ca_file: spec.caFile } : { insecure_skip_verify: true }),
    ...(spec.serverName !== undefined ? { server_name: spec.serverName } : {}),
    min_version: "TLS12",
  };
  const document = {
    modules: {
      https_health: {
        prober: "http",
        timeout: `${timeout}s`,
        http: {
          method: "GET",
          valid_status_codes: [200],
          preferred_ip_protocol: "ip4",
          fail_if_not_ssl: true,
          // blackbox_exporter sends a Host header as the request's host, not as a header line.
          ...(spec.serverName !== undefined ? { headers: { Host: spec.serverName } } : {}),
          tls_config: tlsConfig,
        },
      },
    },
  };
  return (
    "# Rendered by webstack (components/alarms/prometheus-config.ts).\n" +
    stringify(document, { lineWidth: 0 })
  );
}
