// Vxlan as a link kind: made by RTM_NEWLINK (kind "vxlan") over an optional underlay device, adopted only as a
// VXLAN device of the same VNI, port and underlay family, with its own settings changed in one all-or-nothing
// request and its peers kept as the remotes of its all-zero FDB entry.
//
// The device is the stack's, and so is its flood list: every remote of the all-zero entry is a peer, declared or
// drift. An update adds the declared remotes that are missing and removes the others, one request per remote
// (never a flush and refill); entries for other MACs — learned ones, or a MAC-specific entry another program
// added — are never read into the plan, so never touched.
import type { ErrorContext } from "../../kernel/errors";
import type { Link } from "../../kernel/netlink/link";
import type { NewVxlanRequest, VxlanChange } from "../../kernel/netlink/vxlan";
import type { RouteNetlink } from "../../kernel/rtnetlink";
import { changeVxlan, createVxlan } from "../../kernel/vxlan";
import { vxlanLinkMeanings } from "../../kernel/vxlanErrors";
import { addPeerEntries, listPeerEntries, type PeerEntry, removePeerEntries } from "../../kernel/vxlanPeers";
import { formatAddress, parseBareAddress } from "../../model/ip";
import type { Named } from "../../model/linkRules";
import { InvalidInputsError } from "../../lifecycle/errors";
import { resourceProvider } from "../../lifecycle/provider";
import type { Step } from "../../lifecycle/steps";
import { bridgeIndex } from "../../links/bridgePort";
import { describeDevice } from "../../links/devices";
import type { LinkHooks, LinkOutputs } from "../../links/hooks";
import { linkKind, stampNewLink } from "../../links/linkKind";
import { bridgeIndexOf, commonLinkState, desiredFromInputs } from "../../links/settings";
import { diffVxlan } from "./diff";
import { creationMtu, planPeers, underlayFamily, VXLAN_UNSET_OUTPUTS, type VxlanState } from "./model";
import type * as schemaModule from "./schema";
import type { VxlanInputs } from "./schema";

/** The inputs' schema, loaded by the first check: a destroy or a refresh never checks, and does without zod. */
const schema = (): typeof schemaModule => require("./schema");

type VxlanSpec = Named<VxlanInputs>;

const vxlanHooks: LinkHooks<VxlanInputs, VxlanState> = {
  type: "Vxlan",
  adoptable: "VXLAN devices",
  check: (olds, news) => schema().checkVxlan(olds, news),
  diff: diffVxlan,
  meanings: vxlanLinkMeanings,
  unsetOutputs: VXLAN_UNSET_OUTPUTS,

  /** What the kernel cannot change in place must already be as declared. */
  mismatch(link, spec) {
    const vxlan = link.vxlan;
    if (vxlan === undefined) return `it is ${describeDevice(link)}, not a VXLAN device`;
    if (vxlan.vni !== spec.vni) return `its VNI is ${vxlan.vni} but the input says ${spec.vni}`;
    if (vxlan.port !== spec.destinationPort) return `its destination port is ${vxlan.port} but the input says ${spec.destinationPort}`;
    const family = underlayFamily(spec);
    if ((vxlan.family ?? 4) !== family) return `it sends over IPv${vxlan.family ?? 4} but the inputs make it IPv${family}`;
    return undefined;
  },

  desired(netlink, spec, operation) {
    return { ...desiredFromInputs(spec), masterIndex: spec.bridge === undefined ? 0 : bridgeIndex(netlink, spec.bridge, operation) };
  },

  /** RTM_NEWLINK makes the device with every VXLAN setting and its MTU; the stamp follows at once. */
  make(netlink, spec, stamp, operation) {
    const request: NewVxlanRequest = { name: spec.name, vni: spec.vni, port: spec.destinationPort, ttl: spec.ttl, learning: spec.learning };
    if (spec.local !== undefined) request.local = addressBytes(spec.local);
    if (spec.group !== undefined) request.group = addressBytes(spec.group);
    if (spec.underlay !== undefined) request.underlayIndex = underlayIndex(netlink, spec.underlay, operation);
    const mtu = creationMtu(spec);
    if (mtu !== undefined) request.mtu = mtu;
    const created = createVxlan(netlink, request, { operation, step: "", device: spec.name });
    return stampNewLink({ netlink, link: created }, [{ netlink, device: created.index, name: created.name, stamp }], operation);
  },

  /** The VXLAN settings in one request, then the peers; each undone if a later step fails. */
  moreSteps(netlink, link, name, spec, operation) {
    const context: ErrorContext = { operation, step: "", device: name };
    return [...settingSteps(netlink, link, spec, context), ...peerSteps(netlink, link, spec, context)];
  },

  state(netlink, { link, addresses }) {
    const operation = `read ${link.name}`;
    const vxlan = link.vxlan;
    const family = vxlan?.family ?? 4;
    const master = link.master === undefined ? undefined : netlink.getLinkByIndex(link.master, operation);
    const common = commonLinkState(link, addresses);
    const state: LinkOutputs<VxlanState> = {
      name: link.name,
      vni: vxlan?.vni ?? 0,
      destinationPort: vxlan?.port ?? 0,
      learning: vxlan?.learning ?? false,
      ttl: vxlan?.ttl ?? 0,
      peers: vxlan === undefined ? [] : peersOf(netlink, link).map(({ text }) => text).sort(),
      ...common,
      macAddress: common.macAddress ?? "",
    };
    if (vxlan?.local !== undefined) state.local = formatAddress(family, vxlan.local);
    if (vxlan?.group !== undefined) state.group = formatAddress(family, vxlan.group);
    const underlay = vxlan?.underlayIndex === undefined ? undefined : netlink.getLinkByIndex(vxlan.underlayIndex, operation);
    if (underlay !== undefined) state.underlay = underlay.name;
    if (master !== undefined && bridgeIndexOf(link) === master.index) state.bridge = master.name;
    return state;
  },
};

/** The Vxlan provider's real work: what pulumi-tuntap/providers/vxlan loads when it is called. */
export const implementation = resourceProvider(linkKind(vxlanHooks));

/** Checked inputs hold canonical addresses: parsing cannot fail here. */
function addressBytes(text: string): Buffer {
  const parsed = parseBareAddress(text);
  if (parsed === undefined) throw new TypeError(`unchecked address ${text}`);
  return Buffer.from(parsed.bytes);
}

function allZero(family: 4 | 6): Buffer {
  return Buffer.alloc(family === 4 ? 4 : 16);
}

/** The ifindex of the underlay device, looked up before anything changes; a missing one is the input's fault. */
function underlayIndex(netlink: RouteNetlink, name: string, operation: string): number {
  const underlay = netlink.getLink(name, operation);
  if (underlay !== undefined) return underlay.index;
  const where = netlink.netns === undefined ? "" : ` in network namespace ${netlink.netns}`;
  throw new InvalidInputsError(operation, [
    {
      property: "underlay",
      reason: `no device named ${name} exists${where}: a VXLAN device is made over an existing device (and goes when it goes). Create it first, or pass its resource's name output`,
    },
  ]);
}

/**
 * The VXLAN settings that differ, changed in one request (vxlan_changelink applies it whole or not at all) and
 * undone by one that puts back what the device had. An underlay left undeclared is left as it is: unbinding one
 * in place is accepted and ignored by the kernel, so the diff replaces the device instead.
 */
function settingSteps(netlink: RouteNetlink, link: Link, spec: VxlanSpec, context: ErrorContext): Step[] {
  const vxlan = link.vxlan;
  if (vxlan === undefined) return [];
  const family = underlayFamily(spec);
  const next: VxlanChange[] = [];
  const previous: VxlanChange[] = [];
  const address = (kind: "local" | "group", declared: string | undefined, current: Buffer | undefined) => {
    const wanted = declared === undefined ? allZero(family) : addressBytes(declared);
    const had = current ?? allZero(family);
    if (wanted.equals(had)) return;
    next.push({ kind, address: wanted });
    previous.push({ kind, address: had });
  };
  address("local", spec.local, vxlan.local);
  address("group", spec.group, vxlan.group);
  if (spec.underlay !== undefined) {
    const index = underlayIndex(netlink, spec.underlay, context.operation);
    if (index !== vxlan.underlayIndex) {
      next.push({ kind: "underlay", index });
      previous.push({ kind: "underlay", index: vxlan.underlayIndex ?? 0 });
    }
  }
  if (spec.ttl !== vxlan.ttl) {
    next.push({ kind: "ttl", ttl: spec.ttl });
    previous.push({ kind: "ttl", ttl: vxlan.ttl });
  }
  if (spec.learning !== vxlan.learning) {
    next.push({ kind: "learning", learning: spec.learning });
    previous.push({ kind: "learning", learning: vxlan.learning });
  }
  if (next.length === 0) return [];
  return [
    {
      description: "set vxlan settings",
      apply: () => changeVxlan(netlink, link.index, next, context),
      undo: () => changeVxlan(netlink, link.index, previous, context),
    },
  ];
}

/** A remote of the all-zero entry as the `peers` output prints it. */
interface PresentPeer {
  text: string;
  entry: PeerEntry;
}

/** The device's peers: the remotes of its all-zero entry, less the one a multicast group makes for itself. */
function peersOf(netlink: RouteNetlink, link: Link): PresentPeer[] {
  const operation = `read ${link.name}`;
  return listPeerEntries(netlink, link.index, operation)
    .filter((entry) => !isGroupEntry(link, entry))
    .map((entry) => ({ text: peerText(netlink, entry, operation), entry }));
}

/** The entry the kernel makes for the group (vxlan_dev_configure): to the group, by the underlay device. */
function isGroupEntry(link: Link, entry: PeerEntry): boolean {
  const vxlan = link.vxlan;
  if (vxlan?.group === undefined || !entry.destination.equals(vxlan.group)) return false;
  return entry.port === undefined && entry.vni === undefined && (entry.outputIndex === undefined || entry.outputIndex === vxlan.underlayIndex);
}

/** "192.0.2.2"; with what differs from the device's own, as `bridge fdb` prints it: "192.0.2.7 port 4790 vni 7 via eth1". */
function peerText(netlink: RouteNetlink, entry: PeerEntry, operation: string): string {
  const parts = [formatAddress(entry.destination.length === 4 ? 4 : 6, entry.destination)];
  if (entry.port !== undefined) parts.push(`port ${entry.port}`);
  if (entry.vni !== undefined) parts.push(`vni ${entry.vni}`);
  if (entry.outputIndex !== undefined) parts.push(`via ${netlink.getLinkByIndex(entry.outputIndex, operation)?.name ?? `ifindex ${entry.outputIndex}`}`);
  return parts.join(" ");
}

/** The remotes to remove (present, not declared), then those to add (declared, missing), each its own request. */
function peerSteps(netlink: RouteNetlink, link: Link, spec: VxlanSpec, context: ErrorContext): Step[] {
  const present = peersOf(netlink, link);
  const plan = planPeers(
    spec.peers,
    present.map(({ text }) => text),
  );
  const removals = present.filter(({ text }) => plan.remove.includes(text)).map(({ entry }) => entry);
  const additions = plan.add.map((peer): PeerEntry => ({ destination: addressBytes(peer) }));
  const steps: Step[] = [];
  if (removals.length > 0) steps.push(peerStep(netlink, link.index, "remove", removals, context));
  if (additions.length > 0) steps.push(peerStep(netlink, link.index, "add", additions, context));
  return steps;
}

/**
 * Adds or removes these remotes, in one batch of one request each. The kernel handles each request on its own:
 * when one is refused, those that were applied are undone before the refusal is thrown, so the step leaves the
 * entry as it found it; undo reverses the whole step.
 */
function peerStep(netlink: RouteNetlink, index: number, direction: "add" | "remove", entries: PeerEntry[], context: ErrorContext): Step {
  const forward = direction === "add" ? addPeerEntries : removePeerEntries;
  const backward = direction === "add" ? removePeerEntries : addPeerEntries;
  return {
    description: `${direction} ${entries.length} peer${entries.length === 1 ? "" : "s"}`,
    apply: () => {
      const outcome = forward(netlink, index, entries, context);
      const [first] = outcome.failed;
      if (first === undefined) return;
      if (outcome.applied.length > 0) backward(netlink, index, outcome.applied, context);
      const more = outcome.failed.length > 1 ? ` (${outcome.failed.length - 1} more peer${outcome.failed.length > 2 ? "s" : ""} refused alike)` : "";
      first.error.message += more;
      throw first.error;
    },
    undo: () => {
      const outcome = backward(netlink, index, entries, context);
      if (outcome.failed[0] !== undefined) throw outcome.failed[0].error;
    },
  };
}
