// What every resource's diff shares, and the parts every link resource's diff shares. Pure.
//
// `olds` are the stored outputs (the device as last seen), `news` the checked inputs, possibly holding
// unknown values during a preview. Properties left out of the inputs fall in two groups:
// - managed with a default (up, promiscuous, addresses, bridge): leaving them out means the default;
// - kept as found (mtu, macAddress, txQueueLength, description, owner, group): leaving them out means
//   "whatever the kernel chose or someone set", never a change.
import type { Properties } from "./check";
import { isNameTemplate, matchesNameTemplate } from "./names";
import { containsUnknown } from "./unknown";

/** A diff as Pulumi's dynamic providers return it. */
export interface DiffOutcome {
  changes: boolean;
  /** Properties whose change needs a new device. */
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** The outputs of every link that may be unset (no alias; the caller's namespace): recorded as null, see lifecycle/unsetOutputs.ts. */
export const LINK_UNSET_OUTPUTS: readonly string[] = ["description", "netns"];

/** What a diff found: the properties that need a new device, and those changed in place. */
export interface DiffFindings {
  replaces: string[];
  updates: string[];
}

export function differs(next: unknown, previous: unknown): boolean {
  if (containsUnknown(next)) return true;
  return next !== previous;
}

/** Two address lists hold the same set of addresses (order is not meaningful to the kernel). */
export function sameAddressSet(next: readonly string[], previous: readonly string[]): boolean {
  const a = new Set(next);
  const b = new Set(previous);
  return a.size === b.size && [...a].every((address) => b.has(address));
}

/** The strings of a list property (absent: none). */
function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
}

/** A fixed name must equal the device's; a template ("tap%d") is satisfied by any name it could produce. */
export function nameDiffers(next: unknown, previous: unknown): boolean {
  if (containsUnknown(next)) return true;
  if (typeof next !== "string" || typeof previous !== "string") return next !== previous;
  return isNameTemplate(next) ? !matchesNameTemplate(next, previous) : next !== previous;
}

/**
 * What a link resource's diff always compares: the name, the namespace and the settings every link has. `id`
 * is the name the device was created (or adopted) under. A declared name the id cannot satisfy needs a new
 * device; a device renamed by hand since then (its refreshed name differs) is renamed back in place, as
 * `ip link set … name` would, keeping its ifindex and whatever has it open.
 */
export function diffLink(id: string, olds: Properties, news: Properties): DiffFindings {
  const findings: DiffFindings = { replaces: [], updates: [] };
  if (nameDiffers(news.name, id)) findings.replaces.push("name");
  else if (nameDiffers(news.name, olds.name)) findings.updates.push("name");
  if (differs(news.netns, olds.netns)) findings.replaces.push("netns");
  for (const key of ["mtu", "txQueueLength"]) {
    if (news[key] !== undefined && differs(news[key], olds[key])) findings.updates.push(key);
  }
  if (news.macAddress !== undefined && differs(news.macAddress, olds.macAddress)) findings.updates.push("macAddress");
  if (news.description !== undefined && differs(news.description, olds.description ?? "")) findings.updates.push("description");
  if (containsUnknown(news.addresses) || !sameAddressSet(stringsOf(news.addresses), stringsOf(olds.addresses))) findings.updates.push("addresses");
  if (differs(news.up ?? true, olds.up)) findings.updates.push("up");
  // The identity the device is stamped for changes when the resource is renamed with an alias or the stack is
  // renamed: the same device is stamped anew in place, never replaced.
  if (news.managedBy !== undefined && differs(news.managedBy, olds.managedBy)) findings.updates.push("managedBy");
  return findings;
}

/**
 * A link's diff as Pulumi takes it. The old device always goes first on a replacement: a fixed name cannot
 * exist twice in one namespace; and a resource owns one device at a time: a create that finds a device stamped
 * for its own resource (a template's predecessor included) takes it back, which must never be the device it is
 * replacing.
 */
export function linkDiffOutcome(findings: DiffFindings): DiffOutcome {
  const changes = findings.replaces.length > 0 || findings.updates.length > 0;
  return { changes, replaces: findings.replaces, deleteBeforeReplace: findings.replaces.length > 0 };
}
