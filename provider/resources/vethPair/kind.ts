// VethPair as a link kind: one RTM_NEWLINK makes both ends (the peer possibly in another named namespace), both
// stamped; the lifecycle works on the first end, and this kind carries the peer along: checked for adopt,
// configured by its own steps (in its own namespace), read back by its stamp. The kernel deletes both ends when
// either goes, so deleting the first end deletes the pair.
import { type AddressRecord, createVethPair, DeviceExistsError, type ErrorContext, type Link, type RouteNetlink, rtnetlink } from "../../kernel";
import { checkVethPair, diffVethPair, findStamp, type Named, peerStampOf, type VethEndState, type VethPairInputs, type VethPairState } from "../../model";
import { bridgeIndex } from "../../links/bridgePort";
import { describeDevice } from "../../links/devices";
import { DeviceConflictError } from "../../lifecycle/errors";
import type { LinkKind, StampTransition } from "../../links/linkKind";
import { namespaceClient } from "../../lifecycle/lifecycle";
import { bridgeIndexOf, commonLinkState, type DesiredLinkSettings, desiredFromInputs, linkSettingSteps } from "../../links/settings";
import { stampStep, unstampStep } from "../../lifecycle/ownership";
import type { Step } from "../../lifecycle/steps";

type VethSpec = Named<VethPairInputs>;

export const vethPairKind: LinkKind<VethPairInputs, VethPairState> = {
  resource: "VethPair",
  adoptable: "veth pairs whose peer is the declared one",
  check: checkVethPair,
  hostFailures: () => [],
  diff: diffVethPair,

  mismatch(link, spec, netlink) {
    if (link.kind !== "veth") return `it is ${describeDevice(link)}, not a veth device`;
    const operation = `adopt ${spec.name}`;
    const peerNetlink = rtnetlink(spec.peer.netns);
    const ownStamp = findStamp(link.altNames);
    const byStamp = ownStamp === undefined ? undefined : peerNetlink.getLinkByAltName(peerStampOf(ownStamp), operation);
    const peer = byStamp ?? peerNetlink.getLink(peerName(spec), operation);
    if (peer === undefined || !areEnds(link, peer, sameNamespace(spec))) {
      return `its peer is ${actualPeer(netlink, link, operation)}, but the declared peer is ${peerName(spec)}${inNamespace(spec.peer.netns)}`;
    }
    const peerStamp = findStamp(peer.altNames);
    if (peerStamp !== undefined && (ownStamp === undefined || peerStamp !== peerStampOf(ownStamp))) {
      return `its peer ${peer.name} carries the stamp ${peerStamp}, which names the project, stack and resource that manage it`;
    }
    return undefined;
  },

  /** The first end's settings; the peer's namespace and bridge are looked up here too, before anything changes. */
  desired(netlink, spec, operation) {
    peerDesired(rtnetlink(spec.peer.netns), spec, operation);
    return endDesired(netlink, spec, spec.bridge, operation, "bridge");
  },

  /**
   * RTM_NEWLINK makes both ends (NLM_F_EXCL: a taken name is EEXIST). The kernel ignores altnames in that
   * request, so the stamps follow at once; if they cannot, the pair goes again.
   */
  make(netlink, spec, stamp, operation) {
    const context: ErrorContext = { operation, step: "", device: spec.name };
    const peerNetlink = rtnetlink(spec.peer.netns);
    let created: Link;
    try {
      created = createVethPair(netlink, { name: spec.name, peer: { name: peerName(spec), ...optionalNetns(spec.peer.netns) } }, context);
    } catch (error) {
      // The first end's name taken is the lifecycle's to handle (take back, adopt or refuse); the peer's is refused here.
      if (!(error instanceof DeviceExistsError) || netlink.holderOfName(spec.name, operation) !== undefined) throw error;
      throw peerNameTaken(peerNetlink, spec, operation) ?? error;
    }
    try {
      netlink.addAltName(created.index, stamp, { ...context, device: created.name });
      peerNetlink.addAltName(peerName(spec), peerStampOf(stamp), { ...context, device: peerName(spec) });
    } catch (error) {
      netlink.deleteLink(created.index, { ...context, device: created.name });
      throw error;
    }
    return created.name;
  },

  /** The peer: found by its stamp (or, being adopted, by its name), restamped if the identity changed, then configured as any link. */
  moreSteps(_netlink, link, _name, spec, operation, stamps) {
    const peerNetlink = rtnetlink(spec.peer.netns);
    const peer = peerOf(peerNetlink, link, spec, stamps, operation);
    const context: ErrorContext = { operation, step: "", device: peer.name };
    const desired = { ...peerDesired(peerNetlink, spec, operation), name: peerName(spec) };
    return [...peerStampSteps(peerNetlink, peer, stamps, context), ...linkSettingSteps(peerNetlink, peer, peerNetlink.addressesOf(peer.index, operation), desired, context)];
  },

  /**
   * Both ends as the kernel has them; undefined when the peer's namespace is gone (the kernel destroys the pair
   * with it). The first end without its peer where it was placed means the peer was moved out by hand: refused,
   * saying what to do, rather than forgotten while its first end stays.
   */
  state(netlink, { link, addresses }, recorded) {
    const operation = `read ${link.name}`;
    const peerNetlink = namespaceClient(recorded.peerNetns);
    if (peerNetlink === undefined) return undefined;
    const stamp = peerStampOf(recorded.stamp);
    const peer = peerNetlink.getLinkByAltName(stamp, operation);
    if (peer === undefined) throw peerMovedError(link, recorded.peerNetns, operation);
    const state: VethPairState = {
      ...endState(netlink, link, addresses, recorded.stamp, recorded.netns),
      adopt: recorded.adopt,
      peer: endState(peerNetlink, peer, peerNetlink.addressesOf(peer.index, operation), stamp, recorded.peerNetns),
    };
    if (recorded.managedBy !== undefined) state.managedBy = recorded.managedBy;
    return state;
  },
};

function peerName(spec: VethSpec): string {
  // check names every peer; a spec without one never reaches the kernel.
  if (spec.peer.name === undefined) throw new TypeError(`unchecked VethPair ${spec.name}: the peer has no name`);
  return spec.peer.name;
}

function optionalNetns(netns: string | undefined): { netns?: string } {
  return netns === undefined ? {} : { netns };
}

function inNamespace(netns: string | undefined): string {
  return netns === undefined ? " in the same network namespace" : ` in network namespace ${netns}`;
}

function sameNamespace(spec: VethSpec): boolean {
  return spec.netns === spec.peer.netns;
}

/** Two links are the ends of one pair: each names the other, and both see the other in another namespace or neither does. */
function areEnds(link: Link, peer: Link, oneNamespace: boolean): boolean {
  if (peer.kind !== "veth" || link.linkIndex !== peer.index || peer.linkIndex !== link.index) return false;
  return (link.linkNetnsId === undefined) === oneNamespace && (peer.linkNetnsId === undefined) === oneNamespace;
}

/** The peer a veth end has now, in words. */
function actualPeer(netlink: RouteNetlink, link: Link, operation: string): string {
  if (link.linkNetnsId !== undefined) return "in another network namespace";
  const peer = link.linkIndex === undefined ? undefined : netlink.getLinkByIndex(link.linkIndex, operation);
  return peer === undefined ? "unknown" : `${peer.name}, in the same network namespace`;
}

function endDesired(netlink: RouteNetlink, settings: Parameters<typeof desiredFromInputs>[0], bridge: string | undefined, operation: string, property: string): DesiredLinkSettings {
  return { ...desiredFromInputs(settings), masterIndex: bridge === undefined ? 0 : bridgeIndex(netlink, bridge, operation, property, true) };
}

function peerDesired(peerNetlink: RouteNetlink, spec: VethSpec, operation: string): DesiredLinkSettings {
  return endDesired(peerNetlink, spec.peer, spec.peer.bridge, operation, "peer.bridge");
}

/** The refusal when the peer's name is taken in the peer's namespace, or undefined when it is free (the EEXIST was about something else). */
function peerNameTaken(peerNetlink: RouteNetlink, spec: VethSpec, operation: string): DeviceConflictError | undefined {
  const holder = peerNetlink.holderOfName(peerName(spec), operation);
  if (holder === undefined) return undefined;
  const stamp = findStamp(holder.altNames);
  const whose = stamp === undefined ? "this stack did not create it" : `it carries the stamp ${stamp}, which names the project, stack and resource that manage it`;
  return new DeviceConflictError(
    operation,
    "peer.name",
    `${describeDevice(holder)} named ${peerName(spec)} already exists${inNamespace(spec.peer.netns)} (${holder.name === peerName(spec) ? "" : "as an altname of " + holder.name + "; "}${whose}), ` +
      "so the peer cannot be made under that name. Choose another peer.name, or remove that device.",
  );
}

/**
 * The peer of the pair being updated or taken over: the one carrying the peer stamp of the pair's stamp (the
 * former one too, while an identity change is under way); being adopted, the declared peer, which `mismatch`
 * checked. A peer missing from its namespace was moved out by hand: nothing is changed.
 */
function peerOf(peerNetlink: RouteNetlink, link: Link, spec: VethSpec, stamps: StampTransition, operation: string): Link {
  const previous = stamps.previous;
  const peer =
    peerNetlink.getLinkByAltName(peerStampOf(stamps.stamp), operation) ??
    (previous === undefined ? peerNetlink.getLink(peerName(spec), operation) : peerNetlink.getLinkByAltName(peerStampOf(previous), operation));
  if (peer !== undefined) return peer;
  throw peerMovedError(link, spec.peer.netns, operation);
}

/** The first end is there but its peer is not where it was placed: someone moved it to another namespace. */
function peerMovedError(link: Link, netns: string | undefined, operation: string): DeviceConflictError {
  const moveBack = netns === undefined ? "" : ` (\`ip link set <its name> netns ${netns}\` from where it is)`;
  return new DeviceConflictError(
    operation,
    "peer",
    `${link.name}'s peer is not${inNamespace(netns)} any more (moved elsewhere by hand?). Move it back${moveBack}, or delete the pair ` +
      `(\`ip link del ${link.name}\`) and run \`pulumi refresh\`, then \`pulumi up\` makes it again.`,
  );
}

/** The peer's stamp made to follow the pair's: added when missing (adopt, an identity change), the former one removed. */
function peerStampSteps(peerNetlink: RouteNetlink, peer: Link, stamps: StampTransition, context: ErrorContext): Step[] {
  const wanted = peerStampOf(stamps.stamp);
  const steps: Step[] = [];
  if (!peer.altNames.includes(wanted)) steps.push(stampStep(peerNetlink, peer, wanted, context));
  const former = stamps.previous === undefined ? undefined : peerStampOf(stamps.previous);
  if (former !== undefined && former !== wanted && peer.altNames.includes(former)) steps.push(unstampStep(peerNetlink, peer, former, context));
  return steps;
}

function endState(netlink: RouteNetlink, link: Link, addresses: readonly AddressRecord[], stamp: string, netns: string | undefined): VethEndState {
  const state: VethEndState = { name: link.name, ...commonLinkState(link, addresses), stamp };
  const master = bridgeIndexOf(link) === 0 ? undefined : netlink.getLinkByIndex(bridgeIndexOf(link), `read ${link.name}`);
  if (master !== undefined) state.bridge = master.name;
  if (netns !== undefined) state.netns = netns;
  return state;
}
