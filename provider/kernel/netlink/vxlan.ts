// RTM_*LINK messages of kind "vxlan": the IFLA_VXLAN_* attributes inside IFLA_LINKINFO → IFLA_INFO_DATA, as
// the kernel's drivers/net/vxlan/vxlan_core.c reads them (vxlan_nl2conf) and reports them (vxlan_fill_info),
// numbered as in include/uapi/linux/if_link.h. Pure.
//
// Byte order: IFLA_VXLAN_PORT and IFLA_VXLAN_PORT_RANGE are network byte order (NLA_BE16), addresses are bytes
// as on the wire, everything else is host order. Objects here hold ports as plain numbers.
import { attribute, type AttributeInput, attributeMap, NetlinkFormatError, readString, readU32, readU8 } from "./codec";
import { IFINFOMSG_LENGTH, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU } from "./constants";
import { linkPayload } from "./link";

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

/** VXLAN_N_VID: the VNI is 24 bits (the kernel refuses 1 << 24 and above with ERANGE). */
export const VXLAN_VNI_LIMIT = 1 << 24;

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

export interface NewVxlanRequest extends VxlanSettings {
  /** A "%d" template lets the kernel pick. */
  name: string;
  /** Absent: the kernel's choice (the underlay's MTU less the encapsulation, or 1500 without an underlay). */
  mtu?: number;
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

function u16be(type: number, value: number): AttributeInput {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(value);
  return { type, value: payload };
}

function addressAttribute(v4Type: number, v6Type: number, address: UnderlayAddress): AttributeInput {
  if (address.length !== 4 && address.length !== 16) throw new NetlinkFormatError(`an underlay address is 4 or 16 bytes, got ${address.length}`);
  return attribute.bytes(address.length === 4 ? v4Type : v6Type, address);
}

function linkInfo(data: readonly AttributeInput[]): AttributeInput {
  return attribute.nested(IFLA_LINKINFO, [attribute.string(IFLA_INFO_KIND, VXLAN_KIND), attribute.nested(IFLA_INFO_DATA, data)]);
}

/**
 * RTM_NEWLINK (NLM_F_CREATE) payload, as `ip link add NAME type vxlan id VNI dstport PORT [local …] [group …]
 * [dev …] ttl … [no]learning` sends it. Learning is always spelled out: the kernel turns it on when absent.
 */
export function newVxlanPayload(request: NewVxlanRequest): Buffer {
  if (!Number.isInteger(request.vni) || request.vni < 0 || request.vni >= VXLAN_VNI_LIMIT) throw new RangeError(`VNI ${request.vni} is not a 24-bit number`);
  const data: AttributeInput[] = [attribute.u32(IFLA_VXLAN_ID, request.vni), u16be(IFLA_VXLAN_PORT, request.port)];
  if (request.local !== undefined) data.push(addressAttribute(IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6, request.local));
  if (request.group !== undefined) data.push(addressAttribute(IFLA_VXLAN_GROUP, IFLA_VXLAN_GROUP6, request.group));
  if (request.underlayIndex !== undefined) data.push(attribute.u32(IFLA_VXLAN_LINK, request.underlayIndex));
  data.push(attribute.u8(IFLA_VXLAN_TTL, request.ttl), attribute.u8(IFLA_VXLAN_LEARNING, request.learning ? 1 : 0));
  const top: AttributeInput[] = [attribute.string(IFLA_IFNAME, request.name)];
  if (request.mtu !== undefined) top.push(attribute.u32(IFLA_MTU, request.mtu));
  return linkPayload({}, [...top, linkInfo(data)]);
}

/**
 * The settings the kernel changes on an existing device (vxlan_changelink). Others — the VNI, the destination
 * port, the UDP checksum, the source port range, an address of the other family — it refuses with EOPNOTSUPP:
 * those need a new device.
 */
export type VxlanChange =
  /** An all-zero address of the device's family removes it. */
  | { kind: "local"; address: UnderlayAddress }
  | { kind: "group"; address: UnderlayAddress }
  /** 0 unbinds the underlay device. */
  | { kind: "underlay"; index: number }
  | { kind: "ttl"; ttl: number }
  | { kind: "learning"; learning: boolean };

function changeAttribute(change: VxlanChange): AttributeInput {
  switch (change.kind) {
    case "local":
      return addressAttribute(IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6, change.address);
    case "group":
      return addressAttribute(IFLA_VXLAN_GROUP, IFLA_VXLAN_GROUP6, change.address);
    case "underlay":
      return attribute.u32(IFLA_VXLAN_LINK, change.index);
    case "ttl":
      return attribute.u8(IFLA_VXLAN_TTL, change.ttl);
    case "learning":
      return attribute.u8(IFLA_VXLAN_LEARNING, change.learning ? 1 : 0);
  }
}

/**
 * One RTM_NEWLINK carrying every change in IFLA_INFO_DATA. The kernel validates the new configuration whole
 * before applying any of it (vxlan_changelink), so the request succeeds or changes nothing. Nothing else may
 * travel with it: vxlan_nl2conf refuses IFLA_MTU next to IFLA_INFO_DATA ("Cannot change mtu").
 */
export function changeVxlanPayload(index: number, changes: readonly VxlanChange[]): Buffer {
  return linkPayload({ index }, [linkInfo(changes.map(changeAttribute))]);
}

export function describeVxlanChange(change: VxlanChange): string {
  switch (change.kind) {
    case "local":
      return change.address.every((byte) => byte === 0) ? "remove local" : `set local ${describeUnderlayAddress(change.address)}`;
    case "group":
      return change.address.every((byte) => byte === 0) ? "remove group" : `set group ${describeUnderlayAddress(change.address)}`;
    case "underlay":
      return change.index === 0 ? "unbind underlay device" : `set dev (ifindex ${change.index})`;
    case "ttl":
      return change.ttl === 0 ? "set ttl auto" : `set ttl ${change.ttl}`;
    case "learning":
      return change.learning ? "set learning" : "set nolearning";
  }
}

/** Dotted quad, or eight hex groups: enough to name an address in an error (the model prints canonical text). */
export function describeUnderlayAddress(address: UnderlayAddress): string {
  if (address.length === 4) return [...address].join(".");
  const groups: string[] = [];
  for (let offset = 0; offset < address.length; offset += 2) groups.push(address.readUInt16BE(offset).toString(16));
  return groups.join(":");
}

// ------------------------------------------------------------------------------------------- decoding

/**
 * The VXLAN data of an RTM_NEWLINK message's payload (ifinfomsg and attributes), or undefined when the link is
 * not a VXLAN device. Read beside decodeLink, which reads what every link has.
 */
export function decodeVxlanData(linkMessagePayload: Buffer): VxlanLinkData | undefined {
  if (linkMessagePayload.length < IFINFOMSG_LENGTH) throw new NetlinkFormatError(`ifinfomsg needs ${IFINFOMSG_LENGTH} bytes, got ${linkMessagePayload.length}`);
  const info = attributeMap(linkMessagePayload.subarray(IFINFOMSG_LENGTH)).get(IFLA_LINKINFO);
  if (info === undefined) return undefined;
  const infoAttributes = attributeMap(info);
  const kind = infoAttributes.get(IFLA_INFO_KIND);
  const data = infoAttributes.get(IFLA_INFO_DATA);
  if (kind === undefined || readString(kind) !== VXLAN_KIND || data === undefined) return undefined;
  return decodeInfoData(attributeMap(data));
}

function decodeInfoData(data: Map<number, Buffer>): VxlanLinkData {
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
