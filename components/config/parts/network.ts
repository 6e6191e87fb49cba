// Network layout. Only the AWS target has choices here: the Docker target always gets one
// internal network for data services and one edge network, named after the stack.
import { z } from "zod";
import { integer, ipv4Cidr, oneOf } from "../fields";

export const networkSchema = z
  .strictObject({
    vpcCidr: ipv4Cidr(16, 22)
      .default("10.20.0.0/16")
      .describe("VPC address range; split into one public and one private subnet per AZ (aws)."),
    availabilityZones: integer(2, 3)
      .default(2)
      .describe("How many availability zones the VPC spans (aws; prod needs 3)."),
    natGateways: oneOf(["single", "perAz"])
      .default("single")
      .describe(
        "One shared NAT gateway, or one per AZ so an AZ outage cannot cut the others off (aws).",
      ),
  })
  .prefault({})
  .describe("VPC layout (aws only).");

export type NetworkConfig = z.output<typeof networkSchema>;
