// Cross-field rules every link resource shares. Pure.
import type { CrossFieldRule } from "./check";

/** IPv6 needs an MTU of at least 1280 (RFC 8200); below it the kernel disables IPv6 on the device. */
export const IPV6_MIN_MTU = 1280;

/** Why these addresses cannot be on a link of this MTU, or undefined when they can. */
export function ipv6MtuProblem(mtu: number, addresses: readonly string[]): string | undefined {
  if (mtu >= IPV6_MIN_MTU) return undefined;
  const ipv6 = addresses.find((address) => address.includes(":"));
  if (ipv6 === undefined) return undefined;
  return `IPv6 address ${ipv6} needs an MTU of at least ${IPV6_MIN_MTU}; the kernel turns IPv6 off on links with a smaller MTU`;
}

export const ipv6NeedsMinimumMtu: CrossFieldRule<{ mtu?: number; addresses?: string[] }> = (value, unknown) => {
  if (unknown.has("mtu") || value.mtu === undefined) return [];
  const problem = ipv6MtuProblem(value.mtu, value.addresses ?? []);
  return problem === undefined ? [] : [{ property: "mtu", reason: `${problem} (got ${value.mtu})` }];
};
