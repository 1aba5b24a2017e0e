// The NetworkNamespace provider's real work: a named network namespace (/run/netns/NAME, as `ip netns add`
// makes it) created, read, updated and deleted. Loaded at call time by the serialized shim
// (networkNamespaceProvider.ts). Each provider method reads validate → one call into the work below → the state.
//
// Ownership: a namespace has no name of its own to carry a stamp, but its loopback device does, and lo lives
// and dies with the namespace (it can be neither deleted nor moved out). So the stack's stamp is an altname of
// the namespace's lo (`ip -n NAME link show lo` lists it); a namespace whose lo does not carry it is not ours.
import {
  closeRtnetlink,
  createNetworkNamespace,
  deleteNetworkNamespace,
  type ErrorContext,
  isUp,
  type Link,
  NamespaceExistsError,
  type NamespaceFileKind,
  namespaceFileKind,
  namespacePath,
  NetlinkSocket,
  RouteNetlink,
  rtnetlink,
} from "../../kernel";
import {
  checkNetworkNamespace,
  diffNetworkNamespace,
  findStamp,
  namedSpec,
  newStamp,
  type NetworkNamespaceSpec,
  type NetworkNamespaceState,
  type Properties,
  siblingResourceOf,
} from "../../model";
import { DeviceConflictError, MissingDeviceError, PartialCreateError } from "../../lifecycle/errors";
import { validated } from "../../lifecycle/validated";
import { recordingProviderOnPartialFailure, type ResourceImplementation } from "../../lifecycle/provider";
import { ForeignNamespaceError, NamespaceInUseError } from "./errors";
import { reclaimableStamp, restamp, stampStep } from "../../lifecycle/ownership";
import { applyWithRollback, type Step } from "../../lifecycle/steps";

const LOOPBACK = "lo";

export const networkNamespaceImplementation: ResourceImplementation = {
  async check(olds: Properties, news: Properties) {
    const outcome = checkNetworkNamespace(olds, news);
    return { inputs: outcome.inputs, failures: outcome.failures };
  },

  async diff(id: string, olds: Properties, news: Properties) {
    return diffNetworkNamespace(id, olds, news);
  },

  async create(inputs: Properties) {
    const spec = validatedNamespace(inputs, "create NetworkNamespace");
    return { id: spec.name, outs: recordingProviderOnPartialFailure(inputs, () => createNamespace(spec)) };
  },

  async read(id: string, props: Properties) {
    const state = readNamespace(id, props);
    return state === undefined ? {} : { id, props: state };
  },

  async update(id: string, olds: Properties, news: Properties) {
    // Called without check, inputs may lack the name: it is then the one the namespace was created under.
    return { outs: updateNamespace(id, olds, validatedNamespace({ ...news, name: news.name ?? id }, `update network namespace ${id}`)) };
  },

  async delete(id: string, props: Properties) {
    deleteNamespace(id, props);
  },
};

/** The checked inputs as a complete spec, or an InvalidInputsError listing every failure (see validated.ts). */
function validatedNamespace(inputs: Properties, operation: string): NetworkNamespaceSpec {
  return validated(checkNetworkNamespace({}, inputs), operation, namedSpec);
}

/** create: a new namespace; or, when the name is taken, this resource's own taken back, an adoption, or a refusal. */
function createNamespace(spec: NetworkNamespaceSpec): NetworkNamespaceState {
  const operation = `create network namespace ${spec.name}`;
  const stamp = newStamp(spec.managedBy ?? "");
  try {
    createNetworkNamespace(spec.name, operation, () => setUpInside(spec, stamp, operation));
  } catch (error) {
    if (error instanceof NamespaceExistsError) return takeOver(spec, operation);
    throw error;
  }
  try {
    return readState(rtnetlink(spec.name), spec.name, recordedFor(spec, stamp), operation);
  } catch (error) {
    removeAfterFailedCreate(spec, stamp, error, operation);
    throw error;
  }
}

/**
 * Inside the new namespace, before it has a name: lo stamped and brought up as declared. A create killed at any
 * point thus leaves either nothing or a namespace stamped for this resource, which the next run takes back; a
 * failure here needs no undoing, as the namespace vanishes with it. The socket is opened here (the cached
 * clients belong to other namespaces) and closed before leaving.
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

/**
 * The name is taken. A network namespace this resource made in a run that never recorded it is taken back; one
 * the user asked to adopt is stamped and configured; anything else is refused, saying whose it is.
 */
function takeOver(spec: NetworkNamespaceSpec, operation: string): NetworkNamespaceState {
  const found = namespaceFileKind(spec.name, operation);
  if (found !== "network namespace") {
    throw new DeviceConflictError(
      operation,
      "name",
      `${namespacePath(spec.name)} exists but ${describeNonNamespace(found)}, so no network namespace can be made or adopted there. ` +
        `Choose another name, or remove what is there (\`ip netns del ${spec.name}\` also removes a file left by an interrupted \`ip netns add\`).`,
    );
  }
  const netlink = rtnetlink(spec.name);
  const lo = loopbackOf(netlink, operation);
  const ownStamp = reclaimableStamp(lo, spec.managedBy, () => true);
  if (ownStamp === undefined) {
    const foreign = findStamp(lo.altNames);
    if (foreign !== undefined) {
      throw new DeviceConflictError(operation, spec.adopt ? "adopt" : "name", `network namespace ${spec.name} already exists and ${stampedForAnotherOwner(spec, foreign)}.`);
    }
    if (!spec.adopt) {
      throw new DeviceConflictError(
        operation,
        "name",
        `network namespace ${spec.name} already exists and this stack did not create it; pulumi-tuntap never takes over a namespace silently. ` +
          `Choose another name, delete it (\`ip netns del ${spec.name}\`), or set \`adopt: true\` to manage it.`,
      );
    }
  }
  const stamp = ownStamp ?? newStamp(spec.managedBy ?? "");
  const stamping = ownStamp === undefined ? [stampStep(netlink, lo, stamp, context(spec.name, operation))] : [];
  applyWithRollback([...stamping, ...loopbackSteps(netlink, lo, spec, operation)]);
  return readState(netlink, spec.name, recordedFor(spec, stamp), operation);
}

/** read: the namespace at /run/netns/NAME when its lo carries the recorded stamp; undefined when it is gone or not ours. */
function readNamespace(id: string, props: Properties): NetworkNamespaceState | undefined {
  const operation = `read network namespace ${id}`;
  if (namespaceFileKind(id, operation) !== "network namespace") return undefined;
  const netlink = rtnetlink(id);
  const stamp = typeof props.stamp === "string" ? props.stamp : undefined;
  if (stamp === undefined || !loopbackOf(netlink, operation).altNames.includes(stamp)) return undefined;
  return readState(netlink, id, recordedFrom(props, stamp), operation);
}

/** update: lo brought up or down, the stamp following a new identity; every step undone if one fails. */
function updateNamespace(id: string, olds: Properties, spec: NetworkNamespaceSpec): NetworkNamespaceState {
  const operation = `update network namespace ${id}`;
  const { netlink, lo, stamp } = ownedNamespace(id, olds, operation);
  const stamped = restamp(netlink, lo, stamp, spec.managedBy, context(id, operation));
  applyWithRollback([...stamped.steps, ...loopbackSteps(netlink, lo, spec, operation)]);
  return readState(netlink, id, recordedFor(spec, stamped.stamp), operation);
}

/**
 * delete: `ip netns del`, for our namespace only, and only when it holds nothing but lo: by dependency order the
 * stack's own devices inside are gone by now, so any device left is someone else's. Gone already is success.
 */
function deleteNamespace(id: string, props: Properties): void {
  const operation = `delete network namespace ${id}`;
  if (namespaceFileKind(id, operation) === "missing") return;
  const { netlink } = ownedNamespace(id, props, operation);
  const others = netlink
    .dumpLinks(operation)
    .filter((link) => link.name !== LOOPBACK)
    .map((link) => link.name);
  if (others.length > 0) throw new NamespaceInUseError(operation, id, others);
  // Our own socket inside would keep the namespace alive after its name is gone.
  closeRtnetlink(id);
  deleteNetworkNamespace(id, operation);
}

/** The namespace, which must exist, be a network namespace, and carry the recorded stamp on its lo. */
function ownedNamespace(id: string, props: Properties, operation: string): { netlink: RouteNetlink; lo: Link; stamp: string } {
  const found = namespaceFileKind(id, operation);
  if (found === "missing") throw new MissingDeviceError(operation, `network namespace ${id}`);
  if (found !== "network namespace") throw new ForeignNamespaceError(operation, id, `${namespacePath(id)} ${describeNonNamespace(found)}`);
  const netlink = rtnetlink(id);
  const lo = loopbackOf(netlink, operation);
  const stamp = typeof props.stamp === "string" ? props.stamp : undefined;
  if (stamp === undefined || !lo.altNames.includes(stamp)) {
    const carried = findStamp(lo.altNames);
    throw new ForeignNamespaceError(
      operation,
      id,
      carried === undefined ? "its lo carries no pulumi-tuntap ownership stamp" : `its lo carries the stamp ${carried}${stamp === undefined ? "" : `, not ${stamp}`}`,
    );
  }
  return { netlink, lo, stamp };
}

/** Bringing lo up or down as declared; nothing when it already is. */
function loopbackSteps(netlink: RouteNetlink, lo: Link, spec: NetworkNamespaceSpec, operation: string): Step[] {
  const current = isUp(lo);
  if (current === spec.loopbackUp) return [];
  const set = (up: boolean) => () => netlink.changeLink(lo.index, { kind: "up", up }, context(spec.name, operation));
  return [{ description: `set lo ${spec.loopbackUp ? "up" : "down"} in ${spec.name}`, apply: set(spec.loopbackUp), undo: set(current) }];
}

function loopbackOf(netlink: RouteNetlink, operation: string): Link {
  const lo = netlink.getLink(LOOPBACK, operation);
  // Every network namespace has its lo from birth to end (net/core/dev.c refuses to delete or move it).
  if (lo === undefined) throw new Error(`${operation}: the namespace has no lo device, which every network namespace has`);
  return lo;
}

function readState(netlink: RouteNetlink, name: string, recorded: Recorded, operation: string): NetworkNamespaceState {
  return stateOf(name, isUp(loopbackOf(netlink, operation)), recorded);
}

function stateOf(name: string, loopbackUp: boolean, recorded: Recorded): NetworkNamespaceState {
  const state: NetworkNamespaceState = { name, path: namespacePath(name), loopbackUp, adopt: recorded.adopt, stamp: recorded.stamp };
  if (recorded.managedBy !== undefined) state.managedBy = recorded.managedBy;
  if (recorded.nameDerivedFrom !== undefined) state.nameDerivedFrom = recorded.nameDerivedFrom;
  return state;
}

/** What only the state knows: the stamp, and whose the namespace is. */
interface Recorded {
  stamp: string;
  adopt: boolean;
  managedBy?: string;
  nameDerivedFrom?: string;
}

function recordedFor(spec: NetworkNamespaceSpec, stamp: string): Recorded {
  const recorded: Recorded = { stamp, adopt: spec.adopt };
  if (spec.managedBy !== undefined) recorded.managedBy = spec.managedBy;
  if (spec.nameDerivedFrom !== undefined) recorded.nameDerivedFrom = spec.nameDerivedFrom;
  return recorded;
}

function recordedFrom(props: Properties, stamp: string): Recorded {
  const recorded: Recorded = { stamp, adopt: props.adopt === true };
  if (typeof props.managedBy === "string") recorded.managedBy = props.managedBy;
  if (typeof props.nameDerivedFrom === "string") recorded.nameDerivedFrom = props.nameDerivedFrom;
  return recorded;
}

function context(name: string, operation: string): ErrorContext {
  return { operation, step: "", device: `lo in network namespace ${name}` };
}

/** What a message says of a path that holds no network namespace. */
function describeNonNamespace(found: NamespaceFileKind): string {
  if (found === "other namespace") return "is another kind of namespace, not a network namespace";
  if (found === "missing") return "vanished while it was being looked at";
  return "is not a namespace (a plain file or a directory)";
}

/** Why a namespace stamped for another stack or resource cannot be taken, and what to do (as for devices). */
function stampedForAnotherOwner(spec: NetworkNamespaceSpec, stamp: string): string {
  const sibling = spec.managedBy === undefined ? undefined : siblingResourceOf(stamp, spec.managedBy);
  if (sibling !== undefined) {
    return (
      `it is the network namespace of this stack's resource "${sibling}" (stamp ${stamp} on its lo). If you renamed that resource, declare its old ` +
      `name as an alias (\`aliases: [{ name: "${sibling}" }]\`) so that it keeps its namespace; otherwise give this resource another name`
    );
  }
  return (
    `it is already managed by another Pulumi stack or resource (stamp ${stamp} on its lo, which names its project, stack and resource), and two ` +
    `stacks never manage one namespace. Choose another name, or remove it from that stack first. If nothing manages it any more (it was kept ` +
    `by retainOnDelete, or its stack was removed without a destroy), release it with \`ip -n ${spec.name} link property del dev lo altname ${stamp}\` ` +
    (spec.adopt ? "and run `pulumi up` again" : "and set `adopt: true`")
  );
}

/**
 * After a create failed past the point where the namespace existed: remove it again. If even that fails, the
 * error carries its id and state so the engine records it instead of leaking it.
 */
function removeAfterFailedCreate(spec: NetworkNamespaceSpec, stamp: string, error: unknown, operation: string): void {
  try {
    closeRtnetlink(spec.name);
    deleteNetworkNamespace(spec.name, operation);
    if (error instanceof Error) error.message += ` Network namespace ${spec.name} was removed again; nothing was left behind.`;
  } catch (cleanupError) {
    const reason = cleanupError instanceof Error ? cleanupError.message : String(cleanupError);
    throw new PartialCreateError(
      `${error instanceof Error ? error.message : String(error)} Removing the half-made namespace ${spec.name} failed too (${reason}); ` +
        "it stays recorded in the stack so that `pulumi destroy` or the next `pulumi up` can deal with it.",
      spec.name,
      { ...stateOf(spec.name, spec.loopbackUp, recordedFor(spec, stamp)) },
    );
  }
}
