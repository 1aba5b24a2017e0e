// RTM_*LINK messages: the ifinfomsg header, the link attributes we write, and the decoding of a link into
// a plain object. Pure.
import {
  attribute,
  type AttributeInput,
  attributeMap,
  encodeAttributes,
  findAttribute,
  NetlinkFormatError,
  parseAttributes,
  readS32,
  readString,
  readU32,
  readU8,
} from "./codec";
import {
  AF_UNSPEC,
  IFF_PROMISC,
  IFF_UP,
  IFINFOMSG_LENGTH,
  IFLA_ADDRESS,
  IFLA_ALT_IFNAME,
  IFLA_BR_FORWARD_DELAY,
  IFLA_BR_STP_STATE,
  IFLA_CARRIER,
  IFLA_EXT_MASK,
  IFLA_GROUP,
  IFLA_IFALIAS,
  IFLA_IFNAME,
  IFLA_INFO_DATA,
  IFLA_INFO_KIND,
  IFLA_INFO_SLAVE_KIND,
  IFLA_LINK,
  IFLA_LINK_NETNSID,
  IFLA_LINKINFO,
  IFLA_MASTER,
  IFLA_MAX_MTU,
  IFLA_MIN_MTU,
  IFLA_MTU,
  IFLA_OPERSTATE,
  IFLA_PROMISCUITY,
  IFLA_PROP_LIST,
  IFLA_TUN_GROUP,
  IFLA_TUN_MULTI_QUEUE,
  IFLA_TUN_NUM_DISABLED_QUEUES,
  IFLA_TUN_NUM_QUEUES,
  IFLA_TUN_OWNER,
  IFLA_TUN_PERSIST,
  IFLA_TUN_PI,
  IFLA_TUN_TYPE,
  IFLA_TUN_VNET_HDR,
  IFLA_TXQLEN,
  RTEXT_FILTER_SKIP_STATS,
} from "./constants";
import { decodeVxlanInfoData, VXLAN_KIND, type VxlanLinkData } from "./vxlanInfo";

export interface InterfaceInfoHeader {
  family: number;
  /** ARPHRD_* device type. */
  deviceType: number;
  index: number;
  flags: number;
  change: number;
}

export function encodeInterfaceInfo(header: Partial<InterfaceInfoHeader>): Buffer {
  const encoded = Buffer.alloc(IFINFOMSG_LENGTH);
  encoded.writeUInt8(header.family ?? AF_UNSPEC, 0);
  encoded.writeUInt16LE(header.deviceType ?? 0, 2);
  encoded.writeInt32LE(header.index ?? 0, 4);
  encoded.writeUInt32LE((header.flags ?? 0) >>> 0, 8);
  encoded.writeUInt32LE((header.change ?? 0) >>> 0, 12);
  return encoded;
}

export function decodeInterfaceInfo(payload: Buffer): InterfaceInfoHeader {
  if (payload.length < IFINFOMSG_LENGTH) {
    throw new NetlinkFormatError(`ifinfomsg needs ${IFINFOMSG_LENGTH} bytes, got ${payload.length}`);
  }
  return {
    family: payload.readUInt8(0),
    deviceType: payload.readUInt16LE(2),
    index: payload.readInt32LE(4),
    flags: payload.readUInt32LE(8),
    change: payload.readUInt32LE(12),
  };
}

export function linkPayload(header: Partial<InterfaceInfoHeader>, attributes: readonly AttributeInput[]): Buffer {
  return Buffer.concat([encodeInterfaceInfo(header), encodeAttributes(attributes)]);
}

// ------------------------------------------------------------------------------------------- decoding

export type TunType = "tun" | "tap";

/** IFLA_INFO_DATA of a tun/tap device. */
export interface TunLinkData {
  type: TunType;
  /** Absent when no owner is set. */
  owner?: number;
  group?: number;
  packetInfo: boolean;
  vnetHdr: boolean;
  persist: boolean;
  multiQueue: boolean;
  numQueues?: number;
  numDisabledQueues?: number;
}

/** The part of a bridge's IFLA_INFO_DATA that we manage or report. */
export interface BridgeLinkData {
  stpState: number;
  forwardDelay?: number;
}

export interface Link {
  index: number;
  name: string;
  /** ifi_flags as the kernel reports them (IFF_UP, IFF_PROMISC as set by the user, IFF_RUNNING...). */
  flags: number;
  deviceType: number;
  mtu: number;
  minMtu?: number;
  maxMtu?: number;
  txQueueLength?: number;
  /** Link-layer address; absent on devices without one (tun). */
  hardwareAddress?: Buffer;
  alias?: string;
  /** IFLA_LINK: the link this one is tied to; for a veth end, its peer's ifindex (in the peer's namespace). */
  linkIndex?: number;
  /** IFLA_LINK_NETNSID: present when that link is in another network namespace (its id as this one sees it). */
  linkNetnsId?: number;
  /** Index of the master device (a bridge this link is a port of). */
  master?: number;
  group: number;
  promiscuity?: number;
  operState?: number;
  carrier?: boolean;
  altNames: string[];
  /** IFLA_INFO_KIND: "tun", "bridge", "veth"...; absent for devices without rtnl_link_ops (lo). */
  kind?: string;
  /** IFLA_INFO_SLAVE_KIND, e.g. "bridge" for a bridge port. */
  portKind?: string;
  tun?: TunLinkData;
  bridge?: BridgeLinkData;
  vxlan?: VxlanLinkData;
}

export function isUp(link: Link): boolean {
  return (link.flags & IFF_UP) !== 0;
}

export function isPromiscuous(link: Link): boolean {
  return (link.flags & IFF_PROMISC) !== 0;
}

export function decodeLink(payload: Buffer): Link {
  const header = decodeInterfaceInfo(payload);
  const attributes = attributeMap(payload.subarray(IFINFOMSG_LENGTH));
  const name = attributes.get(IFLA_IFNAME);
  const mtu = attributes.get(IFLA_MTU);
  if (name === undefined || mtu === undefined) {
    throw new NetlinkFormatError(`link ${header.index} lacks IFLA_IFNAME or IFLA_MTU`);
  }
  const link: Link = {
    index: header.index,
    name: readString(name),
    flags: header.flags,
    deviceType: header.deviceType,
    mtu: readU32(mtu),
    group: optional(attributes.get(IFLA_GROUP), readU32) ?? 0,
    altNames: decodeAltNames(attributes.get(IFLA_PROP_LIST)),
  };
  assignIfPresent(link, "minMtu", optional(attributes.get(IFLA_MIN_MTU), readU32));
  assignIfPresent(link, "maxMtu", optional(attributes.get(IFLA_MAX_MTU), readU32));
  assignIfPresent(link, "txQueueLength", optional(attributes.get(IFLA_TXQLEN), readU32));
  const address = attributes.get(IFLA_ADDRESS);
  if (address !== undefined && address.length > 0) link.hardwareAddress = Buffer.from(address);
  const alias = optional(attributes.get(IFLA_IFALIAS), readString);
  if (alias) link.alias = alias;
  // The kernel leaves IFLA_LINK out for a link tied to nothing; a veth end's peer may have the same ifindex in its own namespace.
  assignIfPresent(link, "linkIndex", optional(attributes.get(IFLA_LINK), readU32));
  assignIfPresent(link, "linkNetnsId", optional(attributes.get(IFLA_LINK_NETNSID), readS32));
  const master = optional(attributes.get(IFLA_MASTER), readU32);
  if (master) link.master = master;
  assignIfPresent(link, "promiscuity", optional(attributes.get(IFLA_PROMISCUITY), readU32));
  assignIfPresent(link, "operState", optional(attributes.get(IFLA_OPERSTATE), readU8));
  assignIfPresent(link, "carrier", optional(attributes.get(IFLA_CARRIER), (p) => readU8(p) !== 0));
  const linkInfo = attributes.get(IFLA_LINKINFO);
  if (linkInfo !== undefined) decodeLinkInfo(link, linkInfo);
  return link;
}

/** What a link's group membership takes: its ifindex and IFLA_GROUP (0 when absent, as in decodeLink). */
export interface LinkGroupMembership {
  index: number;
  group: number;
}

/**
 * The ifindex and group of an RTM_NEWLINK payload, nothing else decoded: for a dump read only to see which
 * links are in a group, where decoding every attribute of every link (decodeLink) costs more than the dump.
 */
export function decodeLinkGroupMembership(payload: Buffer): LinkGroupMembership {
  const { index } = decodeInterfaceInfo(payload);
  return { index, group: optional(findAttribute(payload.subarray(IFINFOMSG_LENGTH), IFLA_GROUP), readU32) ?? 0 };
}

function decodeLinkInfo(link: Link, payload: Buffer): void {
  const info = attributeMap(payload);
  const kind = optional(info.get(IFLA_INFO_KIND), readString);
  if (kind !== undefined) link.kind = kind;
  const portKind = optional(info.get(IFLA_INFO_SLAVE_KIND), readString);
  if (portKind !== undefined) link.portKind = portKind;
  const data = info.get(IFLA_INFO_DATA);
  if (data === undefined) return;
  if (kind === "tun") link.tun = decodeTunData(data);
  if (kind === "bridge") link.bridge = decodeBridgeData(data);
  if (kind === VXLAN_KIND) link.vxlan = decodeVxlanInfoData(data);
}

/** IFF_TUN / IFF_TAP as IFLA_TUN_TYPE reports them. */
const TUN_TYPE_TUN = 0x1;
const TUN_TYPE_TAP = 0x2;

function decodeTunData(payload: Buffer): TunLinkData {
  const data = attributeMap(payload);
  const type = optional(data.get(IFLA_TUN_TYPE), readU8);
  if (type !== TUN_TYPE_TUN && type !== TUN_TYPE_TAP) {
    throw new NetlinkFormatError(`tun link with IFLA_TUN_TYPE ${String(type)}`);
  }
  const flag = (attributeType: number): boolean => optional(data.get(attributeType), readU8) === 1;
  const tun: TunLinkData = {
    type: type === TUN_TYPE_TUN ? "tun" : "tap",
    packetInfo: flag(IFLA_TUN_PI),
    vnetHdr: flag(IFLA_TUN_VNET_HDR),
    persist: flag(IFLA_TUN_PERSIST),
    multiQueue: flag(IFLA_TUN_MULTI_QUEUE),
  };
  assignIfPresent(tun, "owner", optional(data.get(IFLA_TUN_OWNER), readU32));
  assignIfPresent(tun, "group", optional(data.get(IFLA_TUN_GROUP), readU32));
  assignIfPresent(tun, "numQueues", optional(data.get(IFLA_TUN_NUM_QUEUES), readU32));
  assignIfPresent(tun, "numDisabledQueues", optional(data.get(IFLA_TUN_NUM_DISABLED_QUEUES), readU32));
  return tun;
}

function decodeBridgeData(payload: Buffer): BridgeLinkData {
  const data = attributeMap(payload);
  const bridge: BridgeLinkData = { stpState: optional(data.get(IFLA_BR_STP_STATE), readU32) ?? 0 };
  assignIfPresent(bridge, "forwardDelay", optional(data.get(IFLA_BR_FORWARD_DELAY), readU32));
  return bridge;
}

function decodeAltNames(propList: Buffer | undefined): string[] {
  if (propList === undefined) return [];
  return parseAttributes(propList)
    .filter((attribute) => attribute.type === IFLA_ALT_IFNAME)
    .map((attribute) => readString(attribute.payload));
}

function optional<T>(payload: Buffer | undefined, read: (payload: Buffer) => T): T | undefined {
  return payload === undefined ? undefined : read(payload);
}

function assignIfPresent<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

// ------------------------------------------------------------------------------------------- requests

/** Every request that reads links asks the kernel to leave out the statistics blocks. */
const skipStatistics = attribute.u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);

export function getLinkByNamePayload(name: string): Buffer {
  return linkPayload({}, [attribute.string(IFLA_IFNAME, name), skipStatistics]);
}

/**
 * RTM_GETLINK by alternative name. The kernel looks a name up among names and altnames alike; IFLA_ALT_IFNAME
 * carries up to 127 bytes where IFLA_IFNAME stops at 15, so an ownership stamp fits.
 */
export function getLinkByAltNamePayload(altName: string): Buffer {
  return linkPayload({}, [attribute.string(IFLA_ALT_IFNAME, altName), skipStatistics]);
}

export function getLinkByIndexPayload(index: number): Buffer {
  return linkPayload({ index }, [skipStatistics]);
}

export function dumpLinksPayload(): Buffer {
  return linkPayload({}, [skipStatistics]);
}

/** A dump of the links whose master is `masterIndex` (the kernel filters, with strict checking on). */
export function dumpPortsPayload(masterIndex: number): Buffer {
  return linkPayload({}, [skipStatistics, attribute.u32(IFLA_MASTER, masterIndex)]);
}

/** Changes to an existing link. Each is one RTM_NEWLINK so that a failure names the setting that failed. */
export type LinkChange =
  | { kind: "name"; name: string }
  | { kind: "mtu"; mtu: number }
  | { kind: "hardwareAddress"; address: Uint8Array }
  | { kind: "txQueueLength"; length: number }
  | { kind: "alias"; alias: string }
  | { kind: "master"; masterIndex: number }
  | { kind: "group"; group: number }
  | { kind: "up"; up: boolean }
  | { kind: "promiscuous"; promiscuous: boolean }
  | { kind: "stpState"; stpState: number };

interface LinkChangeParts {
  attributes: AttributeInput[];
  flags: number;
  change: number;
}

function linkChangeParts(change: LinkChange): LinkChangeParts {
  const only = (attribute: AttributeInput): LinkChangeParts => ({ attributes: [attribute], flags: 0, change: 0 });
  switch (change.kind) {
    case "name":
      return only(attribute.string(IFLA_IFNAME, change.name));
    case "mtu":
      return only(attribute.u32(IFLA_MTU, change.mtu));
    case "hardwareAddress":
      return only(attribute.bytes(IFLA_ADDRESS, change.address));
    case "txQueueLength":
      return only(attribute.u32(IFLA_TXQLEN, change.length));
    case "alias":
      // An empty alias removes it; the kernel takes the attribute without a terminating NUL as well.
      return only({ type: IFLA_IFALIAS, value: Buffer.from(change.alias, "utf8") });
    case "master":
      return only(attribute.u32(IFLA_MASTER, change.masterIndex));
    case "group":
      return only(attribute.u32(IFLA_GROUP, change.group));
    case "up":
      return { attributes: [], flags: change.up ? IFF_UP : 0, change: IFF_UP };
    case "promiscuous":
      return { attributes: [], flags: change.promiscuous ? IFF_PROMISC : 0, change: IFF_PROMISC };
    case "stpState":
      return only(
        attribute.nested(IFLA_LINKINFO, [
          attribute.string(IFLA_INFO_KIND, "bridge"),
          attribute.nested(IFLA_INFO_DATA, [attribute.u32(IFLA_BR_STP_STATE, change.stpState)]),
        ]),
      );
  }
}

export function setLinkPayload(index: number, change: LinkChange): Buffer {
  return setLinkChangesPayload(index, [change]);
}

/**
 * Several changes in one RTM_NEWLINK. The kernel applies them in its own fixed order (do_setlink), and a
 * failure part-way leaves the earlier ones applied: use it where the caller's rollback does not depend on
 * knowing which (a device just created, which a failure deletes).
 */
export function setLinkChangesPayload(index: number, changes: readonly LinkChange[]): Buffer {
  const parts = changes.map(linkChangeParts);
  return linkPayload(
    { index, flags: parts.reduce((flags, part) => flags | part.flags, 0), change: parts.reduce((mask, part) => mask | part.change, 0) },
    parts.flatMap((part) => part.attributes),
  );
}

export function describeLinkChange(change: LinkChange): string {
  switch (change.kind) {
    case "name":
      return `rename to ${change.name}`;
    case "mtu":
      return `set mtu ${change.mtu}`;
    case "hardwareAddress":
      return `set address ${Buffer.from(change.address).toString("hex").replace(/(..)(?!$)/g, "$1:")}`;
    case "txQueueLength":
      return `set txqueuelen ${change.length}`;
    case "alias":
      return change.alias === "" ? "remove alias" : "set alias";
    case "master":
      return change.masterIndex === 0 ? "leave bridge" : `set master (ifindex ${change.masterIndex})`;
    case "group":
      return `set group ${change.group}`;
    case "up":
      return change.up ? "set up" : "set down";
    case "promiscuous":
      return change.promiscuous ? "set promisc on" : "set promisc off";
    case "stpState":
      return `set stp_state ${change.stpState}`;
  }
}

export function deleteLinkPayload(index: number): Buffer {
  return linkPayload({ index }, []);
}

/** RTM_DELLINK of every link in a group: the kernel unregisters them as one batch. */
export function deleteLinkGroupPayload(group: number): Buffer {
  if (group === 0) throw new RangeError("link group 0 is every link's default and can never be deleted as a group");
  return linkPayload({}, [attribute.u32(IFLA_GROUP, group)]);
}

/**
 * RTM_NEWLINKPROP / RTM_DELLINKPROP payload adding or removing one alternative name, of the link with this
 * index or, when a name is given instead, of the link with that name.
 */
export function altNamePayload(link: number | string, altName: string): Buffer {
  const property = attribute.nested(IFLA_PROP_LIST, [attribute.string(IFLA_ALT_IFNAME, altName)]);
  return typeof link === "number" ? linkPayload({ index: link }, [property]) : linkPayload({}, [attribute.string(IFLA_IFNAME, link), property]);
}

export interface NewBridgeRequest {
  name: string;
  stpState: number;
}

export function newBridgePayload(request: NewBridgeRequest): Buffer {
  return linkPayload({}, [
    attribute.string(IFLA_IFNAME, request.name),
    attribute.nested(IFLA_LINKINFO, [
      attribute.string(IFLA_INFO_KIND, "bridge"),
      attribute.nested(IFLA_INFO_DATA, [attribute.u32(IFLA_BR_STP_STATE, request.stpState)]),
    ]),
  ]);
}
