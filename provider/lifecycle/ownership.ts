// Which objects are ours: the ownership stamp (see ../model/stamp.ts) decides, and this module applies it to any
// object that carries one — a link's altname, a namespace's lo's altname — through the kind's StampCarrier.
import { findStamp, isStampFor, newStamp, siblingResourceOf } from "../model/stamp";
import type { Step } from "./steps";

/** How one kind of object carries stamps: read, added and removed through the object itself. */
export interface StampCarrier<Found> {
  /** What step descriptions call the object that carries the stamp ("tap0", "lo"). */
  nameOf(found: Found): string;
  /** Every name it carries that could be a stamp (a link's altnames). */
  stampsOf(found: Found, operation: string): readonly string[];
  addStamp(found: Found, stamp: string, operation: string): void;
  removeStamp(found: Found, stamp: string, operation: string): void;
}

/**
 * The stamp of an object this very resource made in a run that never recorded it (the provider was killed, say):
 * one naming the same project, stack and resource. An anonymous identity proves nothing. Whether the object is
 * also of the kind this resource makes is the kind's to say.
 */
export function reclaimableStamp(stamps: readonly string[], identity: string | undefined): string | undefined {
  if (identity === undefined || identity === "") return undefined;
  const stamp = findStamp(stamps);
  return stamp !== undefined && isStampFor(stamp, identity) ? stamp : undefined;
}

/** How messages speak of one kind of stamped object, for stampedForAnotherOwner. */
export interface StampedObjectWords {
  /** "device", "network namespace". */
  noun: string;
  /** Where the stamp sits, after the stamp in a message: "" on a device itself, " on its lo" for a namespace. */
  carrier: string;
  /** The object as "remove … from that stack" names it. */
  name: string;
  /** The command that releases it: `ip link property del dev tap0 altname <stamp>`. */
  release: string;
}

/**
 * Why an object stamped for another stack or resource cannot be taken, and what to do. Only a person can tell
 * whether that owner still manages it or has let it go (retainOnDelete, a stack removed without a destroy).
 */
export function stampedForAnotherOwner(stamp: string, identity: string | undefined, words: StampedObjectWords, adopting: boolean): string {
  const sibling = identity === undefined ? undefined : siblingResourceOf(stamp, identity);
  const short = words.noun.split(" ").at(-1) ?? words.noun;
  if (sibling !== undefined) {
    return (
      `it is the ${words.noun} of this stack's resource "${sibling}" (stamp ${stamp}${words.carrier}). If you renamed that resource, declare its old ` +
      `name as an alias (\`aliases: [{ name: "${sibling}" }]\`) so that it keeps its ${short}; otherwise give this resource another ${short} name`
    );
  }
  return (
    `it is already managed by another Pulumi stack or resource (stamp ${stamp}${words.carrier}, which names its project, stack and resource), and two ` +
    `stacks never manage one ${short}. Choose another name, or remove ${words.name} from that stack first. If nothing manages it any more (it was kept ` +
    `by retainOnDelete, or its stack was removed without a destroy), release it with \`${words.release}\` and ` +
    (adopting ? "run `pulumi up` again" : "set `adopt: true`")
  );
}

/** Adds the stamp as a step, so an adoption that fails later removes it again. */
export function stampStep<Found>(carrier: StampCarrier<Found>, found: Found, stamp: string, operation: string): Step {
  return {
    description: `stamp ${carrier.nameOf(found)} as managed by this stack`,
    apply: () => carrier.addStamp(found, stamp, operation),
    undo: () => carrier.removeStamp(found, stamp, operation),
  };
}

/** Removes a stamp the object carried for its former identity, as a step (undone by adding it again). */
export function unstampStep<Found>(carrier: StampCarrier<Found>, found: Found, stamp: string, operation: string): Step {
  return {
    description: `remove ${carrier.nameOf(found)}'s stamp for its former identity`,
    apply: () => carrier.removeStamp(found, stamp, operation),
    undo: () => carrier.addStamp(found, stamp, operation),
  };
}

/** The stamp for the resource's identity now: `stamp` when it is for that identity already (or there is none to follow), else a new one. */
export function renewedStamp(stamp: string, identity: string | undefined): string {
  return identity === undefined || identity === "" || isStampFor(stamp, identity) ? stamp : newStamp(identity);
}

/**
 * For an update: the stamp the object should carry for the resource's identity now, and the steps that put it
 * there. A resource renamed with an alias, or a renamed stack, keeps its object; the stamp follows the new
 * identity (added, then the old one removed), so that the old identity — a new stack of the old name, say — can
 * never take the object back as its own. A stamp for the new identity left by an interrupted update is reused.
 */
export function restamp<Found>(
  carrier: StampCarrier<Found>,
  found: Found,
  stamp: string,
  identity: string | undefined,
  operation: string,
): { stamp: string; steps: Step[] } {
  if (identity === undefined || identity === "" || isStampFor(stamp, identity)) return { stamp, steps: [] };
  const existing = carrier.stampsOf(found, operation).find((name) => isStampFor(name, identity));
  const renewed = existing ?? newStamp(identity);
  const removeOld = unstampStep(carrier, found, stamp, operation);
  return { stamp: renewed, steps: existing === undefined ? [stampStep(carrier, found, renewed, operation), removeOld] : [removeOld] };
}
