// Diffs: what a change of inputs means for a device that exists. Pure.
//
// `olds` are the stored outputs (the device as last seen), `news` the checked inputs, possibly holding
// unknown values during a preview. Properties left out of the inputs fall in two groups:
// - managed with a default (up, promiscuous, addresses, bridge): leaving them out means the default;
// - kept as found (mtu, macAddress, txQueueLength, description, owner, group): leaving them out means
//   "whatever the kernel chose or someone set", never a change.
import { isNameTemplate, matchesNameTemplate } from "./names";
import { containsUnknown } from "./unknown";

export interface DiffOutcome {
  changes: boolean;
  /** Properties whose change needs a new device. */
  replaces: string[];
  /** Properties changed in place. */
  updates: string[];
  deleteBeforeReplace: boolean;
}

type Properties = Record<string, unknown>;

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

/** A fixed name must equal the device's; a template ("tap%d") is satisfied by any name it could produce. */
export function nameDiffers(next: unknown, previous: unknown): boolean {
  if (containsUnknown(next)) return true;
  if (typeof next !== "string" || typeof previous !== "string") return next !== previous;
  return isNameTemplate(next) ? !matchesNameTemplate(next, previous) : next !== previous;
}

/**
 * The name. `id` is the name the device was created (or adopted) under. A declared name the id cannot satisfy
 * needs a new device; a device renamed by hand since then (its refreshed name differs) is renamed back in place,
 * as `ip link set … name` would, keeping its ifindex and whatever has it open.
 */
function diffName(id: string, olds: Properties, news: Properties, replaces: string[], updates: string[]): void {
  if (nameDiffers(news.name, id)) replaces.push("name");
  else if (nameDiffers(news.name, olds.name)) updates.push("name");
}

/** The settings every link resource shares, compared in place. */
export function diffLinkSettings(olds: Properties, news: Properties, updates: string[]): void {
  for (const key of ["mtu", "txQueueLength"]) {
    if (news[key] !== undefined && differs(news[key], olds[key])) updates.push(key);
  }
  if (news.macAddress !== undefined && differs(news.macAddress, olds.macAddress)) updates.push("macAddress");
  if (news.description !== undefined && differs(news.description, olds.description ?? "")) updates.push("description");
  const addresses = news.addresses ?? [];
  if (containsUnknown(addresses) || !sameAddressSet(addresses as string[], (olds.addresses as string[] | undefined) ?? [])) {
    updates.push("addresses");
  }
  if (differs(news.up ?? true, olds.up)) updates.push("up");
}

function outcome(replaces: string[], updates: string[]): DiffOutcome {
  return {
    changes: replaces.length > 0 || updates.length > 0,
    replaces,
    updates,
    // The old device always goes first. A fixed name cannot exist twice in one namespace; and a resource
    // owns one device at a time: a create that finds a device stamped for its own resource (a template's
    // predecessor included) takes it back, which must never be the device it is replacing.
    deleteBeforeReplace: replaces.length > 0,
  };
}

export interface ResolvedPrincipals {
  owner?: number;
  group?: number;
}

/**
 * packetInfo and vnetHdr are not compared: they are the flags the device starts with, and the process that
 * opens it (QEMU, Firecracker, a VPN daemon) sets its own, which the kernel keeps. Treating that as drift
 * would mean fighting the VMM; the outputs report what the device has now.
 */
export function diffTapInterface(id: string, olds: Properties, news: Properties, resolved: ResolvedPrincipals): DiffOutcome {
  const replaces: string[] = [];
  const updates: string[] = [];
  diffName(id, olds, news, replaces, updates);
  if (differs(news.mode ?? "tap", olds.mode)) replaces.push("mode");
  if (differs(news.multiQueue ?? false, olds.multiQueue ?? false)) replaces.push("multiQueue");
  if (differs(news.netns, olds.netns)) replaces.push("netns");
  for (const key of ["owner", "group"] as const) {
    if (news[key] === undefined) continue;
    if (containsUnknown(news[key]) || resolved[key] !== olds[key]) updates.push(key);
  }
  diffLinkSettings(olds, news, updates);
  if (differs(news.promiscuous ?? false, olds.promiscuous)) updates.push("promiscuous");
  if (differs(news.bridge, olds.bridge)) updates.push("bridge");
  return outcome(replaces, updates);
}

export function diffBridge(id: string, olds: Properties, news: Properties): DiffOutcome {
  const replaces: string[] = [];
  const updates: string[] = [];
  diffName(id, olds, news, replaces, updates);
  if (differs(news.netns, olds.netns)) replaces.push("netns");
  diffLinkSettings(olds, news, updates);
  if (differs(news.stp ?? false, olds.stp)) updates.push("stp");
  return outcome(replaces, updates);
}
