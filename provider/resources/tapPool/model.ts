// The TapPool model: many TUN/TAP devices as one resource, a template every device shares and a plan of devices
// under keys the user chooses (a VM's id), each with its own name, owner, addresses and MAC. Here: the spec of
// each device, and the state. Pure. The inputs (schema, check) are in schema.ts, which only check and diff load.
import type { Named } from "../../model/linkRules";
import type { TunMode } from "../tapInterface/model";
import type { TapInterfaceInputs } from "../tapInterface/schema";
import type { TapPoolDevice, TapPoolInputs } from "./schema";

/** One device as the pool's outputs report it: what can differ from one device to the next, as the kernel has it. */
export interface TapPoolDeviceState {
  name: string;
  ifindex: number;
  mtu: number;
  macAddress?: string;
  addresses: string[];
  up: boolean;
  promiscuous: boolean;
  txQueueLength: number;
  description?: string;
  owner?: number;
  group?: number;
  bridge?: string;
}

/** The pool's outputs. */
export interface TapPoolState {
  /** The flags every device was made with (a process opening a queue may set packetInfo/vnetHdr its own way). */
  mode: TunMode;
  multiQueue: boolean;
  packetInfo: boolean;
  vnetHdr: boolean;
  /** Each planned device that exists, by key. A key missing here is a device missing on the host. */
  devices: Record<string, TapPoolDeviceState>;
  netns?: string;
  adopt: boolean;
  managedBy?: string;
  /** The stamp of this generation of the pool; each device carries one made from it and its key (see deviceStampOf). */
  stamp: string;
}

/** The identity a device's ownership stamp names: the pool's, and the device's key. */
export function deviceIdentity(managedBy: string, key: string): string {
  return `${managedBy}/${key}`;
}

/** One device of the plan as a TapInterface's checked inputs: the template under the device's own entry. */
export function deviceSpec(pool: Pick<TapPoolInputs, "template" | "netns" | "adopt" | "managedBy">, key: string, device: TapPoolDevice): Named<TapInterfaceInputs> {
  const { template } = pool;
  const spec: Named<TapInterfaceInputs> = {
    name: device.name,
    mode: template.mode,
    multiQueue: template.multiQueue,
    packetInfo: template.packetInfo,
    vnetHdr: template.vnetHdr,
    addresses: device.addresses ?? [],
    up: device.up ?? template.up,
    promiscuous: device.promiscuous ?? template.promiscuous,
    adopt: pool.adopt,
  };
  const owner = device.owner ?? template.owner;
  const group = device.group ?? template.group;
  const mtu = device.mtu ?? template.mtu;
  const txQueueLength = device.txQueueLength ?? template.txQueueLength;
  const bridge = device.bridge ?? template.bridge;
  if (owner !== undefined) spec.owner = owner;
  if (group !== undefined) spec.group = group;
  if (mtu !== undefined) spec.mtu = mtu;
  if (txQueueLength !== undefined) spec.txQueueLength = txQueueLength;
  if (bridge !== undefined) spec.bridge = bridge;
  if (device.macAddress !== undefined) spec.macAddress = device.macAddress;
  if (device.description !== undefined) spec.description = device.description;
  if (pool.netns !== undefined) spec.netns = pool.netns;
  if (pool.managedBy !== undefined) spec.managedBy = deviceIdentity(pool.managedBy, key);
  return spec;
}
