// What the backend needs to reach the data tier, from the MySQL and Redis parts' outputs: hosts,
// ports and names as environment variables, the password and AUTH token as secret files. The
// environment builders pass the result to the edge as `backend`; each edge adds where uploaded
// files go (edge/docker.ts: `UPLOADS_DIR`; edge/aws-app-hosts.ts: `UPLOADS_BUCKET`, `AWS_REGION`).
import * as pulumi from "@pulumi/pulumi";
import type { MysqlClusterOutputs } from "../mysql/contract";
import type { RedisClusterOutputs } from "../redis/contract";
import type { BackendSettings } from "../edge/contract";

const text = (value: pulumi.Input<number | boolean>) => pulumi.output(value).apply(String);

export function backendSettingsFrom(parts: {
  readonly mysql?: MysqlClusterOutputs;
  readonly redis?: RedisClusterOutputs;
}): BackendSettings {
  const environment: Record<string, pulumi.Input<string>> = {};
  const secrets: Record<string, pulumi.Input<string>> = {};
  const { mysql, redis } = parts;
  if (mysql) {
    environment.DATABASE_HOST = mysql.writeEndpoint;
    environment.DATABASE_READ_HOST = mysql.readEndpoint;
    environment.DATABASE_PORT = text(mysql.port);
    environment.DATABASE_NAME = mysql.database;
    environment.DATABASE_USER = mysql.username;
    secrets.DATABASE_PASSWORD = mysql.password;
  }
  if (redis) {
    environment.REDIS_HOST = redis.endpoint;
    environment.REDIS_PORT = text(redis.port);
    environment.REDIS_TLS = text(redis.tls);
    secrets.REDIS_AUTH_TOKEN = redis.authToken;
  }
  return { environment, secrets };
}
