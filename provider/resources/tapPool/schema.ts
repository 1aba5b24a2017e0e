// The TapPool inputs: the template, the plan of devices, and their check (per device, with what only a pool can
// get wrong: one name, MAC or address on two devices). Pure; loaded by the first check or diff (zod with it), so
// that a destroy or a refresh does without.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import type { CheckFailure } from "../../model/failures";
import * as fields from "../../model/fields";
import { ipv6MtuProblem, mtuProblem } from "../../model/linkRules";
import { TUN_MTU_RANGE } from "../tapInterface/model";
import { tunFields } from "../tapInterface/schema";

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
