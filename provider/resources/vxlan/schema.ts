// The Vxlan inputs: schema, defaults and the rules between them. Pure; loaded by the first check (zod with it), so
// that a destroy or a refresh does without. The rules are the kernel's (drivers/net/vxlan/vxlan_core.c:
// vxlan_config_validate, vxlan_fdb_add), checked here so that bad input fails `pulumi preview`, not the update.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import type { CheckFailure } from "../../model/failures";
import * as fields from "../../model/fields";
import { formatAddress, type IpFamily } from "../../model/ip";
import { adoptNeedsExactName, ipv6NeedsMinimumMtu, nameUnnamedLink } from "../../model/linkRules";
import { addressFamily, DEFAULT_VXLAN_PORT, MAX_VNI, parseBareAddress, underlayFamily } from "./model";

function isMulticast(family: IpFamily, bytes: Uint8Array): boolean {
  return family === 4 ? ((bytes[0] ?? 0) & 0xf0) === 0xe0 : bytes[0] === 0xff;
}

/** Why an underlay address of this use cannot be this one, or undefined when it can. */
function underlayAddressProblem(use: "local" | "group" | "peer", family: IpFamily, bytes: Uint8Array): string | undefined {
  const multicast = isMulticast(family, bytes);
  if (use === "group") return multicast ? undefined : "is not a multicast address (224.0.0.0/4 or ff00::/8); unicast remote hosts go in peers";
  if (bytes.every((byte) => byte === 0)) return "is the unspecified address";
  if (multicast) return use === "local" ? "is a multicast address, which cannot be a source address" : "is a multicast address; a multicast group goes in group, not peers";
  if (family === 4 && bytes.every((byte) => byte === 255)) return "is the IPv4 broadcast address";
  return undefined;
}

export function underlayAddress(use: "local" | "group" | "peer") {
  return z.string().transform((text, ctx) => {
    const parsed = parseBareAddress(text);
    if (parsed === undefined) {
      ctx.addIssue({ code: "custom", message: `"${text}" is not an IPv4 or IPv6 address without a prefix length, like "192.0.2.10" or "fd00::10"` });
      return z.NEVER;
    }
    const problem = underlayAddressProblem(use, parsed.family, parsed.bytes);
    if (problem !== undefined) {
      ctx.addIssue({ code: "custom", message: `"${text}" ${problem}` });
      return z.NEVER;
    }
    return formatAddress(parsed.family, parsed.bytes);
  });
}

/** Peers, each normalised; the same peer twice (in any spelling) would be one FDB remote, so it is a mistake. */
const peerList = z.array(underlayAddress("peer")).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((peer, index) => {
    const first = seen.get(peer);
    if (first === undefined) seen.set(peer, index);
    else ctx.addIssue({ code: "custom", path: [index], message: `${peer} repeats peers[${first}]` });
  });
});

/** A whole number in a range, with a reason of its own outside it. */
function wholeNumberIn(minimum: number, maximum: number, outside: (value: number) => string) {
  return z
    .number()
    .int()
    .superRefine((value, ctx) => {
      if (value < minimum || value > maximum) ctx.addIssue({ code: "custom", message: outside(value) });
    });
}

const vni = wholeNumberIn(1, MAX_VNI, (value) => `a VNI is a 24-bit number from 1 to ${MAX_VNI} (0 is left unused), got ${value}`);

const destinationPort = wholeNumberIn(1, 65535, (value) =>
  value === 0
    ? "a destination port is 1–65535, got 0 (the kernel would take 0 as its own default, 8472, not the IANA port 4789)"
    : `a destination port is 1–65535, got ${value}`,
);

const { name, ...linkSettings } = fields.linkFields;

export const vxlanInputsSchema = z.strictObject({
  name,
  vni,
  destinationPort: destinationPort.default(DEFAULT_VXLAN_PORT),
  /** The source address of encapsulated packets; its family is the underlay's. */
  local: underlayAddress("local").optional(),
  /** The device encapsulated packets leave by (iproute2's `dev`); the VXLAN device is deleted with it. */
  underlay: fields.interfaceName({ allowTemplate: false }).optional(),
  learning: z.boolean().default(true),
  /** The outer packets' TTL; 0 lets the kernel choose (the route's hop limit, 1 towards a group). */
  ttl: z.number().int().min(0).max(255).default(0),
  group: underlayAddress("group").optional(),
  peers: peerList.default([]),
  ...linkSettings,
  bridge: fields.interfaceName({ allowTemplate: false }).optional(),
});

/** Inputs after check: normalised (addresses canonical), defaults filled, a name always present. */
export type VxlanInputs = z.output<typeof vxlanInputsSchema>;

const groupOrPeers: CrossFieldRule<VxlanInputs> = (value, unknown) => {
  if (value.group === undefined || unknown.has("peers") || (value.peers ?? []).length === 0) return [];
  return [{ property: "peers", reason: `frames are flooded either to multicast group ${value.group} or to unicast peers, not both: remove group or peers` }];
};

const groupNeedsUnderlay: CrossFieldRule<VxlanInputs> = (value, unknown) => {
  if (value.group === undefined || value.underlay !== undefined || unknown.has("underlay")) return [];
  return [{ property: "underlay", reason: `joining multicast group ${value.group} needs the underlay device to join it on; name it in underlay` }];
};

const linkLocalNeedsUnderlay: CrossFieldRule<VxlanInputs> = (value, unknown) => {
  if (value.local === undefined || !value.local.toLowerCase().startsWith("fe80:") || value.underlay !== undefined || unknown.has("underlay")) return [];
  return [{ property: "underlay", reason: `the link-local address ${value.local} is only meaningful on one device: name that device in underlay` }];
};

/** What decides the underlay family, in words: "local address 192.0.2.1 is IPv4", "group ff05::1 is IPv6"… */
function familyReason(value: Partial<VxlanInputs>, family: IpFamily): string {
  if (value.local !== undefined) return `local address ${value.local} is IPv${family}`;
  if (value.group !== undefined) return `group ${value.group} is IPv${family}`;
  return "device has no local address, so it sends over IPv4";
}

const oneUnderlayFamily: CrossFieldRule<VxlanInputs> = (value, unknown) => {
  if (unknown.has("local") || unknown.has("group")) return [];
  const failures: CheckFailure[] = [];
  const family = underlayFamily(value);
  if (value.local !== undefined && value.group !== undefined && addressFamily(value.group) !== family) {
    failures.push({ property: "group", reason: `${value.group} is IPv${addressFamily(value.group)} but the ${familyReason(value, family)}; the kernel sends over one family` });
  }
  // With a group, peers are refused whatever their family (groupOrPeers).
  if (unknown.has("peers") || value.group !== undefined) return failures;
  (value.peers ?? []).forEach((peer, index) => {
    if (peer === value.local) {
      failures.push({ property: `peers[${index}]`, reason: `${peer} is this device's own local address` });
    } else if (addressFamily(peer) !== family) {
      const fix = value.local === undefined ? `give the device an IPv${addressFamily(peer)} local address` : "keep peers of the local address's family";
      failures.push({ property: `peers[${index}]`, reason: `${peer} is IPv${addressFamily(peer)} but the ${familyReason(value, family)}: ${fix}` });
    }
  });
  return failures;
};

/**
 * check: validates and normalises, and gives a name to a device declared without one (see nameUnnamedLink).
 * `olds` are the inputs the previous check returned; a random name chosen then is kept.
 */
export function checkVxlan(olds: Properties, news: Properties): CheckOutcome<VxlanInputs> {
  const outcome = checkInputs(vxlanInputsSchema, news, [
    adoptNeedsExactName("VXLAN device"),
    ipv6NeedsMinimumMtu,
    groupOrPeers,
    groupNeedsUnderlay,
    linkLocalNeedsUnderlay,
    oneUnderlayFamily,
  ]);
  return nameUnnamedLink(outcome, olds, "Vxlan", "vxlan");
}
