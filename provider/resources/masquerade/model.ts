// The Masquerade model: a lab's source prefixes masqueraded out of an uplink (or out of any device but the lab's
// own), with forwarding accepted out and established/related replies accepted back in — what libvirt's NAT
// network, NetworkManager's `ipv4.method shared`, systemd-networkd's `IPMasquerade=` and Docker's bridge set up.
// Inputs (schema, normalisation, the rules between them) and state. Pure.
//
// Everything a Masquerade makes lives in one nf_tables table of its own (inet: IPv4 and IPv6 together), named
// after the resource and marked with its ownership stamp as the table's comment.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import * as fields from "../../model/fields";
import type { ParsedCidr } from "../../model/ip";
import { resourcePartOf } from "../../model/linkRules";
import { deriveInterfaceName, randomInterfaceName } from "../../model/names";
import type { ForeignChain } from "./forwardDrop";
import { comparePrefixes, formatPrefix, parseSourcePrefix, prefixWithin } from "./prefix";

/** Every table a Masquerade makes is named "pulumi-…": `nft list tables` shows at a glance which are ours. */
export const MASQUERADE_TABLE_PREFIX = "pulumi-";

const sourcePrefix = z.string().transform((text, ctx) => {
  const parsed = parseSourcePrefix(text);
  if (typeof parsed === "string") {
    ctx.addIssue({ code: "custom", message: parsed });
    return z.NEVER;
  }
  return parsed;
});

/**
 * The lab's prefixes, each a network (no host bits); none twice or inside another (its rules would never be the
 * ones that match). Normalised to canonical text in one order (IPv4 first), so that reordering them is no change.
 */
const sources = z
  .array(sourcePrefix)
  .superRefine((list, ctx) => {
    if (list.length === 0) ctx.addIssue({ code: "custom", message: 'name at least one prefix of the lab, e.g. "10.0.0.0/24"' });
    list.forEach((prefix, index) => {
      const outer = list.findIndex((other, position) => position !== index && prefixWithin(prefix, other) && (position < index || !prefixWithin(other, prefix)));
      if (outer === -1) return;
      const same = prefix.prefixLength === list[outer]?.prefixLength;
      ctx.addIssue({ code: "custom", path: [index], message: `${formatPrefix(prefix)} ${same ? "repeats" : "lies within"} sources[${outer}] ${formatPrefix(list[outer] as ParsedCidr)}` });
    });
  })
  .transform((list) => [...list].sort(comparePrefixes).map(formatPrefix));

const port = z.number().int().min(1).max(65535);

/** Source ports TCP and UDP are mapped into, as libvirt's `<nat><port start='1024' end='65535'/></nat>`. */
const sourcePorts = z
  .looseObject({ start: port, end: port })
  .superRefine((range, ctx) => {
    for (const key of Object.keys(range).filter((key) => key !== "start" && key !== "end")) {
      ctx.addIssue({ code: "custom", path: [key], message: `unknown property "${key}"; a port range has start and end` });
    }
    if (range.start > range.end) ctx.addIssue({ code: "custom", path: ["end"], message: `must be at least start (${range.start}), got ${range.end}` });
  })
  .transform(({ start, end }) => ({ start, end }));

export const masqueradeInputsSchema = z.strictObject({
  sources,
  /** The lab's own device: the bridge (or tun, or veth end) the sources live behind. */
  device: fields.interfaceName({ allowTemplate: false }),
  /** The uplink. Absent: any device but the lab's own, as Docker and NetworkManager do. */
  egressDevice: fields.interfaceName({ allowTemplate: false }).optional(),
  /** Absent: source ports are kept where possible (the kernel's masquerade default). */
  sourcePorts: sourcePorts.optional(),
  netns: fields.namespaceName.optional(),
  managedBy: fields.managedBy.optional(),
});

export type MasqueradeInputs = z.output<typeof masqueradeInputsSchema>;

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

const egressIsNotTheLab: CrossFieldRule<MasqueradeInputs> = (value, unknown) => {
  if (value.egressDevice === undefined || unknown.has("egressDevice") || unknown.has("device") || value.egressDevice !== value.device) return [];
  return [
    {
      property: "egressDevice",
      reason: `"${value.egressDevice}" is the lab's own device: traffic masqueraded out of the lab would come straight back into it. Name the uplink, or leave egressDevice out for any device but the lab's`,
    },
  ];
};

export function checkMasquerade(_olds: Properties, news: Properties): CheckOutcome<MasqueradeInputs> {
  return checkInputs(masqueradeInputsSchema, news, [egressIsNotTheLab]);
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
