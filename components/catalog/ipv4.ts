// IPv4 addresses and CIDR blocks as numbers: the VPC's subnet plan, the Redis cluster network's
// fixed addresses, and the parts that check an address they are given.

/** Whether text is a dotted-quad IPv4 address (what Docker's `ipv4Address` takes). */
export function isIpv4(text: string): boolean {
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  return octets !== null && octets.slice(1).every((o) => Number(o) <= 255);
}

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
