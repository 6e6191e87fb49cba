// IPv4 addresses and CIDR blocks as numbers: the VPC's subnet plan and the Redis cluster
// network's fixed addresses.

/** A CIDR block the stack config accepted, as its network address (a number) and prefix. */
export function parseCidr(cidr: string): { base: number; prefix: number } {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const n = address.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
  return { base: n - (n % 2 ** (32 - prefix)), prefix };
}

/** A number as a dotted-quad address. */
export function ipv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}
