// Which devices are ours: the ownership stamp (see ../model/stamp.ts) decides, and this module applies it.
import type { ErrorContext, Link, RouteNetlink } from "../kernel";
import { findStamp, isStampFor } from "../model";
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

/** Adds the stamp as a step, so an adoption that fails later removes it again. */
export function stampStep(netlink: RouteNetlink, link: Link, stamp: string, context: ErrorContext): Step {
  return {
    description: `stamp ${link.name} as managed by this stack`,
    apply: () => netlink.addAltName(link.index, stamp, context),
    undo: () => netlink.deleteAltName(link.index, stamp, context),
  };
}
