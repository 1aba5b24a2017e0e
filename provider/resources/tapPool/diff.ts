// What a change of inputs means for a TapPool that exists, device by device. Pure.
//
// `olds` are the pool's outputs (each device as last seen, by key), `news` the checked inputs. The pool is replaced
// only when what every device was made with changes (mode, queue type) or its namespace does; anything else is an
// update of the pool that touches only the devices whose key was added or removed, or whose settings differ —
// a device's name included, which changes in place (`ip link set … name`), since a device's identity in a pool is
// its key.
import type { Properties } from "../../model/check";
import { differs, type DiffOutcome } from "../../model/linkDiff";
import { diffTapInterface, type ResolvedPrincipals } from "../tapInterface/diff";
import { deviceSpec } from "./model";
import { checkTapPool, type TapPoolDevice, type TapPoolInputs } from "./schema";

/** The devices an update of the pool touches, by key. */
export interface PoolPlan {
  added: string[];
  removed: string[];
  changed: string[];
}

function recordOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Which keys an update adds, removes and changes. `resolve` turns a device's owner and group into ids as this
 * host knows them (names are resolved by the resource layer).
 */
export function planPool(olds: Properties, news: TapPoolInputs, resolve: (device: { owner?: unknown; group?: unknown }) => ResolvedPrincipals): PoolPlan {
  const before = recordOf(olds.devices);
  const plan: PoolPlan = { added: [], removed: Object.keys(before).filter((key) => news.devices[key] === undefined), changed: [] };
  const flags = { mode: olds.mode, multiQueue: olds.multiQueue };
  for (const [key, device] of Object.entries(news.devices) as [string, TapPoolDevice][]) {
    const found = before[key];
    if (found === undefined) {
      plan.added.push(key);
      continue;
    }
    const previous = recordOf(found);
    // A device is compared as the TapInterface it is; its name is its own setting here, not its identity, and
    // its stamp's identity follows the pool's (compared once, for the pool).
    const { managedBy: _identity, ...spec } = deviceSpec(news, key, device);
    const { changes } = diffTapInterface(String(previous.name), { ...previous, ...flags, netns: olds.netns }, spec, resolve(spec));
    if (changes) plan.changed.push(key);
  }
  return plan;
}

/** The pool's diff as Pulumi takes it; unknown inputs (a preview) may change anything they reach. */
export function diffTapPool(olds: Properties, news: Properties, resolve: (device: { owner?: unknown; group?: unknown }) => ResolvedPrincipals): DiffOutcome {
  const checked = checkTapPool({}, news);
  const template = recordOf(checked.value?.template ?? news.template);
  const replaces: string[] = [];
  if (differs(template.mode ?? "tap", olds.mode)) replaces.push("template.mode");
  if (differs(template.multiQueue ?? false, olds.multiQueue ?? false)) replaces.push("template.multiQueue");
  if (differs(news.netns, olds.netns)) replaces.push("netns");
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: true };
  const identityChanged = news.managedBy !== undefined && differs(news.managedBy, olds.managedBy);
  if (checked.complete === undefined || identityChanged) return { changes: true, replaces: [], deleteBeforeReplace: false };
  const plan = planPool(olds, checked.complete, resolve);
  const changes = plan.added.length > 0 || plan.removed.length > 0 || plan.changed.length > 0;
  return { changes, replaces: [], deleteBeforeReplace: false };
}
