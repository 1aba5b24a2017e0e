// The TapInterface model: its modes, its state and the outputs it may lack. Pure. Its inputs (schema, defaults,
// cross-field rules, check) are in schema.ts, which only check loads.
import { LINK_UNSET_OUTPUTS } from "../../model/linkDiff";
import type { MtuRange } from "../../model/linkRules";

export type TunMode = "tap" | "tun";

/** The MTUs the kernel accepts per mode (drivers/net/tun.c: 68–65521 for tap, 68–65535 for tun). */
export const TUN_MTU_RANGE: Record<TunMode, MtuRange> = {
  tap: { min: 68, max: 65521 },
  tun: { min: 68, max: 65535 },
};

/** The outputs a TapInterface may lack: recorded as null (see lifecycle/unsetOutputs.ts). */
export const TAP_INTERFACE_UNSET_OUTPUTS: readonly string[] = [...LINK_UNSET_OUTPUTS, "owner", "group", "macAddress", "bridge"];

/** What the provider stores as outputs: every input as it is on the host, plus identity. */
export interface TapInterfaceState {
  name: string;
  mode: TunMode;
  owner?: number;
  group?: number;
  multiQueue: boolean;
  packetInfo: boolean;
  vnetHdr: boolean;
  mtu: number;
  macAddress?: string;
  addresses: string[];
  up: boolean;
  promiscuous: boolean;
  txQueueLength: number;
  description?: string;
  bridge?: string;
  netns?: string;
  adopt: boolean;
  managedBy?: string;
  ifindex: number;
  /** The ownership stamp (an altname) that marks the device as this resource's. */
  stamp: string;
}
