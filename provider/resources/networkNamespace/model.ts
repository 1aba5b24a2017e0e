// The NetworkNamespace model: inputs, defaults, state and diff. Pure.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import * as fields from "../../model/fields";
import { differs, type DiffOutcome } from "../../model/linkDiff";
import { type Named, nameUnnamedLink } from "../../model/linkRules";

export const networkNamespaceInputsSchema = z.strictObject({
  name: fields.namespaceName.optional(),
  /** `ip netns add` leaves lo down; nearly everything run inside needs it (127.0.0.1, ::1), so it is up by default. */
  loopbackUp: z.boolean().default(true),
  adopt: z.boolean().default(false),
  managedBy: fields.managedBy.optional(),
  /** Set by check, not by users: the identity a derived name was made from, once the identity has changed. */
  nameDerivedFrom: fields.managedBy.optional(),
});

export type NetworkNamespaceInputs = z.output<typeof networkNamespaceInputsSchema>;

/** The complete, named inputs create and update work from. */
export type NetworkNamespaceSpec = Named<NetworkNamespaceInputs>;

export interface NetworkNamespaceState {
  name: string;
  /** /run/netns/NAME: what setns(2), `ip netns exec` and `nsenter --net=` take. */
  path: string;
  loopbackUp: boolean;
  adopt: boolean;
  managedBy?: string;
  nameDerivedFrom?: string;
  /** The ownership stamp, carried as an altname of the namespace's lo. */
  stamp: string;
}

/** adopt takes over one existing namespace, so it must be named: a derived name would adopt whatever has that name. */
const adoptNeedsName: CrossFieldRule<NetworkNamespaceInputs> = (value, unknown) =>
  value.adopt === true && value.name === undefined && !unknown.has("name")
    ? [{ property: "name", reason: "adopt: true takes over one existing network namespace, so name must be given: its exact name" }]
    : [];

export function checkNetworkNamespace(olds: Properties, news: Properties): CheckOutcome<NetworkNamespaceInputs> {
  const outcome = checkInputs(networkNamespaceInputsSchema, news, [adoptNeedsName]);
  return nameUnnamedLink(outcome, olds, "NetworkNamespace", "ns");
}

/**
 * A new name is a new namespace (a namespace cannot be renamed while anything holds its path); lo's state and
 * the identity the namespace is stamped for change in place. The new namespace is made before the old one
 * goes: they have different names, and devices placed in the old one move to the new one in between.
 */
export function diffNetworkNamespace(id: string, olds: Properties, news: Properties): DiffOutcome {
  const replaces = differs(news.name, id) ? ["name"] : [];
  const updates: string[] = [];
  if (differs(news.loopbackUp ?? true, olds.loopbackUp)) updates.push("loopbackUp");
  if (news.managedBy !== undefined && differs(news.managedBy, olds.managedBy)) updates.push("managedBy");
  return { changes: replaces.length > 0 || updates.length > 0, replaces, deleteBeforeReplace: false };
}
