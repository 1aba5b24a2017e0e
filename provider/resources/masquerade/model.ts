// The Masquerade model: a lab's source prefixes masqueraded out of an uplink (or out of any device but the lab's
// own), with forwarding accepted out and established/related replies accepted back in — what libvirt's NAT
// network, NetworkManager's `ipv4.method shared`, systemd-networkd's `IPMasquerade=` and Docker's bridge set up.
// Its table's name and its state. Pure. Its inputs (schema, normalisation, the rules between them) are in schema.ts.
//
// Everything a Masquerade makes lives in one nf_tables table of its own (inet: IPv4 and IPv6 together), named
// after the resource and marked with its ownership stamp as the table's comment.
import { resourcePartOf } from "../../model/linkRules";
import { deriveInterfaceName, randomInterfaceName } from "../../model/names";
import type { ForeignChain } from "./forwardDrop";
import type { MasqueradeInputs } from "./schema";

/** Every table a Masquerade makes is named "pulumi-…": `nft list tables` shows at a glance which are ours. */
export const MASQUERADE_TABLE_PREFIX = "pulumi-";

/** What the provider stores: the inputs as the table holds them, where the table is, and what a read found. */
export interface MasqueradeState extends MasqueradeInputs {
  /** The nf_tables table (family inet) holding the rules. */
  table: string;
  /** The ownership stamp: the table's comment. */
  stamp: string;
  /** How the table read back differs from what it should hold (rules deleted or changed by hand…); empty when in sync. */
  drift: string[];
  /**
   * Other programs' forward chains whose policy is drop and whose rules do not plainly let the lab's traffic through:
   * an accept in our table cannot get a packet past them.
   */
  forwardDropChains: ForeignChain[];
}

/**
 * The table's name: "pulumi-" and the name deriveInterfaceName makes from the resource's identity ("pulumi-nat-3f9a2c"),
 * so that a create interrupted before its state was saved finds its table again; without an identity, the one
 * chosen before or a random one.
 */
export function masqueradeTableName(managedBy: string | undefined, previous: string | undefined, randomHex: string): string {
  if (managedBy !== undefined) return MASQUERADE_TABLE_PREFIX + deriveInterfaceName(resourcePartOf(managedBy), `Masquerade:${managedBy}`, "nat");
  return previous ?? MASQUERADE_TABLE_PREFIX + randomInterfaceName("nat", randomHex);
}
