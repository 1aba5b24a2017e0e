// The Masquerade diff. Pure.
//
// The table is always written whole, in one transaction that swaps the old for the new (no packet sees anything
// between), so every change of what it holds is an update in place: sources, devices, ports, the identity it is
// stamped for, and drift found by a refresh (a rule deleted or changed by hand), which an update repairs. Only
// another network namespace needs a new table: it is made there before the old one goes (they never clash).
import type { Properties } from "../../model/check";
import { differs, type DiffOutcome, sameAddressSet } from "../../model/linkDiff";
import { containsUnknown } from "../../model/unknown";

function sameSources(next: unknown, previous: unknown): boolean {
  if (containsUnknown(next) || !Array.isArray(next) || !Array.isArray(previous)) return false;
  return sameAddressSet(next as string[], previous as string[]);
}

function samePorts(next: unknown, previous: unknown): boolean {
  if (containsUnknown(next)) return false;
  const a = next as { start?: unknown; end?: unknown } | undefined;
  const b = previous as { start?: unknown; end?: unknown } | undefined;
  return a?.start === b?.start && a?.end === b?.end;
}

export function diffMasquerade(olds: Properties, news: Properties): DiffOutcome {
  const replaces = differs(news.netns, olds.netns) ? ["netns"] : [];
  const updates: string[] = [];
  if (!sameSources(news.sources, olds.sources)) updates.push("sources");
  for (const key of ["device", "egressDevice"]) if (differs(news[key], olds[key])) updates.push(key);
  if (!samePorts(news.sourcePorts, olds.sourcePorts)) updates.push("sourcePorts");
  if (news.managedBy !== undefined && differs(news.managedBy, olds.managedBy)) updates.push("managedBy");
  if (Array.isArray(olds.drift) && olds.drift.length > 0) updates.push("drift");
  return { changes: replaces.length > 0 || updates.length > 0, replaces, deleteBeforeReplace: false };
}
