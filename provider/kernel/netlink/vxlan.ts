// RTM_NEWLINK requests of kind "vxlan": making a device and changing one in place, as `ip link add … type vxlan`
// and `ip link set … type vxlan` send them (the attributes themselves: vxlanInfo.ts). Pure.
import { attribute, type AttributeInput } from "./codec";
import { IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU } from "./constants";
import { linkPayload } from "./link";
import {
  addressAttribute,
  IFLA_VXLAN_GROUP,
  IFLA_VXLAN_GROUP6,
  IFLA_VXLAN_ID,
  IFLA_VXLAN_LEARNING,
  IFLA_VXLAN_LINK,
  IFLA_VXLAN_LOCAL,
  IFLA_VXLAN_LOCAL6,
  IFLA_VXLAN_PORT,
  IFLA_VXLAN_TTL,
  u16be,
  type UnderlayAddress,
  VXLAN_KIND,
  type VxlanSettings,
} from "./vxlanInfo";

/** VXLAN_N_VID: the VNI is 24 bits (the kernel refuses 1 << 24 and above with ERANGE). */
export const VXLAN_VNI_LIMIT = 1 << 24;

export interface NewVxlanRequest extends VxlanSettings {
  /** A "%d" template lets the kernel pick. */
  name: string;
  /** Absent: the kernel's choice (the underlay's MTU less the encapsulation, or 1500 without an underlay). */
  mtu?: number;
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
