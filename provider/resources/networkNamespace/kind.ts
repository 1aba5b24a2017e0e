// NetworkNamespace as a kind: a named network namespace (/run/netns/NAME, as `ip netns add` makes it), made
// stamped, taken over, read, updated and deleted by the lifecycle (../../lifecycle).
//
// Ownership: a namespace has no name of its own to carry a stamp, but its loopback device does, and lo lives
// and dies with the namespace (it can be neither deleted nor moved out). So the stack's stamp is an altname of
// the namespace's lo (`ip -n NAME link show lo` lists it); a namespace whose lo does not carry it is not ours.
import { createNetworkNamespace, deleteNetworkNamespace, NamespaceExistsError, type NamespaceFileKind, namespaceFileKind } from "../../kernel/namespaces";
import { isUp, type Link } from "../../kernel/netlink/link";
import { NetlinkSocket } from "../../kernel/netlink/socket";
import { namespacePath } from "../../kernel/netns";
import { closeRtnetlink, RouteNetlink, rtnetlink } from "../../kernel/rtnetlink";
import type { CheckOutcome, Properties } from "../../model/check";
import { namedSpec } from "../../model/linkRules";
import { findStamp, siblingResourceOf } from "../../model/stamp";
import { DeviceConflictError } from "../../lifecycle/errors";
import type { ResourceKind } from "../../lifecycle/kind";
import { reclaimableStamp, type StampCarrier, stampedForAnotherOwner, type StampedObjectWords } from "../../lifecycle/ownership";
import { resourceProvider } from "../../lifecycle/provider";
import type { Step } from "../../lifecycle/steps";
import { type DeviceInside, ForeignNamespaceError, NamespaceInUseError } from "./errors";
import { diffNetworkNamespace, type NetworkNamespaceSpec, type NetworkNamespaceState } from "./model";
import type * as schemaModule from "./schema";
import type { NetworkNamespaceInputs } from "./schema";

/** The inputs' schema, loaded by the first check: a destroy or a refresh never checks, and does without zod. */
const schema = (): typeof schemaModule => require("./schema");

const LOOPBACK = "lo";

/** What only the state knows: the stamp, and whose the namespace is. */
interface Recorded {
  stamp: string;
  adopt: boolean;
  managedBy?: string;
  nameDerivedFrom?: string;
}

/** A network namespace bound at /run/netns/NAME; its lo, which carries the stamp, is looked up when needed. */
interface Namespace {
  name: string;
  /** Whose the namespace is ("project/stack/resource"): devices inside stamped for the same stack are told apart from others'. */
  managedBy?: string;
}

const loopbackStamps: StampCarrier<Namespace> = {
  nameOf: () => LOOPBACK,
  stampsOf: ({ name }, operation) => loopbackOf(rtnetlink(name), operation).altNames,
  addStamp: ({ name }, stamp, operation) => withLoopback(name, operation, (netlink, lo) => netlink.addAltName(lo.index, stamp, context(name, operation))),
  removeStamp: ({ name }, stamp, operation) => withLoopback(name, operation, (netlink, lo) => netlink.deleteAltName(lo.index, stamp, context(name, operation))),
};

const networkNamespace: ResourceKind<NetworkNamespaceSpec, Recorded, Namespace, NetworkNamespaceState> = {
  type: "NetworkNamespace",
  check: (olds, news) => schema().checkNetworkNamespace(olds, news),
  specOf: (outcome) => namedSpec(outcome as CheckOutcome<NetworkNamespaceInputs>),
  diff: diffNetworkNamespace,
  namedById: true,
  idOf: (spec) => spec.name,
  subject: (id) => `network namespace ${id}`,

  recordedFor(spec, stamp) {
    return recorded(stamp, spec.adopt, spec.managedBy, spec.nameDerivedFrom);
  },
  recordedFrom(props: Properties) {
    return recorded(props.stamp, props.adopt, props.managedBy, props.nameDerivedFrom);
  },

  /** The namespace at /run/netns/NAME when its lo carries the recorded stamp. */
  find(id, { stamp, managedBy }, operation) {
    if (stamp === "" || namespaceFileKind(id, operation) !== "network namespace") return undefined;
    return loopbackOf(rtnetlink(id), operation).altNames.includes(stamp) ? namespace(id, managedBy) : undefined;
  },

  /** Anything else at the path: a plain file, another kind of namespace, or a namespace whose lo carries no stamp of ours. */
  foreignAt(id, { stamp }, operation) {
    const found = namespaceFileKind(id, operation);
    if (found === "missing") return undefined;
    if (found !== "network namespace") return new ForeignNamespaceError(operation, id, `${namespacePath(id)} ${describeNonNamespace(found)}`);
    const carried = findStamp(loopbackOf(rtnetlink(id), operation).altNames);
    const not = stamp === "" ? "" : `, not ${stamp}`;
    return new ForeignNamespaceError(operation, id, carried === undefined ? "its lo carries no pulumi-tuntap ownership stamp" : `its lo carries the stamp ${carried}${not}`);
  },

  /**
   * `ip netns add`, with lo stamped and brought up as declared inside the new namespace before it has a name: a
   * create killed at any point leaves either nothing or a namespace stamped for this resource, which the next run
   * takes back; a failure there needs no undoing, as the namespace vanishes with it.
   */
  make(spec, stamp, operation) {
    try {
      createNetworkNamespace(spec.name, operation, () => setUpInside(spec, stamp, operation));
    } catch (error) {
      if (!(error instanceof NamespaceExistsError)) throw error;
      const found = namespaceFileKind(spec.name, operation);
      if (found !== "network namespace") throw notANamespaceError(spec.name, found, operation);
      return { id: spec.name, taken: namespace(spec.name, spec.managedBy) };
    }
    return { id: spec.name, made: namespace(spec.name, spec.managedBy) };
  },

  reclaimable: ({ name }, spec, operation) => reclaimableStamp(loopbackOf(rtnetlink(name), operation).altNames, spec.managedBy),

  refusal({ name }, spec, operation) {
    const foreign = foreignStamp(name, operation);
    if (foreign !== undefined) return stampedForAnotherError(spec, foreign, "name", operation);
    return new DeviceConflictError(
      operation,
      "name",
      `network namespace ${name} already exists and this stack did not create it; pulumi-tuntap never takes over a namespace silently. ` +
        `Choose another name, delete it (\`ip netns del ${name}\`), or set \`adopt: true\` to manage it.`,
    );
  },

  adoptionRefusal({ name }, spec, operation) {
    const foreign = foreignStamp(name, operation);
    return foreign === undefined ? undefined : stampedForAnotherError(spec, foreign, "adopt", operation);
  },

  stamps: loopbackStamps,

  /** lo brought up or down as declared; nothing when it already is. */
  steps({ name }, spec, _id, _stamps, operation): Step[] {
    const netlink = rtnetlink(name);
    const lo = loopbackOf(netlink, operation);
    const current = isUp(lo);
    if (current === spec.loopbackUp) return [];
    const set = (up: boolean) => () => netlink.changeLink(lo.index, { kind: "up", up }, context(name, operation));
    return [{ description: `set lo ${spec.loopbackUp ? "up" : "down"} in ${name}`, apply: set(spec.loopbackUp), undo: set(current) }];
  },

  /**
   * `ip netns del`, only when the namespace holds nothing but lo: the stack's own devices inside are deleted
   * before it when Pulumi knows the order (their netns is its name output); any device left is either one of this
   * stack's that Pulumi did not order (told by its stamp) or someone else's, and deleting the namespace would
   * delete it.
   */
  remove({ name, managedBy }, operation) {
    const inside = rtnetlink(name)
      .dumpLinks(operation)
      .filter((link) => link.name !== LOOPBACK)
      .map((link) => deviceInside(link, managedBy));
    if (inside.length > 0) throw new NamespaceInUseError(operation, name, inside);
    // Our own socket inside would keep the namespace alive after its name is gone.
    closeRtnetlink(name);
    deleteNetworkNamespace(name, operation);
  },

  state({ name }, recorded, operation) {
    return { name, path: namespacePath(name), loopbackUp: isUp(loopbackOf(rtnetlink(name), operation)), ...recorded };
  },
};

/** The NetworkNamespace provider's real work: what pulumi-tuntap/providers/networkNamespace loads when it is called. */
export const implementation = resourceProvider(networkNamespace);

function namespace(name: string, managedBy: string | undefined): Namespace {
  return managedBy === undefined ? { name } : { name, managedBy };
}

/** A device left inside, with the resource of this namespace's stack that its stamp names (a veth peer's stamp names its pair's). */
function deviceInside(link: Link, managedBy: string | undefined): DeviceInside {
  const stamp = findStamp(link.altNames);
  const resource = stamp === undefined || managedBy === undefined ? undefined : siblingResourceOf(stamp, managedBy);
  return resource === undefined ? { name: link.name } : { name: link.name, resource };
}

/**
 * Inside the new namespace, before it has a name. The socket is opened here (the cached clients belong to other
 * namespaces) and closed before leaving.
 */
function setUpInside(spec: NetworkNamespaceSpec, stamp: string, operation: string): void {
  const netlink = new RouteNetlink(undefined, NetlinkSocket.open(operation));
  try {
    const lo = loopbackOf(netlink, operation);
    netlink.addAltName(lo.index, stamp, context(spec.name, operation));
    if (spec.loopbackUp) netlink.changeLink(lo.index, { kind: "up", up: true }, context(spec.name, operation));
  } finally {
    netlink.close();
  }
}

function loopbackOf(netlink: RouteNetlink, operation: string): Link {
  const lo = netlink.getLink(LOOPBACK, operation);
  // Every network namespace has its lo from birth to end (net/core/dev.c refuses to delete or move it).
  if (lo === undefined) throw new Error(`${operation}: the namespace has no lo device, which every network namespace has`);
  return lo;
}

function withLoopback(name: string, operation: string, change: (netlink: RouteNetlink, lo: Link) => void): void {
  const netlink = rtnetlink(name);
  change(netlink, loopbackOf(netlink, operation));
}

function foreignStamp(name: string, operation: string): string | undefined {
  return findStamp(loopbackOf(rtnetlink(name), operation).altNames);
}

/** What only the state knows, with no key undefined (Pulumi's host cannot serialize that). */
function recorded(stamp: unknown, adopt: unknown, managedBy: unknown, nameDerivedFrom: unknown): Recorded {
  const kept: Recorded = { stamp: typeof stamp === "string" ? stamp : "", adopt: adopt === true };
  if (typeof managedBy === "string") kept.managedBy = managedBy;
  if (typeof nameDerivedFrom === "string") kept.nameDerivedFrom = nameDerivedFrom;
  return kept;
}

function context(name: string, operation: string) {
  return { operation, step: "", device: `lo in network namespace ${name}` };
}

/** What a message says of a path that holds no network namespace. */
function describeNonNamespace(found: NamespaceFileKind): string {
  if (found === "other namespace") return "is another kind of namespace, not a network namespace";
  if (found === "missing") return "vanished while it was being looked at";
  return "is not a namespace (a plain file or a directory)";
}

function notANamespaceError(name: string, found: NamespaceFileKind, operation: string): DeviceConflictError {
  return new DeviceConflictError(
    operation,
    "name",
    `${namespacePath(name)} exists but ${describeNonNamespace(found)}, so no network namespace can be made or adopted there. ` +
      `Choose another name, or remove what is there (\`ip netns del ${name}\` also removes a file left by an interrupted \`ip netns add\`).`,
  );
}

/** A namespace stamped for another stack or resource: refused, with or without adopt, saying whose it is (as for devices). */
function stampedForAnotherError(spec: NetworkNamespaceSpec, stamp: string, property: string, operation: string): DeviceConflictError {
  const words: StampedObjectWords = {
    noun: "network namespace",
    carrier: " on its lo",
    name: spec.name,
    release: `ip -n ${spec.name} link property del dev lo altname ${stamp}`,
  };
  const whose = stampedForAnotherOwner(stamp, spec.managedBy, words, spec.adopt);
  return new DeviceConflictError(operation, property, `network namespace ${spec.name} already exists and ${whose}.`);
}
