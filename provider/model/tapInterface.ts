// The TapInterface model: its inputs (schema, defaults, cross-field rules), its state, and its diff. Pure.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule } from "./check";
import type { CheckFailure } from "./failures";
import * as fields from "./fields";
import { ipv6NeedsMinimumMtu } from "./linkRules";
import { deriveInterfaceName, isNameTemplate, randomInterfaceName } from "./names";

export type TunMode = "tap" | "tun";

export const MTU_RANGE: Record<TunMode, { min: number; max: number }> = {
  tap: { min: 68, max: 65521 },
  tun: { min: 68, max: 65535 },
};

export const tapInterfaceInputsSchema = z.strictObject({
  name: fields.interfaceName({ allowTemplate: true }).optional(),
  mode: z.enum(["tap", "tun"]).default("tap"),
  owner: fields.principal("user").optional(),
  group: fields.principal("group").optional(),
  multiQueue: z.boolean().default(false),
  packetInfo: z.boolean().default(false),
  vnetHdr: z.boolean().default(false),
  mtu: fields.mtu.optional(),
  macAddress: fields.macAddress.optional(),
  addresses: fields.cidrList.default([]),
  up: z.boolean().default(true),
  promiscuous: z.boolean().default(false),
  txQueueLength: fields.txQueueLength.optional(),
  description: fields.description.optional(),
  bridge: fields.interfaceName({ allowTemplate: false }).optional(),
  netns: fields.namespaceName.optional(),
  adopt: z.boolean().default(false),
  managedBy: fields.managedBy.optional(),
  /** Set by check, not by users: the identity a derived name was made from, once the identity has changed. */
  nameDerivedFrom: fields.managedBy.optional(),
});

/** Inputs after check: normalised (MAC and CIDRs canonical), defaults filled, a name always present. */
export type TapInterfaceInputs = z.output<typeof tapInterfaceInputsSchema>;

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

const mtuInRangeForMode: CrossFieldRule<TapInterfaceInputs> = (value, unknown) => {
  if (value.mtu === undefined || unknown.has("mode") || value.mode === undefined) return [];
  const range = MTU_RANGE[value.mode];
  if (value.mtu >= range.min && value.mtu <= range.max) return [];
  return [{ property: "mtu", reason: `a ${value.mode} device's MTU must be between ${range.min} and ${range.max}, got ${value.mtu}` }];
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

const adoptNeedsExactName: CrossFieldRule<TapInterfaceInputs> = (value, unknown) => {
  if (value.adopt !== true || unknown.has("name")) return [];
  if (value.name === undefined || isNameTemplate(value.name)) {
    return [{ property: "name", reason: "adopt: true takes over one existing device, so name must be its exact name (no %d template)" }];
  }
  return [];
};

/** The logical resource name inside a managedBy identity ("project/stack/resource"). */
export function resourcePartOf(managedBy: string): string {
  return managedBy.split("/").slice(2).join("/");
}

/**
 * The name of a device declared without one. It is derived from the resource's identity when first checked;
 * when the identity changes later (a resource renamed with an alias, a renamed stack) the device keeps its
 * name, so that a rename never replaces it, and the identity the name came from is kept as `nameDerivedFrom`.
 * `previousFallbackPrefix` is the prefix the old inputs would have fallen back on.
 */
export function derivedName(
  olds: Record<string, unknown>,
  managedBy: string,
  type: "TapInterface" | "Bridge",
  fallbackPrefix: string,
  previousFallbackPrefix: string,
): { name: string; nameDerivedFrom?: string } {
  const origin = typeof olds.nameDerivedFrom === "string" ? olds.nameDerivedFrom : derivedFromOldIdentity(olds, type, previousFallbackPrefix);
  if (origin !== undefined && origin !== managedBy && typeof olds.name === "string") return { name: olds.name, nameDerivedFrom: origin };
  return { name: deriveInterfaceName(resourcePartOf(managedBy), `${type}:${managedBy}`, fallbackPrefix) };
}

/** The old identity, when the old name was derived from it. */
function derivedFromOldIdentity(olds: Record<string, unknown>, type: string, fallbackPrefix: string): string | undefined {
  const { name, managedBy } = olds;
  if (typeof name !== "string" || typeof managedBy !== "string") return undefined;
  return deriveInterfaceName(resourcePartOf(managedBy), `${type}:${managedBy}`, fallbackPrefix) === name ? managedBy : undefined;
}

/**
 * check: validates and normalises, and gives a name to a device declared without one (see
 * deriveInterfaceName). `olds` are the inputs the previous check returned; a random name chosen then is kept.
 */
export function checkTapInterface(olds: Record<string, unknown>, news: Record<string, unknown>): CheckOutcome<TapInterfaceInputs> {
  const outcome = checkInputs<TapInterfaceInputs>(tapInterfaceInputsSchema, news, [
    mtuInRangeForMode,
    tunHasNoLinkLayer,
    adoptNeedsExactName,
    ipv6NeedsMinimumMtu,
  ]);
  if (outcome.value === undefined || outcome.value.name !== undefined || outcome.unknown.has("name")) return outcome;
  const named = nameForUnnamed(outcome.value, outcome.unknown, olds);
  if (named === undefined) return outcome;
  Object.assign(outcome.value, named);
  Object.assign(outcome.inputs, named);
  return outcome;
}

function nameForUnnamed(
  value: Partial<TapInterfaceInputs>,
  unknown: ReadonlySet<string>,
  olds: Record<string, unknown>,
): { name: string; nameDerivedFrom?: string } | undefined {
  const prefix = value.mode ?? "tap";
  // The hash covers the resource type too: a Bridge and a TapInterface may share a logical name in one stack.
  if (value.managedBy !== undefined) return derivedName(olds, value.managedBy, "TapInterface", prefix, typeof olds.mode === "string" ? olds.mode : "tap");
  // Without an identity the name can only be derived from the managedBy that is still unknown: wait for it.
  if (unknown.has("managedBy")) return undefined;
  if (typeof olds.name === "string") return { name: olds.name };
  return { name: randomInterfaceName(prefix, randomBytes(4).toString("hex")) };
}
