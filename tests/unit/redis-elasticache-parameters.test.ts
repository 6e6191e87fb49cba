// The ElastiCache parameter group carries the Docker redis.conf's intent: allkeys-lru, the same
// slow-log threshold, and cluster mode exactly where the replication group uses it.
import { elasticacheParameterGroupFamily, elasticacheParameters } from "../../components/redis/aws";
import { renderRedisConf } from "../../components/redis/redis-conf";

test.each([
  ["7.1", "redis7"],
  ["7.0.7", "redis7"],
  ["6.2", "redis6.x"],
  ["6.0", "redis6.x"],
  ["5.0.6", "redis5.0"],
  ["4.0.10", "redis4.0"],
])("engine %s → family %s", (version, family) => {
  expect(elasticacheParameterGroupFamily(version)).toBe(family);
});

test.each([
  [false, ["maxmemory-policy", "slowlog-log-slower-than", "slowlog-max-len"]],
  [true, ["cluster-enabled", "maxmemory-policy", "slowlog-log-slower-than", "slowlog-max-len"]],
])("cluster mode %s sets %j", (clusterMode, names) => {
  const parameters = elasticacheParameters({ clusterMode });
  expect(parameters.map((p) => p.name)).toEqual(names);
});

test("every parameter has the value the Docker redis.conf uses", () => {
  const conf = renderRedisConf({
    nodeMemoryBytes: 1024 ** 3,
    password: "A-valid-password-0123",
    cluster: {},
  });
  for (const { name, value } of elasticacheParameters({ clusterMode: true })) {
    expect(conf).toMatch(new RegExp(`^${name} ${value}$`, "m"));
  }
});
