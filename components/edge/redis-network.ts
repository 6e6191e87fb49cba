// The backend's seat on the Redis cluster network (Docker, `redis.layout: cluster`): checked before
// DockerEdge creates anything, then turned into the backend's extra network attachment.
import type * as docker from "@pulumi/docker";
import { isIpv4 } from "../redis/validate";
import type { RedisClientNetwork } from "./contract";

/** Throws, naming the field and what is allowed, when `redisNetwork` cannot be attached. */
export function validateRedisClientNetwork(
  owner: string,
  network: RedisClientNetwork | undefined,
  dataNetworkName: unknown,
): void {
  if (network === undefined) return;
  if (!isIpv4(network.address)) {
    throw new Error(
      `${owner}: redisNetwork.address must be an IPv4 address such as 192.168.254.28 (got "${network.address}")`,
    );
  }
  // Only names known now can be compared; the stack passes this only in the cluster layout.
  if (typeof network.name === "string" && network.name === dataNetworkName) {
    throw new Error(
      `${owner}: redisNetwork.name must be the Redis cluster network, not dataNetworkName "${network.name}": the backend is on that one already (leave redisNetwork out)`,
    );
  }
}

/** The backend's attachments for Redis: none when Redis is on the data network. */
export function redisClientAttachments(
  network: RedisClientNetwork | undefined,
): docker.types.input.ContainerNetworksAdvanced[] {
  return network === undefined ? [] : [{ name: network.name, ipv4Address: network.address }];
}
