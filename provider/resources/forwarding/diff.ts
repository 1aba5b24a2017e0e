// The Forwarding diff. Pure.
//
// Another namespace needs switches raised there (and the old ones released, which never disturbs the new); what
// is switched on, on which devices, and the identity, change in place; so does drift found by a refresh (a switch
// lowered by hand), which an update raises again.
import type { Properties } from "../../model/check";
import { differs, type DiffOutcome, sameAddressSet } from "../../model/linkDiff";
import { containsUnknown } from "../../model/unknown";

/** Both absent (the global switches), or the same set of devices. */
function sameDevices(next: unknown, previous: unknown): boolean {
  if (containsUnknown(next)) return false;
  if (next === undefined || previous === undefined) return next === previous;
  return Array.isArray(next) && Array.isArray(previous) && sameAddressSet(next as string[], previous as string[]);
}

export function diffForwarding(olds: Properties, news: Properties): DiffOutcome {
  const replaces = differs(news.netns, olds.netns) ? ["netns"] : [];
  const updates: string[] = [];
  if (differs(news.ipv4 ?? true, olds.ipv4)) updates.push("ipv4");
  if (differs(news.ipv6 ?? false, olds.ipv6)) updates.push("ipv6");
  if (!sameDevices(news.devices, olds.devices)) updates.push("devices");
  if (news.managedBy !== undefined && differs(news.managedBy, olds.managedBy)) updates.push("managedBy");
  if (Array.isArray(olds.drift) && olds.drift.length > 0) updates.push("drift");
  return { changes: replaces.length > 0 || updates.length > 0, replaces, deleteBeforeReplace: false };
}
