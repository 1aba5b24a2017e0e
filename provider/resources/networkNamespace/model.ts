// The NetworkNamespace model: its state and diff. Pure. Its inputs (schema, defaults, check) are in schema.ts,
// which only check loads.
import type { Properties } from "../../model/check";
import { differs, type DiffOutcome } from "../../model/linkDiff";
import type { Named } from "../../model/linkRules";
import type { NetworkNamespaceInputs } from "./schema";

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
