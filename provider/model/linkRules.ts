// Cross-field rules every link resource shares. Pure.
import type { CrossFieldRule } from "./check";

/** IPv6 needs an MTU of at least 1280 (RFC 8200); below it the kernel disables IPv6 on the device. */
export const IPV6_MIN_MTU = 1280;

export const ipv6NeedsMinimumMtu: CrossFieldRule<{ mtu?: number; addresses?: string[] }> = (value, unknown) => {
  if (unknown.has("mtu") || value.mtu === undefined || value.mtu >= IPV6_MIN_MTU) return [];
  const ipv6 = (value.addresses ?? []).find((address) => address.includes(":"));
  if (ipv6 === undefined) return [];
  return [
    {
      property: "mtu",
      reason: `IPv6 address ${ipv6} needs an MTU of at least ${IPV6_MIN_MTU}; the kernel turns IPv6 off on links with a smaller MTU (got ${value.mtu})`,
    },
  ];
};
