// RTM_*NEIGH messages of family AF_BRIDGE: forwarding database (FDB) entries of a device, as `bridge fdb`
// sends and reads them (iproute2 bridge/fdb.c) — struct ndmsg, then NDA_* attributes (include/uapi/linux/
// neighbour.h). Pure.
//
// On a VXLAN device an entry maps a MAC address to remote tunnel endpoints (drivers/net/vxlan/vxlan_core.c).
// The all-zero MAC is the default destination: every frame with no better entry (broadcast, unknown unicast,
// multicast) is sent to each remote listed under it — head-end replication. `bridge fdb append
// 00:00:00:00:00:00 dst PEER dev vx0` adds one remote there.
import { attribute, type AttributeInput, attributeMap, encodeAttributes, NetlinkFormatError, readU32 } from "./codec";

export const RTM_NEWNEIGH = 28;
export const RTM_DELNEIGH = 29;
export const RTM_GETNEIGH = 30;

/** PF_BRIDGE (include/linux/socket.h). */
export const AF_BRIDGE = 7;
/** NLM_F_APPEND: add to the list of remotes of an existing entry instead of refusing or replacing. */
export const NLM_F_APPEND = 0x800;

export const NDA_DST = 1;
export const NDA_LLADDR = 2;
export const NDA_PORT = 6;
export const NDA_VNI = 7;
export const NDA_IFINDEX = 8;
export const NDA_MASTER = 9;
/** Who made an entry — kept by the IPv4/IPv6 neighbour tables, accepted and dropped on a VXLAN FDB entry. */
export const NDA_PROTOCOL = 12;

export const NTF_SELF = 0x02;

export const NUD_NOARP = 0x40;
export const NUD_PERMANENT = 0x80;

export const NDMSG_LENGTH = 12;

const ALL_ZERO_MAC = Buffer.alloc(6);

/** One remote of an entry: where frames go, and how, when the attribute differs from the device's own. */
export interface FdbRemote {
  /** NDA_DST: 4 or 16 bytes. */
  destination: Buffer;
  /** NDA_PORT, host order here; absent: the device's destination port. */
  port?: number;
  /** NDA_VNI; absent: the device's VNI. */
  vni?: number;
  /** NDA_IFINDEX: the device to send by; absent: the route's. */
  outputIndex?: number;
}

/** One remote of one entry as the kernel dumps it (each remote of an entry is a message of its own). */
export interface FdbEntry extends Omit<FdbRemote, "destination"> {
  /** Absent for an entry that sends to a nexthop group (NDA_NH_ID) instead. */
  destination?: Buffer;
  /** ndm_ifindex: the device the entry belongs to. */
  index: number;
  macAddress: Buffer;
  /** NUD_* */
  state: number;
  /** NTF_*: NTF_SELF for the device's own table; its bridge's entries for it carry NDA_MASTER instead. */
  flags: number;
  /** NDA_MASTER: the bridge, for an entry of the bridge's table. */
  master?: number;
}

interface NeighbourHeader {
  family: number;
  index: number;
  state: number;
  flags: number;
}

function encodeNeighbourHeader(header: NeighbourHeader): Buffer {
  const encoded = Buffer.alloc(NDMSG_LENGTH);
  encoded.writeUInt8(header.family, 0);
  // ndm_pad1 u8, ndm_pad2 u16 stay 0 (strict checking refuses anything else in dump requests).
  encoded.writeInt32LE(header.index, 4);
  encoded.writeUInt16LE(header.state, 8);
  encoded.writeUInt8(header.flags, 10);
  // ndm_type 0.
  return encoded;
}

function remoteAttributes(remote: FdbRemote): AttributeInput[] {
  if (remote.destination.length !== 4 && remote.destination.length !== 16) {
    throw new NetlinkFormatError(`an FDB destination is 4 or 16 bytes, got ${remote.destination.length}`);
  }
  const attributes: AttributeInput[] = [attribute.bytes(NDA_LLADDR, ALL_ZERO_MAC), attribute.bytes(NDA_DST, remote.destination)];
  if (remote.port !== undefined) {
    const port = Buffer.alloc(2);
    port.writeUInt16BE(remote.port);
    attributes.push({ type: NDA_PORT, value: port });
  }
  if (remote.vni !== undefined) attributes.push(attribute.u32(NDA_VNI, remote.vni));
  if (remote.outputIndex !== undefined) attributes.push(attribute.u32(NDA_IFINDEX, remote.outputIndex));
  return attributes;
}

/**
 * RTM_NEWNEIGH payload adding one remote to the all-zero entry of device `index`, as `bridge fdb append
 * 00:00:00:00:00:00 dst …` does: NTF_SELF (the device's own table, not its bridge's), NUD_NOARP | NUD_PERMANENT
 * (a static entry, never aged out). Sent with NLM_F_CREATE | NLM_F_APPEND.
 */
export function appendDefaultRemotePayload(index: number, remote: FdbRemote): Buffer {
  const header = encodeNeighbourHeader({ family: AF_BRIDGE, index, state: NUD_NOARP | NUD_PERMANENT, flags: NTF_SELF });
  return Buffer.concat([header, encodeAttributes(remoteAttributes(remote))]);
}

/**
 * RTM_DELNEIGH payload removing exactly one remote of the all-zero entry: the kernel removes the remote whose
 * destination, port, VNI and output device all match (absent ones meaning the device's own), and the entry
 * with its last remote (__vxlan_fdb_delete). NDA_DST is never left out: without it the kernel would remove
 * the entry with every remote it holds.
 */
export function deleteDefaultRemotePayload(index: number, remote: FdbRemote): Buffer {
  const header = encodeNeighbourHeader({ family: AF_BRIDGE, index, state: 0, flags: NTF_SELF });
  return Buffer.concat([header, encodeAttributes(remoteAttributes(remote))]);
}

/**
 * RTM_GETNEIGH dump request for the FDB entries of one device (ndm_ifindex, which the kernel's strict checking
 * reads as the port to filter on: rtnetlink.c valid_fdb_dump_strict). A device that is a bridge port also
 * gets its bridge's entries for it (with NDA_MASTER).
 */
export function dumpDeviceFdbPayload(index: number): Buffer {
  return encodeNeighbourHeader({ family: AF_BRIDGE, index, state: 0, flags: 0 });
}

/** Decodes an RTM_NEWNEIGH message of family AF_BRIDGE; undefined for other families (ARP, NDP) and for messages naming no MAC. */
export function decodeFdbEntry(payload: Buffer): FdbEntry | undefined {
  if (payload.length < NDMSG_LENGTH) throw new NetlinkFormatError(`ndmsg needs ${NDMSG_LENGTH} bytes, got ${payload.length}`);
  if (payload.readUInt8(0) !== AF_BRIDGE) return undefined;
  const attributes = attributeMap(payload.subarray(NDMSG_LENGTH));
  const mac = attributes.get(NDA_LLADDR);
  // Every entry a dump holds names its MAC (vxlan_fdb_info leaves it out of miss notifications only).
  if (mac === undefined) return undefined;
  const entry: FdbEntry = { index: payload.readInt32LE(4), state: payload.readUInt16LE(8), flags: payload.readUInt8(10), macAddress: Buffer.from(mac) };
  const destination = attributes.get(NDA_DST);
  if (destination !== undefined) entry.destination = Buffer.from(destination);
  const port = attributes.get(NDA_PORT);
  if (port !== undefined) {
    if (port.length < 2) throw new NetlinkFormatError(`NDA_PORT needs 2 bytes, got ${port.length}`);
    entry.port = port.readUInt16BE(0);
  }
  const vni = attributes.get(NDA_VNI);
  if (vni !== undefined) entry.vni = readU32(vni);
  const outputIndex = attributes.get(NDA_IFINDEX);
  if (outputIndex !== undefined) entry.outputIndex = readU32(outputIndex);
  const master = attributes.get(NDA_MASTER);
  if (master !== undefined) entry.master = readU32(master);
  return entry;
}

/** An entry of the device's own table with the all-zero MAC: one remote of the default destination. */
export function isDefaultRemote(entry: FdbEntry): boolean {
  return (entry.flags & NTF_SELF) !== 0 && entry.macAddress.equals(ALL_ZERO_MAC) && entry.destination !== undefined;
}
