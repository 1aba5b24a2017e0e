// The Vxlan model: a VXLAN device, the link that carries a lab's Ethernet between hosts inside UDP — its ports
// and overheads, its MTU default, its flood list's plan, and its state. Pure. Its inputs (schema, defaults, the
// rules between them) are in schema.ts, which only check loads.
//
// Frames with no better destination (broadcast, unknown unicast, multicast) go either to a multicast `group`
// the hosts join, or to each of a list of unicast `peers`: head-end replication, one remote of the all-zero FDB
// entry per peer, as `bridge fdb append 00:00:00:00:00:00 dst PEER dev vx0` adds it.
import { type IpFamily, parseBareAddress } from "../../model/ip";
import { LINK_UNSET_OUTPUTS } from "../../model/linkDiff";
import type { VxlanInputs } from "./schema";

/** The IANA port (RFC 7348). The kernel's own default is 8472, Linux's port from before the IANA one. */
export const DEFAULT_VXLAN_PORT = 4789;
/** VNIs are 24 bits; 0 is left unused, as systemd-networkd (VNI= takes 1…16777215) and ifupdown2 (vxlan-id from 1) do. */
export const MAX_VNI = 16777215;

/** Kept under this name in the package's Vxlan exports; the parser is the model's, which Route shares. */
export { parseBareAddress };

/**
 * What encapsulation adds to a frame of the device's MTU: the inner Ethernet header (14), the VXLAN header (8),
 * UDP (8) and the outer IP header (20 for IPv4, 40 for IPv6) — vxlan_headroom() in the kernel.
 */
export const VXLAN_OVERHEAD: Record<IpFamily, number> = { 4: 50, 6: 70 };
/** The MTU the underlay is assumed to carry when no underlay device is named: Ethernet's. */
export const ASSUMED_UNDERLAY_MTU = 1500;

export function addressFamily(text: string): IpFamily | undefined {
  return parseBareAddress(text)?.family;
}

/** What the provider stores as outputs: every input as it is on the host, plus identity. */
export interface VxlanState {
  name: string;
  vni: number;
  destinationPort: number;
  local?: string;
  underlay?: string;
  learning: boolean;
  ttl: number;
  group?: string;
  /**
   * The remotes of the device's all-zero FDB entry as the kernel has them now, sorted: the declared peers, and any
   * added or lost by hand since (drift, which `pulumi up` undoes). A remote with its own port, VNI or output device
   * reads "192.0.2.7 port 4790 vni 7 via 3". A multicast group's own entry is not a peer.
   */
  peers: string[];
  mtu: number;
  macAddress: string;
  addresses: string[];
  up: boolean;
  txQueueLength: number;
  description?: string;
  bridge?: string;
  netns?: string;
  adopt: boolean;
  managedBy?: string;
  ifindex: number;
  stamp: string;
}

/** The outputs a Vxlan may lack: recorded as null (see lifecycle/unsetOutputs.ts). */
export const VXLAN_UNSET_OUTPUTS: readonly string[] = [...LINK_UNSET_OUTPUTS, "local", "group", "underlay", "bridge"];

/**
 * The family the device sends over: its local address's, else its group's, else IPv4 — as the kernel decides it
 * (vxlan_config_validate). It is fixed once the device exists.
 */
export function underlayFamily(inputs: { local?: string | undefined; group?: string | undefined }): IpFamily {
  const fromAddress = (text: string | undefined) => (text === undefined ? undefined : addressFamily(text));
  return fromAddress(inputs.local) ?? fromAddress(inputs.group) ?? 4;
}

/**
 * The MTU to create the device with when none is declared. With an underlay device, none: the kernel gives the
 * new device the underlay's MTU less the encapsulation itself (a jumbo-frame underlay included). Without one, it
 * would give 1500, so encapsulated frames would not fit a 1500-byte underlay: the Ethernet MTU less the
 * encapsulation instead — 1450 over IPv4, 1430 over IPv6.
 */
export function creationMtu(inputs: Pick<VxlanInputs, "mtu" | "underlay" | "local" | "group">): number | undefined {
  if (inputs.mtu !== undefined) return inputs.mtu;
  return inputs.underlay === undefined ? ASSUMED_UNDERLAY_MTU - VXLAN_OVERHEAD[underlayFamily(inputs)] : undefined;
}

/** What takes the device's flood list from `present` (its all-zero remotes now, as `peers` prints them) to `declared`. */
export interface PeerPlan {
  add: string[];
  remove: string[];
}

/**
 * The device is the stack's, and so is its flood list: what is declared and missing is added, what is there and
 * not declared is removed, one remote each, and nothing else is touched (no flush and refill).
 */
export function planPeers(declared: readonly string[], present: readonly string[]): PeerPlan {
  const isDeclared = new Set(declared);
  const isPresent = new Set(present);
  return { add: declared.filter((peer) => !isPresent.has(peer)), remove: present.filter((peer) => !isDeclared.has(peer)) };
}
