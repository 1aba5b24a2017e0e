// The Forwarding model: IP forwarding turned on for a stack's labs, in the caller's or a named network namespace,
// globally (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding: what libvirt, NetworkManager's shared mode and
// Docker set) or on named devices only (as systemd-networkd's per-link IPv4Forwarding=/IPv6Forwarding= do).
// Its switches, state, claim and what to do with a switch on delete. Pure. Its inputs (schema, check) are in
// schema.ts.
//
// A Forwarding only ever raises switches. It records the value each had before any stack raised it, claims it
// (a claim other stacks can read: see the kernel's forwardingClaims), and on delete lowers it again only when it
// raised it and no other claim remains: a value the admin, another program or another stack set is never lowered.
import { resourcePartOf } from "../../model/linkRules";
import { deriveInterfaceName, randomInterfaceName } from "../../model/names";
import type { ForwardingInputs } from "./schema";

/** One switch: a version's global switch, or one device's. */
export interface ForwardingSwitch {
  version: 4 | 6;
  device?: string;
}

export interface ForwardingSwitchState extends ForwardingSwitch {
  /** Its value before any stack raised it: what a delete may restore. */
  found: 0 | 1;
}

export interface ForwardingState extends ForwardingInputs {
  switches: ForwardingSwitchState[];
  /** The nf_tables table that carries this resource's claim, so other stacks see it. */
  claim: string;
  stamp: string;
  /** Switches found lowered by a read (by hand, or by a global switch written to 0); empty when all are up. */
  drift: string[];
}

/** The switches the inputs ask for, IPv4 first. */
export function forwardingSwitches(inputs: Pick<ForwardingInputs, "ipv4" | "ipv6" | "devices">): ForwardingSwitch[] {
  const versions = ([4, 6] as const).filter((version) => (version === 4 ? inputs.ipv4 : inputs.ipv6));
  return versions.flatMap((version) => (inputs.devices === undefined ? [{ version }] : inputs.devices.map((device) => ({ version, device }))));
}

/** Every claim's table is named "pulumi-…", as a Masquerade's: `nft list tables` shows at a glance which are a stack's. */
const CLAIM_TABLE_PREFIX = "pulumi-";

/** The claim table's name, after the resource's identity (as a Masquerade's table is); without one, a random name. */
export function forwardingClaimName(managedBy: string | undefined, randomHex: string): string {
  if (managedBy === undefined) return CLAIM_TABLE_PREFIX + randomInterfaceName("fwd", randomHex);
  return CLAIM_TABLE_PREFIX + deriveInterfaceName(resourcePartOf(managedBy), `Forwarding:${managedBy}`, "fwd");
}

/**
 * The value to record when raising a switch: its value before any stack raised it. If another stack's claim is
 * there, that stack saw the switch first, and what it found is the original; else the switch's value now.
 */
export function foundBeforeAnyStack(current: number, otherClaims: readonly { found: 0 | 1 }[]): 0 | 1 {
  if (otherClaims.length > 0) return otherClaims.some((claim) => claim.found === 0) ? 0 : 1;
  return current === 0 ? 0 : 1;
}

/** What releasing one switch (delete, or an update that drops it) does, and why: said to the user either way. */
export function releaseSwitch(found: 0 | 1, current: number, otherClaimants: readonly string[]): { lower: boolean; reason: string } {
  if (found === 1) return { lower: false, reason: "it was already on before this stack: left on, as the admin or another program set it" };
  if (current === 0) return { lower: false, reason: "it is off already" };
  if (otherClaimants.length > 0) return { lower: false, reason: `left on: ${otherClaimants.join(", ")} still need${otherClaimants.length === 1 ? "s" : ""} it` };
  return { lower: true, reason: "turned off again: this stack turned it on and nothing else claims it" };
}
