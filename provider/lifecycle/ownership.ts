// Which devices are ours: the ownership stamp (see ../model/stamp.ts) decides, and this module applies it.
import type { ErrorContext, Link, RouteNetlink } from "../kernel";
import { findStamp, isStampFor, newStamp, siblingResourceOf } from "../model";
import { ForeignDeviceError } from "./errors";
import type { Step } from "./steps";

/** The device is the one recorded in the state: it carries the stamp written when it was created or adopted. */
function isOurs(link: Link, stamp: unknown): boolean {
  return typeof stamp === "string" && link.altNames.includes(stamp);
}

export function assertOurs(link: Link, stamp: unknown, operation: string): void {
  if (!isOurs(link, stamp)) {
    throw new ForeignDeviceError(operation, link.name, typeof stamp === "string" ? stamp : undefined, findStamp(link.altNames));
  }
}

/**
 * A device this very resource made in a run that never recorded it (the provider was killed, say): it
 * carries a stamp naming the same project, stack and resource, and is of the kind this resource makes (a
 * Bridge and a TapInterface may share a logical name, and so a stamp's owner part). An anonymous identity
 * proves nothing.
 */
export function reclaimableStamp(link: Link, identity: string | undefined, isSameKind: (link: Link) => boolean): string | undefined {
  if (identity === undefined || identity === "" || !isSameKind(link)) return undefined;
  const stamp = findStamp(link.altNames);
  return stamp !== undefined && isStampFor(stamp, identity) ? stamp : undefined;
}

/**
 * Why a device stamped for another stack or resource cannot be taken, and what to do. Only a person can tell
 * whether that owner still manages it or has let it go (retainOnDelete, a stack removed without a destroy).
 */
export function stampedForAnotherOwner(name: string, stamp: string, identity: string | undefined, adopting: boolean): string {
  const sibling = identity === undefined ? undefined : siblingResourceOf(stamp, identity);
  if (sibling !== undefined) {
    return (
      `it is the device of this stack's resource "${sibling}" (stamp ${stamp}). If you renamed that resource, declare its old name ` +
      `as an alias (\`aliases: [{ name: "${sibling}" }]\`) so that it keeps its device; otherwise give this resource another device name`
    );
  }
  return (
    `it is already managed by another Pulumi stack or resource (stamp ${stamp}, which names its project, stack and resource), and two stacks ` +
    `never manage one device. Choose another name, or remove ${name} from that stack first. If nothing manages it any more (it was kept by ` +
    `retainOnDelete, or its stack was removed without a destroy), release it with \`ip link property del dev ${name} altname ${stamp}\` and ` +
    (adopting ? "run `pulumi up` again" : "set `adopt: true`")
  );
}

/** Adds the stamp as a step, so an adoption that fails later removes it again. */
export function stampStep(netlink: RouteNetlink, link: Link, stamp: string, context: ErrorContext): Step {
  return {
    description: `stamp ${link.name} as managed by this stack`,
    apply: () => netlink.addAltName(link.index, stamp, context),
    undo: () => netlink.deleteAltName(link.index, stamp, context),
  };
}

/**
 * For an update: the stamp the device should carry for the resource's identity now, and the steps that put
 * it there. A resource renamed with an alias, or a renamed stack, keeps its device; the stamp follows the new
 * identity (added, then the old one removed), so that the old identity — a new stack of the old name, say —
 * can never take the device back as its own. A stamp for the new identity left by an interrupted update is
 * reused.
 */
export function restamp(netlink: RouteNetlink, link: Link, stamp: string, identity: string | undefined, context: ErrorContext): { stamp: string; steps: Step[] } {
  if (identity === undefined || identity === "" || isStampFor(stamp, identity)) return { stamp, steps: [] };
  const existing = link.altNames.find((altName) => isStampFor(altName, identity));
  const renewed = existing ?? newStamp(identity);
  const removeOld = unstampStep(netlink, link, stamp, context);
  return { stamp: renewed, steps: existing === undefined ? [stampStep(netlink, link, renewed, context), removeOld] : [removeOld] };
}

/** Removes a stamp the device carried for its former identity, as a step (undone by adding it again). */
export function unstampStep(netlink: RouteNetlink, link: Link, stamp: string, context: ErrorContext): Step {
  return {
    description: `remove ${link.name}'s stamp for its former identity`,
    apply: () => netlink.deleteAltName(link.index, stamp, context),
    undo: () => netlink.addAltName(link.index, stamp, context),
  };
}
