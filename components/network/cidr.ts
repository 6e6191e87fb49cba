// Carves the VPC range into per-AZ subnets: sixteen equal blocks, public subnets from block 0 and
// private subnets from block 8, so adding an AZ later never renumbers an existing subnet.
import { ipv4, parseCidr } from "../catalog/ipv4";

/** Public and private subnet CIDRs for `azCount` zones inside `vpcCidr`. */
export function planSubnets(vpcCidr: string, azCount: number) {
  const { base, prefix } = parseCidr(vpcCidr);
  const size = 2 ** (32 - prefix - 4);
  const block = (index: number) => `${ipv4(base + index * size)}/${prefix + 4}`;
  const zones = Array.from({ length: azCount }, (_, i) => i);
  return { publicCidrs: zones.map(block), privateCidrs: zones.map((i) => block(8 + i)) };
}
