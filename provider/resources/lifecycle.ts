// Lifecycle pieces every link resource shares: validating again in create/update, finding the namespace,
// reading and deleting a device only when it carries our stamp, and cleaning up after a failed create.
import type * as pulumi from "@pulumi/pulumi";
import { type ErrorContext, type Link, NoSuchNamespaceError, type RouteNetlink, rtnetlink, teardownFor } from "../kernel";
import { type CheckFailure, type CheckOutcome, matchesNameTemplate, PROVIDER_KEY } from "../model";
import { DeviceConflictError, InvalidInputsError, MissingDeviceError, PartialCreateError } from "./errors";
import { describeDevice } from "./devices";
import { assertOurs, reclaimableStamp } from "./ownership";

export type Properties = Record<string, unknown>;

/**
 * The checked inputs, or an InvalidInputsError listing every failure. create and update run this even though
 * the engine ran check before: they may be called without it, and then nothing may reach the kernel.
 */
export function validated<T>(outcome: CheckOutcome<T>, operation: string, hostFailures: (inputs: Properties) => CheckFailure[]): T {
  if (outcome.unknown.size > 0) {
    throw new InvalidInputsError(operation, [...outcome.unknown].map((property) => ({ property, reason: "its value is not known yet" })));
  }
  const failures = outcome.failures.length > 0 ? outcome.failures : hostFailures(outcome.inputs);
  if (failures.length > 0 || outcome.value === undefined) throw new InvalidInputsError(operation, failures);
  return outcome.value as T;
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

export function mustGetLink(netlink: RouteNetlink, name: string, operation: string): Link {
  const link = netlink.getLink(name, operation);
  if (link === undefined) throw new MissingDeviceError(operation, name);
  return link;
}

export interface OwnedLinkView {
  netlink: RouteNetlink;
  link: Link;
}

/** The device carrying this resource's stamp, whatever it is called now (a rename by hand keeps altnames). */
export function findOwnedLink(netlink: RouteNetlink, stamp: unknown, operation: string): Link | undefined {
  return typeof stamp === "string" ? netlink.getLinkByAltName(stamp, operation) : undefined;
}

/**
 * For read: the device recorded in `props`, found by its stamp; undefined when no device carries it any more
 * (deleted, or replaced by a device that is not ours: either way, ours is no more).
 */
export function readOwnedLink(id: string, props: Properties): OwnedLinkView | undefined {
  const netlink = namespaceClient(props.netns);
  if (netlink === undefined) return undefined;
  const link = findOwnedLink(netlink, props.stamp, `read ${id}`);
  return link === undefined ? undefined : { netlink, link };
}

/**
 * For update: the device, which must exist and be ours. When no device carries the stamp, the one holding the
 * recorded name (if any) is not ours: that is refused, saying why; no device at all is a missing device.
 */
export function ownedLinkForUpdate(netlink: RouteNetlink, id: string, stamp: unknown, operation: string): Link {
  const owned = findOwnedLink(netlink, stamp, operation);
  if (owned !== undefined) return owned;
  const link = mustGetLink(netlink, id, operation);
  assertOurs(link, stamp, operation);
  return link;
}

/**
 * delete: the device carrying the stamp goes, whatever it is called now; gone already is success; a device of
 * the recorded name that is not ours is refused. Deletes in one namespace leave in batches.
 */
export async function deleteOwnedLink(id: string, props: Properties): Promise<void> {
  const operation = `delete ${id}`;
  const netlink = namespaceClient(props.netns);
  if (netlink === undefined) return;
  const link = findOwnedLink(netlink, props.stamp, operation) ?? netlink.getLink(id, operation);
  if (link === undefined) return;
  assertOurs(link, props.stamp, operation);
  await teardownFor(netlink).delete({ index: link.index, name: link.name, context: { operation, step: "", device: link.name } });
}

/**
 * After a create failed past the point where the device existed: remove it. If even that fails, the error
 * carries the device's id and state so the engine records it instead of leaking it.
 */
export function removeAfterFailedCreate(
  netlink: RouteNetlink,
  name: string,
  error: unknown,
  operation: string,
  stateOf: (link: Link) => Properties,
): void {
  const link = netlink.getLink(name, operation);
  const context: ErrorContext = { operation, step: "", device: name };
  try {
    if (link !== undefined) netlink.deleteLink(link.index, context);
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

/**
 * Runs a create and, when it ends in a PartialCreateError, adds the serialized provider to the properties
 * the engine will record: the dynamic-provider host finds the code for later reads and deletes there.
 */
export async function recordingProviderOnPartialFailure<T>(inputs: Properties, create: () => Promise<T> | T): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (error instanceof PartialCreateError && inputs[PROVIDER_KEY] !== undefined) error.properties[PROVIDER_KEY] = inputs[PROVIDER_KEY];
    throw error;
  }
}

/**
 * For a template name ("tap%d"): a device this resource made in a run that never recorded it has some name
 * the template could produce and this resource's stamp. Without this look-up the next run would make a
 * second device and leave the first behind.
 */
export function reclaimableByTemplate(
  netlink: RouteNetlink,
  template: string,
  identity: string | undefined,
  isSameKind: (link: Link) => boolean,
  operation: string,
): Link | undefined {
  if (identity === undefined || identity === "") return undefined;
  return netlink
    .dumpLinks(operation)
    .find((link) => matchesNameTemplate(template, link.name) && reclaimableStamp(link, identity, isSameKind) !== undefined);
}

/** The refusal when a name is taken by a device this stack did not create. */
export function nameTakenError(existing: Link, name: string, operation: string, adoptable: string): DeviceConflictError {
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
export function nameIsAltNameError(holder: Link, name: string, operation: string): DeviceConflictError {
  return new DeviceConflictError(
    operation,
    "name",
    `${name} is an alternative name (altname) of ${describeDevice(holder)}, ${holder.name}; names and altnames share one namespace, so ` +
      `no device can be created or adopted under it. Choose another name, or remove that altname (\`ip link property del dev ${holder.name} altname ${name}\`).`,
  );
}

/** The refusal when `adopt: true` meets a device it cannot take. */
export function adoptionRefused(name: string, operation: string, problem: string): DeviceConflictError {
  return new DeviceConflictError(operation, "adopt", `cannot adopt ${name}: ${problem}.`);
}

