// VethPair as a link kind: one RTM_NEWLINK makes both ends (the peer possibly in another named namespace), both
// stamped; the lifecycle works on the first end, and this kind carries the peer along: checked for adopt,
// configured by its own steps (in its own namespace), read back by its stamp. The kernel deletes both ends when
// either goes, so deleting the first end deletes the pair.
import { DeviceExistsError } from "../../kernel/errors";
import type { AddressRecord } from "../../kernel/netlink/address";
import type { Link } from "../../kernel/netlink/link";
import { type RouteNetlink, rtnetlink, rtnetlinkIfExists } from "../../kernel/rtnetlink";
import { createVethPair } from "../../kernel/veth";
import type { Properties } from "../../model/check";
import type { Named } from "../../model/linkRules";
import { findStamp } from "../../model/stamp";
import { DeviceConflictError } from "../../lifecycle/errors";
import type { StampTransition } from "../../lifecycle/kind";
import { stampStep, unstampStep } from "../../lifecycle/ownership";
import { resourceProvider } from "../../lifecycle/provider";
import type { Step } from "../../lifecycle/steps";
import { bridgeIndex, portDropped } from "../../links/bridgePort";
import { describeDevice } from "../../links/devices";
import type { LinkHooks, LinkOutputs } from "../../links/hooks";
import { linkKind, linkStamps, stampNewLink } from "../../links/linkKind";
import { bridgeIndexOf, commonLinkState, type DesiredLinkSettings, desiredFromInputs, linkSettingSteps } from "../../links/settings";
import { diffVethPair } from "./diff";
import { peerStampOf, VETH_PAIR_UNSET_OUTPUTS, type VethEndState, type VethPairState } from "./model";
import type * as schemaModule from "./schema";
import type { VethPairInputs } from "./schema";

/** The inputs' schema, loaded by the first check: a destroy or a refresh never checks, and does without zod. */
const schema = (): typeof schemaModule => require("./schema");

/** What the state records of a pair beyond every link's: the namespace the peer was placed in (absent: the first end's). */
interface PeerRecorded {
  peerNetns?: string;
}

type VethSpec = Named<VethPairInputs>;

const vethPairHooks: LinkHooks<VethPairInputs, VethPairState, PeerRecorded> = {
  type: "VethPair",
  adoptable: "veth pairs whose peer is the declared one",
  check: (olds, news) => schema().checkVethPair(olds, news),
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
    const context = { operation, step: "", device: spec.name };
    let created: Link;
    try {
      created = createVethPair(netlink, { name: spec.name, peer: { name: peerName(spec), ...optionalNetns(spec.peer.netns) } }, context);
    } catch (error) {
      // The first end's name taken is the lifecycle's to handle (take back, adopt or refuse); the peer's is refused here.
      if (!(error instanceof DeviceExistsError) || netlink.holderOfName(spec.name, operation) !== undefined) throw error;
      throw peerNameTaken(rtnetlink(spec.peer.netns), spec, operation) ?? error;
    }
    const peerNetlink = rtnetlink(spec.peer.netns);
    return stampNewLink(
      { netlink, link: created },
      [
        { netlink, device: created.index, name: created.name, stamp },
        { netlink: peerNetlink, device: peerName(spec), name: peerName(spec), stamp: peerStampOf(stamp) },
      ],
      operation,
    );
  },

  /** The peer: found by its stamp (or, being adopted, by its name), restamped if the identity changed, then configured as any link. */
  moreSteps(_netlink, link, _name, spec, operation, stamps) {
    const peerNetlink = rtnetlink(spec.peer.netns);
    const peer = peerOf(peerNetlink, link, spec, stamps, operation);
    const desired = { ...peerDesired(peerNetlink, spec, operation), name: peerName(spec) };
    const settings = linkSettingSteps(peerNetlink, peer, peerNetlink.addressesOf(peer.index, operation), desired, { operation, step: "", device: peer.name });
    return [...peerStampSteps(peerNetlink, peer, stamps, operation), ...settings];
  },

  unsetOutputs: VETH_PAIR_UNSET_OUTPUTS,

  /** Either end left outside the bridge it names: the kernel dropped it with its bridge, which this run replaced. */
  undoneByKernel({ netlink, link }, recorded, news, operation) {
    const undone = portDropped(netlink, link, news.bridge, operation) ? ["bridge"] : [];
    const peer = rtnetlinkIfExists(recorded.peerNetns);
    const peerLink = peer?.getLinkByAltName(peerStampOf(recorded.stamp), operation);
    const peerNews = news.peer as Properties | undefined;
    if (peer !== undefined && peerLink !== undefined && portDropped(peer, peerLink, peerNews?.bridge, operation)) undone.push("peer.bridge");
    return undone;
  },

  recordedFor: (spec) => (spec.peer.netns === undefined ? {} : { peerNetns: spec.peer.netns }),
  recordedFrom(props) {
    const peerNetns = (props.peer as Properties | undefined)?.netns;
    return typeof peerNetns === "string" ? { peerNetns } : {};
  },

  /**
   * Both ends as the kernel has them; undefined when the peer's namespace is gone (the kernel destroys the pair
   * with it). The first end without its peer where it was placed means the peer was moved out by hand: refused,
   * saying what to do, rather than forgotten while its first end stays.
   */
  state(netlink, { link, addresses }, recorded) {
    const operation = `read ${link.name}`;
    const peerNetlink = rtnetlinkIfExists(recorded.peerNetns);
    if (peerNetlink === undefined) return undefined;
    const stamp = peerStampOf(recorded.stamp);
    const peer = peerNetlink.getLinkByAltName(stamp, operation);
    if (peer === undefined) throw peerMovedError(link, recorded.peerNetns, operation);
    const peerState: VethEndState = { ...endState(peerNetlink, peer, peerNetlink.addressesOf(peer.index, operation)), stamp };
    if (recorded.peerNetns !== undefined) peerState.netns = recorded.peerNetns;
    const state: LinkOutputs<VethPairState> = { ...endState(netlink, link, addresses), peer: peerState };
    return state;
  },
};

/** The VethPair provider's real work: what pulumi-tuntap/providers/vethPair loads when it is called. */
export const implementation = resourceProvider(linkKind(vethPairHooks));

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
function peerStampSteps(peerNetlink: RouteNetlink, peer: Link, stamps: StampTransition, operation: string): Step[] {
  const found = { netlink: peerNetlink, link: peer };
  const wanted = peerStampOf(stamps.stamp);
  const steps: Step[] = [];
  if (!peer.altNames.includes(wanted)) steps.push(stampStep(linkStamps, found, wanted, operation));
  const former = stamps.previous === undefined ? undefined : peerStampOf(stamps.previous);
  if (former !== undefined && former !== wanted && peer.altNames.includes(former)) steps.push(unstampStep(linkStamps, found, former, operation));
  return steps;
}

/** One end as the kernel has it, without what the state records (its stamp and namespace). */
function endState(netlink: RouteNetlink, link: Link, addresses: readonly AddressRecord[]): Omit<VethEndState, "stamp" | "netns"> {
  const state: Omit<VethEndState, "stamp" | "netns"> = { name: link.name, ...commonLinkState(link, addresses) };
  const master = bridgeIndexOf(link) === 0 ? undefined : netlink.getLinkByIndex(bridgeIndexOf(link), `read ${link.name}`);
  if (master !== undefined) state.bridge = master.name;
  return state;
}
