// The TapPool model: many TUN/TAP devices as one resource — a template every device shares and a plan of
// devices under keys the user chooses (a VM's id), each with its own name, owner, addresses and MAC — its
// check (per device, with what only a pool can get wrong: one name, MAC or address on two devices), the spec
// of each device, and the state. Pure.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import type { CheckFailure } from "../../model/failures";
import * as fields from "../../model/fields";
import { ipv6MtuProblem, mtuProblem, type Named } from "../../model/linkRules";
import { TUN_MTU_RANGE, type TapInterfaceInputs, type TunMode, tunFields } from "../tapInterface/model";

/** A device's key: what its stamp and the outputs name it by, and what a property path shows (`devices.vm-1.mtu`). */
const deviceKey = z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, {
  error: (issue) => `a device key is 1 to 63 letters, digits, "_" or "-", got ${JSON.stringify(issue.input)}`,
});

/** The settings every device of the pool has, unless its own entry says otherwise. Mode and queue type replace the pool. */
export const tapPoolTemplateSchema = z.strictObject({
  mode: z.enum(["tap", "tun"]).default("tap"),
  ...tunFields,
  mtu: fields.mtu.optional(),
  up: z.boolean().default(true),
  promiscuous: z.boolean().default(false),
  txQueueLength: fields.txQueueLength.optional(),
  bridge: fields.interfaceName({ allowTemplate: false }).optional(),
});

/** One device of the plan: its own name, owner, addresses, MAC, alias, and any template setting it overrides. */
export const tapPoolDeviceSchema = z.strictObject({
  name: fields.interfaceName({ allowTemplate: false }),
  owner: fields.principal("user").optional(),
  group: fields.principal("group").optional(),
  macAddress: fields.macAddress.optional(),
  addresses: fields.cidrList.optional(),
  description: fields.description.optional(),
  mtu: fields.mtu.optional(),
  up: z.boolean().optional(),
  promiscuous: z.boolean().optional(),
  txQueueLength: fields.txQueueLength.optional(),
  bridge: fields.interfaceName({ allowTemplate: false }).optional(),
});

export const tapPoolInputsSchema = z.strictObject({
  template: tapPoolTemplateSchema.prefault({}),
  devices: z.record(deviceKey, tapPoolDeviceSchema),
  netns: fields.namespaceName.optional(),
  adopt: z.boolean().default(false),
  managedBy: fields.managedBy.optional(),
});

export type TapPoolTemplate = z.output<typeof tapPoolTemplateSchema>;
export type TapPoolDevice = z.output<typeof tapPoolDeviceSchema>;
/** Inputs after check: normalised (MACs and CIDRs canonical), the template's defaults filled. */
export type TapPoolInputs = z.output<typeof tapPoolInputsSchema>;

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

/** What two devices of one pool may not share: a name, a MAC address, an IP address (the kernel would allow the last two; a plan that does it is a mistake). */
const distinctAcrossDevices: CrossFieldRule<TapPoolInputs> = (value) => {
  if (value.devices === undefined) return [];
  const failures: CheckFailure[] = [];
  const seen = { name: new Map<string, string>(), macAddress: new Map<string, string>(), address: new Map<string, string>() };
  const claim = (what: keyof typeof seen, text: string, key: string, property: string, noun: string) => {
    const first = seen[what].get(text);
    if (first === undefined) seen[what].set(text, key);
    else failures.push({ property: `devices.${key}.${property}`, reason: `${noun} ${text} is also devices.${first}'s; two devices of a pool never share one` });
  };
  for (const [key, device] of Object.entries(value.devices)) {
    claim("name", device.name, key, "name", "the name");
    if (device.macAddress !== undefined) claim("macAddress", device.macAddress, key, "macAddress", "the MAC address");
    (device.addresses ?? []).forEach((address, index) => claim("address", address.slice(0, address.indexOf("/")), key, `addresses[${index}]`, "the address"));
  }
  return failures;
};

/** Each device's MTU in its mode's range, IPv6 only with an MTU of 1280 or more, and no link layer on a tun. */
const eachDeviceFitsItsMode: CrossFieldRule<TapPoolInputs> = (value, unknown) => {
  if (value.devices === undefined || value.template === undefined || unknown.has("template")) return [];
  const { mode } = value.template;
  const failures: CheckFailure[] = [];
  if (value.template.mtu !== undefined) {
    const problem = mtuProblem(mode, TUN_MTU_RANGE[mode], value.template.mtu);
    if (problem !== undefined) failures.push({ property: "template.mtu", reason: problem });
  }
  if (mode === "tun" && value.template.bridge !== undefined) {
    failures.push({ property: "template.bridge", reason: 'a tun device carries IP packets, not Ethernet frames, and cannot join a bridge; use mode: "tap"' });
  }
  for (const [key, device] of Object.entries(value.devices)) {
    const at = (property: string) => `devices.${key}.${property}`;
    if (device.mtu !== undefined) {
      const problem = mtuProblem(mode, TUN_MTU_RANGE[mode], device.mtu);
      if (problem !== undefined) failures.push({ property: at("mtu"), reason: problem });
    }
    const mtu = device.mtu ?? value.template.mtu;
    const ipv6 = mtu === undefined ? undefined : ipv6MtuProblem(mtu, device.addresses ?? []);
    if (ipv6 !== undefined) failures.push({ property: at(device.mtu === undefined ? "addresses" : "mtu"), reason: `${ipv6} (its MTU is ${mtu})` });
    if (mode === "tun" && device.macAddress !== undefined) {
      failures.push({ property: at("macAddress"), reason: 'a tun device carries IP packets and has no MAC address; remove macAddress or use mode: "tap"' });
    }
    if (mode === "tun" && device.bridge !== undefined) {
      failures.push({ property: at("bridge"), reason: 'a tun device carries IP packets, not Ethernet frames, and cannot join a bridge; use mode: "tap"' });
    }
  }
  return failures;
};

/** check: validates and normalises the template and every device of the plan. */
export function checkTapPool(_olds: Properties, news: Properties): CheckOutcome<TapPoolInputs> {
  return checkInputs(tapPoolInputsSchema, news, [distinctAcrossDevices, eachDeviceFitsItsMode]);
}
