// The Masquerade inputs: schema, normalisation, the rules between them. Pure; loaded by the first check (zod with
// it), or by the first read of the inputs a state recorded.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import * as fields from "../../model/fields";
import type { ParsedCidr } from "../../model/ip";
import { comparePrefixes, formatPrefix, parseSourcePrefix, prefixWithin } from "./prefix";

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
