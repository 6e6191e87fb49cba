// What DockerAlarms checks itself: invariants between other components' outputs that neither
// the types nor config can know, raised as a ResourceError on the component.
import * as pulumi from "@pulumi/pulumi";
import { DockerAlarms } from "../../components/alarms/docker";
import type { DockerAlarmsArgs } from "../../components/alarms/contract";
import { ALARM_CATALOG } from "../../components/catalog/alarms";

beforeAll(() =>
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: (args) => {
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "webstack",
    "unit",
  ),
);

const args: DockerAlarmsArgs = {
  tier: "dev",
  namePrefix: "webstack-dev",
  alarms: ALARM_CATALOG,
  images: {
    prometheus: "prom/prometheus:v2.53.4",
    alertmanager: "prom/alertmanager:v0.25.0",
    nodeExporter: "prom/node-exporter:v1.8.2",
    mysqldExporter: "prom/mysqld-exporter:v0.18.0",
    redisExporter: "oliver006/redis_exporter:v1.62.0-alpine",
    blackboxExporter: "prom/blackbox-exporter:v0.25.0",
  },
  notify: { routes: { warning: ["log"], critical: ["log"] } },
  secrets: {},
  mysql: {
    servers: ["mysql-primary"],
    port: 3306,
    networkName: "data",
    monitorUser: "webstack_monitor",
    monitorPassword: "p",
  },
  redis: { nodes: ["redis-0", "redis-1"], port: 6379, networkName: "redis", authToken: "t" },
  edge: { networkName: "edge", host: "nginx", serverName: "localhost", caCertificatePem: "pem" },
  backendMetrics: "backend:3001",
  textfileVolumeName: "metrics",
  publishUi: false,
};

test("the Redis exporters' fixed addresses must be one per node", () => {
  const redis = { ...args.redis, addresses: ["192.168.254.22"] };
  expect(() => new DockerAlarms("alarms", { ...args, redis })).toThrow(
    "1 fixed addresses for 2 Redis nodes: redis_exporter needs one per node",
  );
});
