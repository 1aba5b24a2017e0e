// IFLA_LINKINFO → IFLA_INFO_DATA of a VXLAN device: the IFLA_VXLAN_* attributes as the kernel's
// drivers/net/vxlan/vxlan_core.c reads them (vxlan_nl2conf) and reports them (vxlan_fill_info), numbered as in
// include/uapi/linux/if_link.h. decodeLink reads them into Link.vxlan; vxlan.ts writes the requests. Pure.
//
// Byte order: IFLA_VXLAN_PORT and IFLA_VXLAN_PORT_RANGE are network byte order (NLA_BE16), addresses are bytes
// as on the wire, everything else is host order. Objects here hold ports as plain numbers.
import { attribute, type AttributeInput, attributeMap, NetlinkFormatError, readU32, readU8 } from "./codec";

export const IFLA_VXLAN_ID = 1;
export const IFLA_VXLAN_GROUP = 2;
export const IFLA_VXLAN_LINK = 3;
export const IFLA_VXLAN_LOCAL = 4;
export const IFLA_VXLAN_TTL = 5;
export const IFLA_VXLAN_TOS = 6;
export const IFLA_VXLAN_LEARNING = 7;
export const IFLA_VXLAN_AGEING = 8;
export const IFLA_VXLAN_LIMIT = 9;
export const IFLA_VXLAN_PORT_RANGE = 10;
export const IFLA_VXLAN_PROXY = 11;
export const IFLA_VXLAN_RSC = 12;
export const IFLA_VXLAN_L2MISS = 13;
export const IFLA_VXLAN_L3MISS = 14;
export const IFLA_VXLAN_PORT = 15;
export const IFLA_VXLAN_GROUP6 = 16;
export const IFLA_VXLAN_LOCAL6 = 17;
export const IFLA_VXLAN_UDP_CSUM = 18;
export const IFLA_VXLAN_COLLECT_METADATA = 25;
export const IFLA_VXLAN_TTL_INHERIT = 28;
export const IFLA_VXLAN_DF = 29;
export const IFLA_VXLAN_LOCALBYPASS = 31;

export const VXLAN_KIND = "vxlan";

/** An underlay address: 4 bytes (IPv4) or 16 (IPv6), as on the wire. */
export type UnderlayAddress = Buffer;

/** What this provider sets on a VXLAN device; the kernel's defaults stand for the rest. */
export interface VxlanSettings {
  vni: number;
  /** The UDP destination port, host order here. */
  port: number;
  /** IFLA_VXLAN_LOCAL / LOCAL6: the source address of encapsulated packets. */
  local?: UnderlayAddress;
  /** IFLA_VXLAN_GROUP / GROUP6: a multicast group (or single remote) as the default destination. */
  group?: UnderlayAddress;
  /** IFLA_VXLAN_LINK: the ifindex of the underlay device. */
  underlayIndex?: number;
  /** 0 lets the kernel choose: the route's hop limit (1 towards a multicast group). */
  ttl: number;
  learning: boolean;
}

/** Everything vxlan_fill_info reports that a read compares or shows. */
export interface VxlanLinkData extends VxlanSettings {
  /** 4 or 6 when an address attribute said so; the kernel reports neither an unset local nor an unset group. */
  family?: 4 | 6;
  tos: number;
  ttlInherit: boolean;
  /** 0 unset, 1 set, 2 inherit (enum ifla_vxlan_df). */
  df: number;
  /** Seconds a learned entry lives. */
  ageing: number;
  /** The most FDB entries the device takes (0: no limit). */
  limit: number;
  sourcePortRange: { low: number; high: number };
  proxy: boolean;
  rsc: boolean;
  l2miss: boolean;
  l3miss: boolean;
  udpChecksum: boolean;
  collectMetadata: boolean;
  /** Absent on kernels before 6.7. */
  localBypass?: boolean;
}

export function u16be(type: number, value: number): AttributeInput {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(value);
  return { type, value: payload };
}

/** IFLA_VXLAN_LOCAL or LOCAL6 (GROUP or GROUP6), by the address's length. */
export function addressAttribute(v4Type: number, v6Type: number, address: UnderlayAddress): AttributeInput {
  if (address.length !== 4 && address.length !== 16) throw new NetlinkFormatError(`an underlay address is 4 or 16 bytes, got ${address.length}`);
  return attribute.bytes(address.length === 4 ? v4Type : v6Type, address);
}

/** IFLA_INFO_DATA of a VXLAN device, as decodeLink finds it inside IFLA_LINKINFO. */
export function decodeVxlanInfoData(payload: Buffer): VxlanLinkData {
  const data = attributeMap(payload);
  const vni = data.get(IFLA_VXLAN_ID);
  const port = data.get(IFLA_VXLAN_PORT);
  if (vni === undefined || port === undefined) throw new NetlinkFormatError("vxlan link data lacks IFLA_VXLAN_ID or IFLA_VXLAN_PORT");
  const u8 = (type: number): number => optional(data.get(type), readU8) ?? 0;
  const flag = (type: number): boolean => u8(type) !== 0;
  const decoded: VxlanLinkData = {
    vni: readU32(vni),
    port: readU16BE(port),
    ttl: u8(IFLA_VXLAN_TTL),
    learning: flag(IFLA_VXLAN_LEARNING),
    tos: u8(IFLA_VXLAN_TOS),
    ttlInherit: flag(IFLA_VXLAN_TTL_INHERIT),
    df: u8(IFLA_VXLAN_DF),
    ageing: optional(data.get(IFLA_VXLAN_AGEING), readU32) ?? 0,
    limit: optional(data.get(IFLA_VXLAN_LIMIT), readU32) ?? 0,
    sourcePortRange: decodePortRange(data.get(IFLA_VXLAN_PORT_RANGE)),
    proxy: flag(IFLA_VXLAN_PROXY),
    rsc: flag(IFLA_VXLAN_RSC),
    l2miss: flag(IFLA_VXLAN_L2MISS),
    l3miss: flag(IFLA_VXLAN_L3MISS),
    udpChecksum: flag(IFLA_VXLAN_UDP_CSUM),
    collectMetadata: flag(IFLA_VXLAN_COLLECT_METADATA),
  };
  const local = data.get(IFLA_VXLAN_LOCAL) ?? data.get(IFLA_VXLAN_LOCAL6);
  const group = data.get(IFLA_VXLAN_GROUP) ?? data.get(IFLA_VXLAN_GROUP6);
  if (local !== undefined) decoded.local = Buffer.from(local);
  if (group !== undefined) decoded.group = Buffer.from(group);
  const family = local?.length ?? group?.length;
  if (family !== undefined) decoded.family = family === 4 ? 4 : 6;
  const underlayIndex = optional(data.get(IFLA_VXLAN_LINK), readU32);
  if (underlayIndex !== undefined) decoded.underlayIndex = underlayIndex;
  const localBypass = data.get(IFLA_VXLAN_LOCALBYPASS);
  if (localBypass !== undefined) decoded.localBypass = readU8(localBypass) !== 0;
  return decoded;
}

function readU16BE(payload: Buffer): number {
  if (payload.length < 2) throw new NetlinkFormatError(`be16 attribute needs 2 bytes, got ${payload.length}`);
  return payload.readUInt16BE(0);
}

/** struct ifla_vxlan_port_range: two be16, low then high (0 and 0: the kernel's ephemeral range). */
function decodePortRange(payload: Buffer | undefined): { low: number; high: number } {
  if (payload === undefined) return { low: 0, high: 0 };
  if (payload.length < 4) throw new NetlinkFormatError(`IFLA_VXLAN_PORT_RANGE needs 4 bytes, got ${payload.length}`);
  return { low: payload.readUInt16BE(0), high: payload.readUInt16BE(2) };
}

function optional<T>(payload: Buffer | undefined, read: (payload: Buffer) => T): T | undefined {
  return payload === undefined ? undefined : read(payload);
}
