// Network prefixes as sources of traffic to masquerade or forward: "10.0.0.0/24", "fd00:1::/64". Parsed,
// refused with a reason when no lab's traffic can come from them, and ordered. Pure.
import { formatAddress, parseCidr, type ParsedCidr } from "../../model/ip";

/** Ranges no forwarded packet's source lies in, with why (RFC 6890's special-purpose registries). */
const NEVER_FORWARDED: [string, string][] = [
  ["127.0.0.0/8", "a loopback prefix: loopback traffic never leaves the host"],
  ["169.254.0.0/16", "a link-local prefix (RFC 3927): link-local traffic is never forwarded"],
  ["224.0.0.0/4", "a multicast prefix: no packet comes from a multicast address"],
  ["fe80::/10", "a link-local prefix (RFC 4291): link-local traffic is never forwarded"],
  ["ff00::/8", "a multicast prefix: no packet comes from a multicast address"],
];

/** The first `length` bits of `bytes`, the rest cleared. */
export function maskedTo(bytes: Uint8Array, length: number): Uint8Array {
  return bytes.map((byte, index) => byte & ((0xff00 >> Math.min(8, Math.max(0, length - index * 8))) & 0xff));
}

/** Whether `inner` lies within `outer`: the same family, no shorter, the same first bits. */
export function prefixWithin(inner: ParsedCidr, outer: ParsedCidr): boolean {
  if (inner.family !== outer.family || inner.prefixLength < outer.prefixLength) return false;
  const mine = maskedTo(inner.bytes, outer.prefixLength);
  const theirs = maskedTo(outer.bytes, outer.prefixLength);
  return mine.every((byte, index) => byte === theirs[index]);
}

/** Why `text` cannot be a source prefix, or the prefix. */
export function parseSourcePrefix(text: string): ParsedCidr | string {
  const parsed = parseCidr(text);
  if (parsed === "format") return `"${text}" is not a prefix like "10.0.0.0/24" or "fd00:1::/64"`;
  if (parsed === "address") return `"${text}" does not start with an IPv4 or IPv6 address`;
  if (parsed === "prefix") return `"${text}" has a prefix length outside 0–32 (IPv4) or 0–128 (IPv6)`;
  const network = maskedTo(parsed.bytes, parsed.prefixLength);
  const canonical = `${formatAddress(parsed.family, network)}/${parsed.prefixLength}`;
  if (network.some((byte, index) => byte !== parsed.bytes[index])) {
    return `"${text}" has host bits set beyond its /${parsed.prefixLength} prefix; the network is ${canonical}`;
  }
  if (parsed.prefixLength === 0) return `"${text}" is every ${parsed.family === 4 ? "IPv4" : "IPv6"} address: name the lab's own prefix, e.g. "10.0.0.0/24"`;
  const mapped = parsed.family === 6 && parsed.prefixLength >= 96 && network.subarray(0, 10).every((byte) => byte === 0) && network[10] === 0xff && network[11] === 0xff;
  if (mapped) {
    return `"${text}" is an IPv4-mapped IPv6 prefix, which no packet on the wire carries: write the IPv4 prefix, ${formatAddress(4, network.subarray(12))}/${parsed.prefixLength - 96}`;
  }
  const special = NEVER_FORWARDED.find(([range]) => {
    const outer = parseCidr(range);
    return typeof outer !== "string" && prefixWithin(parsed, outer);
  });
  if (special !== undefined) return `"${text}" is ${special[1]}`;
  return { ...parsed, bytes: network };
}

/** Canonical text of a parsed prefix: "10.0.0.0/24", "fd00:1::/64". */
export function formatPrefix(prefix: ParsedCidr): string {
  return `${formatAddress(prefix.family, prefix.bytes)}/${prefix.prefixLength}`;
}

/** IPv4 before IPv6, then by address, then shorter first: one order for any set of prefixes. */
export function comparePrefixes(a: ParsedCidr, b: ParsedCidr): number {
  if (a.family !== b.family) return a.family - b.family;
  for (let index = 0; index < a.bytes.length; index++) {
    const difference = (a.bytes[index] ?? 0) - (b.bytes[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.prefixLength - b.prefixLength;
}
