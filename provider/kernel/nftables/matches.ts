// The statements our rules are made of, as expressions, written the way nft writes the same statements
// (checked against `nft --debug=netlink` of nftables 1.0.6), so that `nft list ruleset` prints our rules as
// ordinary nft syntax: `iifname "lab0" ip saddr 10.0.0.0/24 oifname != "lab0" counter accept`. Pure.
import {
  IFNAMSIZ,
  NF_ACCEPT,
  NF_NAT_RANGE_PROTO_SPECIFIED,
  NFPROTO_IPV4,
  NFPROTO_IPV6,
  NFT_CMP_EQ,
  NFT_CMP_NEQ,
  NFT_CT_STATE,
  NFT_META_IIFNAME,
  NFT_META_L4PROTO,
  NFT_META_NFPROTO,
  NFT_META_OIFNAME,
  NFT_PAYLOAD_NETWORK_HEADER,
  NFT_REG_1,
  NFT_REG_2,
} from "./constants";
import type { Expression } from "./expressions";

export type IpVersion = 4 | 6;

/** An address prefix: the network's bytes (4 or 16, no host bits) and its length. */
export interface Prefix {
  version: IpVersion;
  network: Uint8Array;
  length: number;
}

/** Where source and destination addresses sit in the IPv4 and IPv6 headers (RFC 791, RFC 8200). */
const ADDRESS_OFFSET: Record<IpVersion, { source: number; destination: number; bytes: number }> = {
  4: { source: 12, destination: 16, bytes: 4 },
  6: { source: 8, destination: 24, bytes: 16 },
};

/** IPPROTO_TCP and IPPROTO_UDP (linux/in.h). */
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** `meta nfproto ipv4|ipv6`: in an inet table, what makes the address offsets below mean what they say. */
export function matchIpVersion(version: IpVersion): Expression[] {
  return [
    { kind: "meta", key: NFT_META_NFPROTO, register: NFT_REG_1 },
    { kind: "cmp", op: NFT_CMP_EQ, register: NFT_REG_1, data: Buffer.from([version === 4 ? NFPROTO_IPV4 : NFPROTO_IPV6]) },
  ];
}

/** `iifname "X"`, `oifname != "X"`: the name NUL-padded to IFNAMSIZ, as nft compares an exact name. */
export function matchInterface(direction: "input" | "output", name: string, equal: boolean): Expression[] {
  const bytes = Buffer.from(name, "utf8");
  if (bytes.length === 0 || bytes.length >= IFNAMSIZ || bytes.includes(0)) {
    throw new RangeError(`interface name ${JSON.stringify(name)}: 1 to ${IFNAMSIZ - 1} bytes without NUL`);
  }
  const padded = Buffer.alloc(IFNAMSIZ);
  bytes.copy(padded);
  return [
    { kind: "meta", key: direction === "input" ? NFT_META_IIFNAME : NFT_META_OIFNAME, register: NFT_REG_1 },
    { kind: "cmp", op: equal ? NFT_CMP_EQ : NFT_CMP_NEQ, register: NFT_REG_1, data: padded },
  ];
}

/**
 * `ip saddr 10.0.0.0/24`, `ip6 daddr fd00::/60`, preceded by the IP version match. As nft does: a prefix of
 * whole bytes loads just those bytes; any other loads the whole address and masks it; /0 matches every
 * address of the version.
 */
export function matchPrefix(direction: "source" | "destination", prefix: Prefix): Expression[] {
  const layout = ADDRESS_OFFSET[prefix.version];
  if (prefix.network.length !== layout.bytes || prefix.length < 0 || prefix.length > layout.bytes * 8) {
    throw new RangeError(`an IPv${prefix.version} prefix has ${layout.bytes} bytes and a length of 0 to ${layout.bytes * 8}`);
  }
  const mask = Buffer.alloc(layout.bytes);
  for (let bit = 0; bit < prefix.length; bit++) mask[bit >> 3] = (mask[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  const network = Buffer.from(prefix.network);
  if (network.some((byte, index) => (byte & ~(mask[index] ?? 0) & 0xff) !== 0)) {
    throw new RangeError(`IPv${prefix.version} prefix /${prefix.length} has host bits set`);
  }
  const version = matchIpVersion(prefix.version);
  if (prefix.length === 0) return version;
  const offset = direction === "source" ? layout.source : layout.destination;
  if (prefix.length % 8 === 0) {
    const bytes = prefix.length / 8;
    return [
      ...version,
      { kind: "payload", base: NFT_PAYLOAD_NETWORK_HEADER, offset, length: bytes, register: NFT_REG_1 },
      { kind: "cmp", op: NFT_CMP_EQ, register: NFT_REG_1, data: network.subarray(0, bytes) },
    ];
  }
  return [
    ...version,
    { kind: "payload", base: NFT_PAYLOAD_NETWORK_HEADER, offset, length: layout.bytes, register: NFT_REG_1 },
    { kind: "bitwise", source: NFT_REG_1, destination: NFT_REG_1, mask, xor: Buffer.alloc(layout.bytes) },
    { kind: "cmp", op: NFT_CMP_EQ, register: NFT_REG_1, data: network },
  ];
}

/** `ct state established,related` (or any set of NF_CT_STATE_*_BIT): a host-order u32 bit test. */
export function matchConntrackState(bits: number): Expression[] {
  const mask = Buffer.alloc(4);
  mask.writeUInt32LE(bits);
  return [
    { kind: "ct", key: NFT_CT_STATE, register: NFT_REG_1 },
    { kind: "bitwise", source: NFT_REG_1, destination: NFT_REG_1, mask, xor: Buffer.alloc(4) },
    { kind: "cmp", op: NFT_CMP_NEQ, register: NFT_REG_1, data: Buffer.alloc(4) },
  ];
}

/** `meta l4proto tcp`. */
export function matchTransport(protocol: number): Expression[] {
  return [
    { kind: "meta", key: NFT_META_L4PROTO, register: NFT_REG_1 },
    { kind: "cmp", op: NFT_CMP_EQ, register: NFT_REG_1, data: Buffer.from([protocol]) },
  ];
}

export function counter(): Expression[] {
  return [{ kind: "counter" }];
}

export function accept(): Expression[] {
  return [{ kind: "verdict", code: NF_ACCEPT }];
}

/**
 * `masquerade`, or `masquerade to :MIN-MAX` (source ports mapped into the range; only meaningful after a
 * transport match): the ports travel in two registers, network order, as nft loads them.
 */
export function masquerade(ports?: { min: number; max: number }): Expression[] {
  if (ports === undefined) return [{ kind: "masquerade", flags: 0 }];
  const port = (value: number): Buffer => {
    const data = Buffer.alloc(2);
    data.writeUInt16BE(value);
    return data;
  };
  return [
    { kind: "immediate", register: NFT_REG_1, data: port(ports.min) },
    { kind: "immediate", register: NFT_REG_2, data: port(ports.max) },
    { kind: "masquerade", flags: NF_NAT_RANGE_PROTO_SPECIFIED, protoMinRegister: NFT_REG_1, protoMaxRegister: NFT_REG_2 },
  ];
}
