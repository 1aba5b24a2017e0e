// The lifecycle of every link resource, written once: create (with a taken name reclaimed, adopted or
// refused), read by stamp, update with rollback, delete. What differs between kinds comes from their LinkKind.
import { DeviceExistsError, type ErrorContext, type Link, NoSuchNamespaceError, type RouteNetlink, rtnetlink, teardownFor } from "../kernel";
import { findStamp, intendedName, isNameTemplate, matchesNameTemplate, type Named, newStamp, type Properties } from "../model";
import { describeDevice } from "../links/devices";
import { DeviceConflictError, MissingDeviceError, PartialCreateError } from "./errors";
import type { LinkInputs, LinkKind, Recorded, StampTransition } from "../links/linkKind";
import { configureNewLink, type DesiredLinkSettings, linkSettingSteps } from "../links/settings";
import { assertOurs, reclaimableStamp, restamp, stampedForAnotherOwner, stampStep } from "./ownership";
import { applyWithRollback, type Step } from "./steps";

export interface CreatedLink<State> {
  id: string;
  state: State;
}

/** What one create or update of one link resource works with. */
interface LinkJob<Inputs extends LinkInputs, State extends object> {
  kind: LinkKind<Inputs, State>;
  netlink: RouteNetlink;
  spec: Named<Inputs>;
  operation: string;
}

/** create: a new device; or, when the name is taken, this resource's own device taken back, an adoption, or a refusal. */
export function createLink<Inputs extends LinkInputs, State extends object>(kind: LinkKind<Inputs, State>, spec: Named<Inputs>): CreatedLink<State> {
  const job: LinkJob<Inputs, State> = { kind, netlink: rtnetlink(spec.netns), spec, operation: `create ${spec.name}` };
  const { netlink, operation } = job;
  if (isNameTemplate(spec.name)) {
    const own = ownDeviceByTemplate(job);
    if (own !== undefined) return takeOver({ ...job, spec: { ...spec, name: own.name } }, own);
  }
  const desired = kind.desired(netlink, spec, operation);
  const stamp = newStamp(spec.managedBy ?? "");
  let name: string;
  try {
    name = kind.make(netlink, spec, stamp, operation);
  } catch (error) {
    // Making the device is the existence check (TUNSETIFF with IFF_TUN_EXCL, RTM_NEWLINK with NLM_F_EXCL):
    // no look-up before it, one after only if the name is taken.
    const holder = error instanceof DeviceExistsError ? netlink.holderOfName(spec.name, operation) : undefined;
    if (holder === undefined) throw error;
    if (holder.name !== spec.name) throw nameIsAltNameError(holder, spec.name, operation);
    return takeOver(job, holder);
  }
  const recorded = recordedFor(spec, stamp);
  const link = netlink.getLink(name, operation);
  try {
    if (link === undefined) throw new MissingDeviceError(operation, name);
    configureNewLink(netlink, link, desired, { operation, step: "", device: name });
    applyWithRollback(kind.moreSteps(netlink, link, name, spec, operation, { stamp, previous: stamp }));
    return { id: name, state: readState(kind, netlink, link.index, recorded, operation) };
  } catch (error) {
    removeAfterFailedCreate(netlink, name, error, operation, (made) => ({ ...kind.state(netlink, { link: made, addresses: [] }, recorded) }));
    throw error;
  }
}

/** read: the device carrying the recorded stamp, whatever it is called now; undefined when none does any more. */
export function readLink<Inputs extends LinkInputs, State extends object>(kind: LinkKind<Inputs, State>, id: string, props: Properties): State | undefined {
  const operation = `read ${id}`;
  const netlink = namespaceClient(props.netns);
  const link = netlink === undefined ? undefined : findOwnedLink(netlink, props.stamp, operation);
  if (netlink === undefined || link === undefined) return undefined;
  return kind.state(netlink, { link, addresses: netlink.addressesOf(link.index, operation) }, recordedFrom(props));
}

/**
 * update: the device, found by its stamp, brought to `spec` step by step, every step undone if one fails; a
 * device renamed by hand gets its declared name back (a template keeps any name it could have produced).
 */
export function updateLink<Inputs extends LinkInputs, State extends object>(kind: LinkKind<Inputs, State>, id: string, olds: Properties, spec: Named<Inputs>): State {
  const job: LinkJob<Inputs, State> = { kind, netlink: rtnetlink(spec.netns), spec, operation: `update ${id}` };
  const { netlink, operation } = job;
  const link = ownedLinkForUpdate(netlink, id, olds.stamp, operation);
  const desired = { ...kind.desired(netlink, spec, operation), name: intendedName(spec.name, id, link.name) };
  const previous = recordedFrom(olds).stamp;
  const stamped = restamp(netlink, link, previous, spec.managedBy, { operation, step: "", device: link.name });
  applyWithRollback([...stamped.steps, ...configurationSteps(job, link, desired, { stamp: stamped.stamp, previous })]);
  return readState(kind, netlink, link.index, recordedFor(spec, stamped.stamp), operation);
}

/**
 * delete: the device carrying the stamp goes, whatever it is called now; gone already is success; a device of
 * the recorded name that is not ours is refused. Deletes in one namespace leave in batches.
 */
export async function deleteLink(id: string, props: Properties): Promise<void> {
  const operation = `delete ${id}`;
  const netlink = namespaceClient(props.netns);
  if (netlink === undefined) return;
  const link = findOwnedLink(netlink, props.stamp, operation) ?? netlink.getLink(id, operation);
  if (link === undefined) return;
  assertOurs(link, props.stamp, operation);
  await teardownFor(netlink).delete({ index: link.index, name: link.name, context: { operation, step: "", device: link.name } });
}

/**
 * The name is taken. Three cases: the device is this resource's own from a run that never recorded it (take it
 * back); the user asked to adopt it; or it belongs to someone else, or is of another kind (refuse, touch nothing).
 */
function takeOver<Inputs extends LinkInputs, State extends object>(job: LinkJob<Inputs, State>, existing: Link): CreatedLink<State> {
  const { kind, netlink, spec, operation } = job;
  const ownStamp = reclaimableStamp(existing, spec.managedBy, (link) => kind.mismatch(link, spec, netlink) === undefined);
  if (ownStamp === undefined) {
    if (!spec.adopt) throw nameTakenError(existing, spec, operation, kind.adoptable);
    const foreign = findStamp(existing.altNames);
    const problem = kind.mismatch(existing, spec, netlink) ?? (foreign === undefined ? undefined : stampedForAnotherOwner(spec.name, foreign, spec.managedBy, true));
    if (problem !== undefined) throw new DeviceConflictError(operation, "adopt", `cannot adopt ${spec.name}: ${problem}.`);
  }
  const stamp = ownStamp ?? newStamp(spec.managedBy ?? "");
  const context: ErrorContext = { operation, step: "", device: spec.name };
  const stamping = ownStamp === undefined ? [stampStep(netlink, existing, stamp, context)] : [];
  applyWithRollback([...stamping, ...configurationSteps(job, existing, kind.desired(netlink, spec, operation), { stamp, previous: ownStamp })]);
  return { id: spec.name, state: readState(kind, netlink, existing.index, recordedFor(spec, stamp), operation) };
}

/** Everything an existing device may need: the settings every link has, then the kind's own (last: an owner cannot be undone). */
function configurationSteps<Inputs extends LinkInputs, State extends object>(
  job: LinkJob<Inputs, State>,
  link: Link,
  desired: DesiredLinkSettings,
  stamps: StampTransition,
): Step[] {
  const { kind, netlink, spec, operation } = job;
  const settings = linkSettingSteps(netlink, link, netlink.addressesOf(link.index, operation), desired, { operation, step: "", device: link.name });
  return [...settings, ...kind.moreSteps(netlink, link, desired.name ?? link.name, spec, operation, stamps)];
}

/**
 * For a template name ("tap%d"): a device this resource made in a run that never recorded it has some name
 * the template could produce and this resource's stamp. Without this look-up the next run would make a
 * second device and leave the first behind.
 */
function ownDeviceByTemplate<Inputs extends LinkInputs, State extends object>({ kind, netlink, spec, operation }: LinkJob<Inputs, State>): Link | undefined {
  if (spec.managedBy === undefined || spec.managedBy === "") return undefined;
  const sameKind = (link: Link) => kind.mismatch(link, spec, netlink) === undefined;
  return netlink
    .dumpLinks(operation)
    .find((link) => matchesNameTemplate(spec.name, link.name) && reclaimableStamp(link, spec.managedBy, sameKind) !== undefined);
}

/** Reads the device back by ifindex (its name may have just changed): exact requests, answered now. */
function readState<Inputs extends LinkInputs, State extends object>(kind: LinkKind<Inputs, State>, netlink: RouteNetlink, index: number, recorded: Recorded, operation: string): State {
  const link = netlink.getLinkByIndex(index, operation);
  if (link === undefined) throw new MissingDeviceError(operation, `ifindex ${index}`);
  const state = kind.state(netlink, { link, addresses: netlink.addressesOf(index, operation) }, recorded);
  if (state === undefined) throw new MissingDeviceError(operation, `the other end of ${link.name}`);
  return state;
}

/** The rtnetlink client for a recorded netns, or undefined when that namespace no longer exists. */
export function namespaceClient(netns: unknown): RouteNetlink | undefined {
  try {
    return rtnetlink(typeof netns === "string" ? netns : undefined);
  } catch (error) {
    if (error instanceof NoSuchNamespaceError) return undefined;
    throw error;
  }
}

/** The device carrying this resource's stamp, whatever it is called now (a rename by hand keeps altnames). */
function findOwnedLink(netlink: RouteNetlink, stamp: unknown, operation: string): Link | undefined {
  return typeof stamp === "string" ? netlink.getLinkByAltName(stamp, operation) : undefined;
}

/**
 * For update: the device, which must exist and be ours. When no device carries the stamp, the one holding the
 * recorded name (if any) is not ours: that is refused, saying why; no device at all is a missing device.
 */
function ownedLinkForUpdate(netlink: RouteNetlink, id: string, stamp: unknown, operation: string): Link {
  const owned = findOwnedLink(netlink, stamp, operation);
  if (owned !== undefined) return owned;
  const link = netlink.getLink(id, operation);
  if (link === undefined) throw new MissingDeviceError(operation, id);
  assertOurs(link, stamp, operation);
  return link;
}

function recordedFor(spec: LinkInputs, stamp: string): Recorded {
  const recorded: Recorded = { stamp, adopt: spec.adopt };
  if (spec.netns !== undefined) recorded.netns = spec.netns;
  if (spec.managedBy !== undefined) recorded.managedBy = spec.managedBy;
  if (spec.peer?.netns !== undefined) recorded.peerNetns = spec.peer.netns;
  return recorded;
}

/** What the state recorded about the device: its stamp, and where and whose it is. */
function recordedFrom(props: Properties): Recorded {
  const recorded: Recorded = { stamp: typeof props.stamp === "string" ? props.stamp : "", adopt: props.adopt === true };
  if (typeof props.netns === "string") recorded.netns = props.netns;
  if (typeof props.managedBy === "string") recorded.managedBy = props.managedBy;
  const peerNetns = (props.peer as Properties | undefined)?.netns;
  if (typeof peerNetns === "string") recorded.peerNetns = peerNetns;
  return recorded;
}

/**
 * After a create failed past the point where the device existed: remove it. If even that fails, the error
 * carries the device's id and state so the engine records it instead of leaking it.
 */
function removeAfterFailedCreate(netlink: RouteNetlink, name: string, error: unknown, operation: string, stateOf: (link: Link) => Properties): void {
  const link = netlink.getLink(name, operation);
  try {
    if (link !== undefined) netlink.deleteLink(link.index, { operation, step: "", device: name });
    if (error instanceof Error) error.message += ` ${name} was removed again; nothing was left behind.`;
  } catch (cleanupError) {
    const reason = cleanupError instanceof Error ? cleanupError.message : String(cleanupError);
    throw new PartialCreateError(
      `${error instanceof Error ? error.message : String(error)} Removing the half-made ${name} failed too (${reason}); ` +
        "it stays recorded in the stack so that `pulumi destroy` or the next `pulumi up` can deal with it.",
      name,
      link === undefined ? {} : stateOf(link),
    );
  }
}

/** The refusal when a name is taken by a device this stack did not create. */
function nameTakenError(existing: Link, { name, managedBy }: LinkInputs & { name: string }, operation: string, adoptable: string): DeviceConflictError {
  // Another stack's or resource's device: adopt would be refused too, so say whose it is instead of suggesting it.
  const stamp = findStamp(existing.altNames);
  if (stamp !== undefined) {
    return new DeviceConflictError(
      operation,
      "name",
      `${describeDevice(existing)} named ${name} already exists and this stack did not create it for this resource: ${stampedForAnotherOwner(name, stamp, managedBy, false)}.`,
    );
  }
  return new DeviceConflictError(
    operation,
    "name",
    `${describeDevice(existing)} named ${name} already exists and this stack did not create it; pulumi-tuntap never takes over a device ` +
      `silently. Choose another name, remove that device, or set \`adopt: true\` to manage it (${adoptable} only).`,
  );
}

/**
 * The refusal when the name is an alternative name (altname) of another device: names and altnames share one
 * namespace in the kernel, so no device can be created or adopted under it.
 */
function nameIsAltNameError(holder: Link, name: string, operation: string): DeviceConflictError {
  return new DeviceConflictError(
    operation,
    "name",
    `${name} is an alternative name (altname) of ${describeDevice(holder)}, ${holder.name}; names and altnames share one namespace, so ` +
      `no device can be created or adopted under it. Choose another name, or remove that altname (\`ip link property del dev ${holder.name} altname ${name}\`).`,
  );
}
