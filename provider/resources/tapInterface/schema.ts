// The TapInterface inputs: schema, defaults, cross-field rules, check. Pure; loaded by the first check (zod with
// it), so that a destroy or a refresh does without.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import type { CheckFailure } from "../../model/failures";
import * as fields from "../../model/fields";
import { adoptNeedsExactName, ipv6NeedsMinimumMtu, mtuProblem, nameUnnamedLink, notItsOwnPort } from "../../model/linkRules";
import { TUN_MTU_RANGE } from "./model";

/** The flags and principals a TUN/TAP device is made with (TapInterface, and its networkd .netdev). */
export const tunFields = {
  owner: fields.principal("user").optional(),
  group: fields.principal("group").optional(),
  multiQueue: z.boolean().default(false),
  packetInfo: z.boolean().default(false),
  vnetHdr: z.boolean().default(false),
};

const { name, ...linkSettings } = fields.linkFields;

export const tapInterfaceInputsSchema = z.strictObject({
  name,
  mode: z.enum(["tap", "tun"]).default("tap"),
  ...tunFields,
  ...linkSettings,
  promiscuous: z.boolean().default(false),
  bridge: fields.interfaceName({ allowTemplate: false }).optional(),
});

/** Inputs after check: normalised (MAC and CIDRs canonical), defaults filled, a name always present. */
export type TapInterfaceInputs = z.output<typeof tapInterfaceInputsSchema>;

const mtuInRangeForMode: CrossFieldRule<TapInterfaceInputs> = (value, unknown) => {
  if (value.mtu === undefined || unknown.has("mode") || value.mode === undefined) return [];
  const problem = mtuProblem(value.mode, TUN_MTU_RANGE[value.mode], value.mtu);
  return problem === undefined ? [] : [{ property: "mtu", reason: problem }];
};

const tunHasNoLinkLayer: CrossFieldRule<TapInterfaceInputs> = (value, unknown) => {
  if (unknown.has("mode") || value.mode !== "tun") return [];
  const failures: CheckFailure[] = [];
  if (value.macAddress !== undefined || unknown.has("macAddress")) {
    failures.push({ property: "macAddress", reason: 'a tun device carries IP packets and has no MAC address; remove macAddress or use mode: "tap"' });
  }
  if (value.bridge !== undefined || unknown.has("bridge")) {
    failures.push({ property: "bridge", reason: 'a tun device carries IP packets, not Ethernet frames, and cannot join a bridge; use mode: "tap"' });
  }
  return failures;
};

/**
 * check: validates and normalises, and gives a name to a device declared without one (see nameUnnamedLink).
 * `olds` are the inputs the previous check returned; a random name chosen then is kept.
 */
export function checkTapInterface(olds: Properties, news: Properties): CheckOutcome<TapInterfaceInputs> {
  const outcome = checkInputs(tapInterfaceInputsSchema, news, [mtuInRangeForMode, tunHasNoLinkLayer, adoptNeedsExactName("device"), ipv6NeedsMinimumMtu, notItsOwnPort]);
  return nameUnnamedLink(outcome, olds, "TapInterface", outcome.value?.mode ?? "tap", typeof olds.mode === "string" ? olds.mode : "tap");
}
