// What every kind of link shares, written once on the lifecycle (../lifecycle/kind.ts) from a kind's LinkHooks
// (hooks.ts): a device is found by the stamp it carries as an altname (which survives renames), made by its kind's
// own request, configured in one go when new and step by step otherwise, and deleted in batches; the state's
// stamp, adopt, netns and managedBy are added here for every kind.
import { DeviceExistsError, type ErrnoMeanings, type ErrorContext } from "../kernel/errors";
import type { Link } from "../kernel/netlink/link";
import { type RouteNetlink, rtnetlink, rtnetlinkIfExists } from "../kernel/rtnetlink";
import { teardownFor } from "../kernel/teardown";
import { type CheckOutcome, withoutDefaultedInputs } from "../model/check";
import { LINK_UNSET_OUTPUTS } from "../model/linkDiff";
import { type Named, namedSpec } from "../model/linkRules";
import { intendedName, isNameTemplate, matchesNameTemplate } from "../model/names";
import { findStamp } from "../model/stamp";
import { DeviceConflictError, MissingDeviceError } from "../lifecycle/errors";
import type { Creation, ResourceKind } from "../lifecycle/kind";
import { reclaimableStamp, type StampCarrier, stampedForAnotherOwner } from "../lifecycle/ownership";
import { applyWithRollback } from "../lifecycle/steps";
import { deviceWords, ForeignDeviceError, nameIsAltNameError, nameTakenError } from "./errors";
import type { LinkFound, LinkHooks, LinkInputs, LinkRecorded } from "./hooks";
import { configureNewLink, linkSettingSteps } from "./settings";

/** How a link carries its stamp: as an altname. */
export const linkStamps: StampCarrier<LinkFound> = {
  nameOf: ({ link }) => link.name,
  stampsOf: ({ link }) => link.altNames,
  addStamp: ({ netlink, link }, stamp, operation) => netlink.addAltName(link.index, stamp, linkContext(link, operation)),
  removeStamp: ({ netlink, link }, stamp, operation) => netlink.deleteAltName(link.index, stamp, linkContext(link, operation)),
};

export function linkKind<Inputs extends LinkInputs, State extends object, Extra extends object = object>(
  hooks: LinkHooks<Inputs, State, Extra>,
): ResourceKind<Named<Inputs>, LinkRecorded & Extra, LinkFound, State> {
  const sameKind = (found: LinkFound, spec: Named<Inputs>) => hooks.mismatch(found.link, spec, found.netlink) === undefined;
  const kind: ResourceKind<Named<Inputs>, LinkRecorded & Extra, LinkFound, State> = {
    type: hooks.type,
    // The engine records what was given; diffs read a missing input as its default (see withoutDefaultedInputs).
    check: (olds, news) => withoutDefaultedInputs(hooks.check(olds, news)),
    specOf: (outcome) => namedSpec(outcome as CheckOutcome<Inputs>),
    hostFailures: hooks.hostFailures,
    diff: (id, olds, news) => hooks.diff(id, olds, news),
    namedById: true,
    idOf: (spec) => spec.name,
    subject: (id) => id,
    recordedFor: (spec, stamp) => ({ ...linkRecorded(stamp, spec.adopt, spec.netns, spec.managedBy), ...(hooks.recordedFor?.(spec) as Extra) }),
    recordedFrom: (props) => ({ ...linkRecorded(props.stamp, props.adopt, props.netns, props.managedBy), ...(hooks.recordedFrom?.(props) as Extra) }),

    find(_id, recorded, operation) {
      const netlink = rtnetlinkIfExists(recorded.netns);
      const link = netlink === undefined || recorded.stamp === "" ? undefined : netlink.getLinkByAltName(recorded.stamp, operation);
      return netlink === undefined || link === undefined ? undefined : { netlink, link };
    },

    foreignAt(id, recorded, operation) {
      const link = rtnetlinkIfExists(recorded.netns)?.getLink(id, operation);
      return link === undefined ? undefined : new ForeignDeviceError(operation, link.name, recorded.stamp === "" ? undefined : recorded.stamp, findStamp(link.altNames));
    },

    reread({ netlink, link }, operation) {
      const current = netlink.getLinkByIndex(link.index, operation);
      return current === undefined ? undefined : { netlink, link: current };
    },

    make: (spec, stamp, operation) => makeLink(hooks, spec, stamp, operation),

    reclaimable(found, spec) {
      const stamp = reclaimableStamp(found.link.altNames, spec.managedBy);
      return stamp !== undefined && sameKind(found, spec) ? stamp : undefined;
    },

    refusal: ({ link }, spec, operation) => nameTakenError(link, spec.name, spec.managedBy, operation, hooks.adoptable),

    adoptionRefusal(found, spec, operation) {
      const foreign = findStamp(found.link.altNames);
      const problem =
        hooks.mismatch(found.link, spec, found.netlink) ??
        (foreign === undefined ? undefined : stampedForAnotherOwner(foreign, spec.managedBy, deviceWords(spec.name, foreign), true));
      return problem === undefined ? undefined : new DeviceConflictError(operation, "adopt", `cannot adopt ${spec.name}: ${problem}.`);
    },

    stamps: linkStamps,

    /** Everything an existing device may need: the settings every link has, then the kind's own (last: an owner cannot be undone). */
    steps({ netlink, link }, spec, id, stamps, operation) {
      // A device renamed by hand gets its declared name back (a template keeps any name it could have produced).
      const desired = { ...hooks.desired(netlink, spec, operation), name: intendedName(spec.name, id, link.name) };
      const settings = linkSettingSteps(netlink, link, netlink.addressesOf(link.index, operation), desired, linkContext(link, operation, hooks.meanings));
      return [...settings, ...hooks.moreSteps(netlink, link, desired.name, spec, operation, stamps)];
    },

    /** Deletes in one namespace leave in batches (see kernel/teardown.ts). */
    remove: ({ netlink, link }, operation) => teardownFor(netlink).delete({ index: link.index, name: link.name, context: linkContext(link, operation) }),

    unsetOutputs: hooks.unsetOutputs ?? LINK_UNSET_OUTPUTS,

    state({ netlink, link }, recorded, operation) {
      const outputs = hooks.state(netlink, { link, addresses: netlink.addressesOf(link.index, operation) }, recorded);
      // The kind's own outputs and every link's recorded ones make the whole state.
      const { stamp, adopt, netns, managedBy } = recorded;
      return outputs === undefined ? undefined : ({ ...outputs, ...linkRecorded(stamp, adopt, netns, managedBy) } as unknown as State);
    },
  };
  const undone = hooks.undoneByKernel;
  if (undone === undefined) return kind;
  return {
    ...kind,
    /** The device found by its stamp, asked what the kernel undid on it; a device gone altogether is refresh's to find. */
    undoneByKernel(id, olds, news) {
      const operation = `diff ${id}`;
      const recorded = kind.recordedFrom(olds);
      const found = kind.find(id, recorded, operation);
      return found === undefined ? [] : undone(found, recorded, news, operation);
    },
  };
}

/**
 * create's first move: for a template name, this resource's own device from a run that never recorded it; else
 * the device made (making it is the existence check: TUNSETIFF with IFF_TUN_EXCL, RTM_NEWLINK with NLM_F_EXCL),
 * or, when the name is taken, the device that holds it. A new device is configured in one go afterwards.
 */
function makeLink<Inputs extends LinkInputs, State extends object, Extra extends object>(
  hooks: LinkHooks<Inputs, State, Extra>,
  spec: Named<Inputs>,
  stamp: string,
  operation: string,
): Creation<LinkFound> {
  const netlink = rtnetlink(spec.netns);
  if (isNameTemplate(spec.name)) {
    const own = ownDeviceByTemplate(hooks, netlink, spec, operation);
    if (own !== undefined) return { id: own.name, taken: { netlink, link: own } };
  }
  const desired = hooks.desired(netlink, spec, operation);
  let name: string;
  try {
    name = hooks.make(netlink, spec, stamp, operation);
  } catch (error) {
    // One look-up, only when the name is taken.
    const holder = error instanceof DeviceExistsError ? netlink.holderOfName(spec.name, operation) : undefined;
    if (holder === undefined) throw error;
    if (holder.name !== spec.name) throw nameIsAltNameError(holder, spec.name, operation);
    return { id: spec.name, taken: { netlink, link: holder } };
  }
  const link = netlink.getLink(name, operation);
  if (link === undefined) throw new MissingDeviceError(operation, name);
  const finish = () => {
    configureNewLink(netlink, link, desired, linkContext(link, operation, hooks.meanings));
    applyWithRollback(hooks.moreSteps(netlink, link, name, spec, operation, { stamp, previous: stamp }));
  };
  return { id: name, made: { netlink, link }, finish };
}

/**
 * For a template name ("tap%d"): a device this resource made in a run that never recorded it has some name the
 * template could produce and this resource's stamp. Without this look-up the next run would make a second
 * device and leave the first behind.
 */
function ownDeviceByTemplate<Inputs extends LinkInputs, State extends object, Extra extends object>(
  hooks: LinkHooks<Inputs, State, Extra>,
  netlink: RouteNetlink,
  spec: Named<Inputs>,
  operation: string,
): Link | undefined {
  if (spec.managedBy === undefined || spec.managedBy === "") return undefined;
  return netlink
    .dumpLinks(operation)
    .find(
      (link) =>
        matchesNameTemplate(spec.name, link.name) &&
        reclaimableStamp(link.altNames, spec.managedBy) !== undefined &&
        hooks.mismatch(link, spec, netlink) === undefined,
    );
}

/** A link the kernel has just made, stamped at once (the kernel ignores altnames in RTM_NEWLINK). */
export interface NewLinkStamp {
  netlink: RouteNetlink;
  /** The ifindex, or the name (a peer's in another namespace). */
  device: number | string;
  name: string;
  stamp: string;
}

/**
 * Stamps a link RTM_NEWLINK has just made (and the peer it made with it); if a stamp cannot be added, the link
 * goes again, so that a failed make leaves nothing behind. Returns the link's name.
 */
export function stampNewLink(created: LinkFound, stamps: readonly NewLinkStamp[], operation: string): string {
  const { netlink, link } = created;
  try {
    for (const { netlink: where, device, name, stamp } of stamps) where.addAltName(device, stamp, { operation, step: "", device: name });
  } catch (error) {
    netlink.deleteLink(link.index, linkContext(link, operation));
    throw error;
  }
  return link.name;
}

function linkContext(link: Link, operation: string, meanings?: ErrnoMeanings): ErrorContext {
  return { operation, step: "", device: link.name, ...(meanings === undefined ? {} : { meanings }) };
}

/** What the state records for every link, without a kind's extras; no key is ever undefined (Pulumi's host cannot serialize that). */
function linkRecorded(stamp: unknown, adopt: unknown, netns: unknown, managedBy: unknown): LinkRecorded {
  const recorded: LinkRecorded = { stamp: typeof stamp === "string" ? stamp : "", adopt: adopt === true };
  if (typeof netns === "string") recorded.netns = netns;
  if (typeof managedBy === "string") recorded.managedBy = managedBy;
  return recorded;
}
