// The AWS network layout. The Docker target has no choices here: it always gets one internal
// network for data services and one edge network, named after the stack.
import { integer, ipv4Cidr, oneOf, section } from "../fields";

export const networkSchema = section(
  {
    vpcCidr: ipv4Cidr(16, 22)
      .default("10.20.0.0/16")
      .describe("VPC address range; split into one public and one private subnet per AZ."),
    availabilityZones: integer(2, 3)
      .default(2)
      .describe("How many availability zones the VPC spans (prod needs 3)."),
    natGateways: oneOf(["single", "perAz"])
      .default("single")
      .describe("One shared NAT gateway, or one per AZ so an AZ outage cannot cut the others off."),
  },
  "VPC layout.",
);
