// Carves the VPC range into per-AZ subnets: sixteen equal blocks, public subnets from block 0 and
// private subnets from block 8, so adding an AZ later never renumbers an existing subnet.

function toInt(address: string): number {
  return address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function toAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export interface SubnetPlan {
  readonly publicCidrs: readonly string[];
  readonly privateCidrs: readonly string[];
}

/** Public and private subnet CIDRs for `azCount` zones (at most 8) inside `vpcCidr`. */
export function planSubnets(vpcCidr: string, azCount: number): SubnetPlan {
  const [address, prefixText] = vpcCidr.split("/");
  const prefix = Number(prefixText);
  if (azCount < 1 || azCount > 8) {
    throw new Error(`azCount must be from 1 to 8 (got ${azCount})`);
  }
  const subnetPrefix = prefix + 4;
  if (subnetPrefix > 28) {
    throw new Error(`vpcCidr ${vpcCidr} is too small to split into /${subnetPrefix} subnets`);
  }
  const size = 2 ** (32 - subnetPrefix);
  const base = toInt(address) - (toInt(address) % 2 ** (32 - prefix));
  const block = (index: number) => `${toAddress(base + index * size)}/${subnetPrefix}`;
  const zones = Array.from({ length: azCount }, (_, i) => i);
  return {
    publicCidrs: zones.map((i) => block(i)),
    privateCidrs: zones.map((i) => block(8 + i)),
  };
}
