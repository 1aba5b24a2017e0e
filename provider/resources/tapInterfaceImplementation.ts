// The TapInterface provider's real work. It runs inside Pulumi's dynamic-provider host, loaded at call time by
// the serialized shim (tapInterfaceProvider.ts). Each lifecycle method reads the same way: validate → one
// call into the kernel layer per step → map the kernel's objects to outputs.
import type * as pulumi from "@pulumi/pulumi";
import { type AddressRecord, createTunDevice, DeviceExistsError, type ErrorContext, isPromiscuous, type Link, type RouteNetlink, rtnetlink, setTunOwnership } from "../kernel";
import { checkTapInterface, diffTapInterface, findStamp, intendedName, isNameTemplate, newStamp, type TapInterfaceInputs, type TapInterfaceState } from "../model";
import { describeDevice } from "./devices";
import { InvalidInputsError, MissingDeviceError } from "./errors";
import {
  adoptionRefused,
  deleteOwnedLink,
  mustGetLink,
  nameIsAltNameError,
  nameTakenError,
  ownedLinkForUpdate,
  type Properties,
  readOwnedLink,
  reclaimableByTemplate,
  recordingProviderOnPartialFailure,
  removeAfterFailedCreate,
  validated,
} from "./lifecycle";
import { bridgeIndexOf, commonLinkState, configureNewLink, desiredFromInputs, type DesiredLinkSettings, linkSettingSteps } from "./linkSettings";
import { reclaimableStamp, stampStep } from "./ownership";
import { principalFailures, resolvePrincipals } from "./principals";
import { applyWithRollback, type Step } from "./steps";

type ValidInputs = TapInterfaceInputs & { name: string };

export const tapInterfaceImplementation = {
  async check(olds: Properties, news: Properties): Promise<pulumi.dynamic.CheckResult> {
    const outcome = checkTapInterface(olds, news);
    const failures = outcome.failures.length > 0 ? outcome.failures : principalFailures(outcome.inputs);
    return { inputs: outcome.inputs, failures };
  },

  async diff(id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.DiffResult> {
    const outcome = diffTapInterface(id, olds, news, resolvePrincipals(news));
    return { changes: outcome.changes, replaces: outcome.replaces, deleteBeforeReplace: outcome.deleteBeforeReplace };
  },

  create(inputs: Properties): Promise<pulumi.dynamic.CreateResult> {
    return recordingProviderOnPartialFailure(inputs, () => createTapInterface(inputs));
  },

  async read(id: string, props: Properties): Promise<pulumi.dynamic.ReadResult> {
    const view = readOwnedLink(id, props);
    if (view === undefined) return {};
    return { id, props: readState(view.netlink, view.link.index, props) };
  },

  async update(id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.UpdateResult> {
    const operation = `update ${id}`;
    const spec = validate({ ...news, name: id }, operation);
    const netlink = rtnetlink(spec.netns);
    const link = ownedLinkForUpdate(netlink, id, olds.stamp, operation);
    const name = intendedName(typeof news.name === "string" ? news.name : id, id, link.name);
    applyWithRollback(configurationSteps(netlink, link, { ...spec, name }, desiredSettings(netlink, spec, operation, name), operation));
    return { outs: readState(netlink, link.index, { ...spec, stamp: olds.stamp }) };
  },

  delete: deleteOwnedLink,
};

/** create: a new device, or — when the name is taken — a reclaim or an adoption, or a refusal. */
function createTapInterface(inputs: Properties): pulumi.dynamic.CreateResult {
  const spec = validate(inputs, "create TapInterface");
  const operation = `create ${spec.name}`;
  const netlink = rtnetlink(spec.netns);
  if (isNameTemplate(spec.name)) {
    const own = reclaimableByTemplate(netlink, spec.name, spec.managedBy, sameKindAs(spec), operation);
    if (own !== undefined) return takeOver(netlink, own, { ...spec, name: own.name }, operation);
  }
  // Everything the kernel is asked about the inputs is asked before anything is made.
  const desired = desiredSettings(netlink, spec, operation);
  let created: { name: string; index: number; stamp: string };
  try {
    created = createDevice(netlink, spec, desired, operation);
  } catch (error) {
    // TUNSETIFF with IFF_TUN_EXCL is the existence check: no look-up before it, one after only if taken.
    const holder = error instanceof DeviceExistsError ? netlink.holderOfName(spec.name, operation) : undefined;
    if (holder === undefined) throw error;
    if (holder.name !== spec.name) throw nameIsAltNameError(holder, spec.name, operation);
    return takeOver(netlink, holder, spec, operation);
  }
  return { id: created.name, outs: readState(netlink, created.index, { ...spec, stamp: created.stamp }) };
}

function validate(inputs: Properties, operation: string): ValidInputs {
  return validated(checkTapInterface({}, inputs), operation, principalFailures) as ValidInputs;
}

/**
 * A new device: created by ioctl with its stamp added before it is made persistent (so even a crash leaves
 * either nothing or a device we recognise), then configured over rtnetlink. Any failure removes it again.
 */
function createDevice(netlink: RouteNetlink, spec: ValidInputs, desired: DesiredLinkSettings, operation: string): { name: string; index: number; stamp: string } {
  const stamp = newStamp(spec.managedBy ?? "");
  const request = {
    name: spec.name,
    mode: spec.mode,
    multiQueue: spec.multiQueue,
    packetInfo: spec.packetInfo,
    vnetHdr: spec.vnetHdr,
    ...resolvePrincipals(spec),
    ...(spec.netns === undefined ? {} : { netns: spec.netns }),
  };
  const name = createTunDevice(request, operation, (kernelName) => netlink.addAltName(kernelName, stamp, { operation, step: "", device: kernelName }));
  try {
    const link = mustGetLink(netlink, name, operation);
    configureNewLink(netlink, link, desired, { operation, step: "", device: name });
    return { name, index: link.index, stamp };
  } catch (error) {
    removeAfterFailedCreate(netlink, name, error, operation, (link) => ({ ...tapState(link, [], undefined, { ...spec, stamp }) }));
    throw error;
  }
}

/**
 * The name is taken. Three cases: the device is this resource's own from a run that never recorded it
 * (take it back); the user asked to adopt it; or it belongs to someone else (refuse, touch nothing).
 */
function takeOver(netlink: RouteNetlink, existing: Link, spec: ValidInputs, operation: string): pulumi.dynamic.CreateResult {
  const ownStamp = reclaimableStamp(existing, spec.managedBy, sameKindAs(spec));
  if (ownStamp === undefined && !spec.adopt) throw nameTakenError(existing, spec.name, operation, "TUN/TAP devices");
  if (ownStamp === undefined) checkAdoptable(existing, spec, operation);
  const stamp = ownStamp ?? newStamp(spec.managedBy ?? "");
  const context: ErrorContext = { operation, step: "", device: spec.name };
  const steps = ownStamp === undefined ? [stampStep(netlink, existing, stamp, context)] : [];
  applyWithRollback([...steps, ...configurationSteps(netlink, existing, spec, desiredSettings(netlink, spec, operation), operation)]);
  return { id: spec.name, outs: readState(netlink, existing.index, { ...spec, stamp }) };
}

/** A device this resource could have made: a TUN/TAP device of its mode and queue type. */
function sameKindAs(spec: ValidInputs): (link: Link) => boolean {
  return (link) => link.tun !== undefined && link.tun.type === spec.mode && link.tun.multiQueue === spec.multiQueue;
}

function checkAdoptable(existing: Link, spec: ValidInputs, operation: string): void {
  const stamp = findStamp(existing.altNames);
  const problem =
    existing.kind !== "tun" || existing.tun === undefined
      ? `it is ${describeDevice(existing)}, not a TUN/TAP device`
      : existing.tun.type !== spec.mode
        ? `it is a ${existing.tun.type} device but mode is "${spec.mode}"`
        : existing.tun.multiQueue !== spec.multiQueue
          ? `its multiQueue is ${existing.tun.multiQueue} but the input says ${spec.multiQueue}`
          : stamp !== undefined
            ? `it is already managed by another Pulumi stack or resource (stamp ${stamp})`
            : undefined;
  if (problem !== undefined) {
    throw adoptionRefused(spec.name, operation, problem);
  }
}

/**
 * Everything an existing device may need: link settings (a rename included), then owner/group — last, as the
 * kernel cannot undo them, and through the device's name after any rename.
 */
function configurationSteps(netlink: RouteNetlink, link: Link, spec: ValidInputs, desired: DesiredLinkSettings, operation: string): Step[] {
  const context: ErrorContext = { operation, step: "", device: link.name };
  const steps = linkSettingSteps(netlink, link, netlink.addressesOf(link.index, operation), desired, context);
  const ownership = ownershipStep(link, desired.name ?? link.name, spec, operation);
  return ownership === undefined ? steps : [...steps, ownership];
}

/**
 * Owner and group change only through an attached queue (EBUSY while a VM holds a single-queue tap). The
 * kernel cannot clear an owner once set, so undo restores the previous ids only when there were some.
 */
function ownershipStep(link: Link, name: string, spec: ValidInputs, operation: string): Step | undefined {
  const tun = link.tun;
  if (tun === undefined) return undefined;
  const wanted = resolvePrincipals(spec);
  const change: { owner?: number; group?: number } = {};
  if (wanted.owner !== undefined && wanted.owner !== tun.owner) change.owner = wanted.owner;
  if (wanted.group !== undefined && wanted.group !== tun.group) change.group = wanted.group;
  if (change.owner === undefined && change.group === undefined) return undefined;
  const flags = { mode: tun.type, multiQueue: tun.multiQueue, packetInfo: tun.packetInfo, vnetHdr: tun.vnetHdr };
  const previous: { owner?: number; group?: number } = {};
  if (change.owner !== undefined && tun.owner !== undefined) previous.owner = tun.owner;
  if (change.group !== undefined && tun.group !== undefined) previous.group = tun.group;
  return {
    description: "set owner/group",
    apply: () => setTunOwnership(name, flags, change, operation, spec.netns),
    undo: () => setTunOwnership(name, flags, previous, operation, spec.netns),
  };
}

/** The declared settings in kernel terms; `name` when the device must be renamed back to it. */
function desiredSettings(netlink: RouteNetlink, spec: ValidInputs, operation: string, name?: string): DesiredLinkSettings {
  const desired = desiredFromInputs(spec);
  if (name !== undefined) desired.name = name;
  desired.promiscuous = spec.promiscuous;
  desired.masterIndex = spec.bridge === undefined ? 0 : bridgeIndex(netlink, spec.bridge, operation);
  return desired;
}

/** The ifindex of the bridge named in `bridge`, or an InvalidInputsError in one sentence saying why not. */
function bridgeIndex(netlink: RouteNetlink, name: string, operation: string): number {
  const bridge = netlink.getLink(name, operation);
  const where = netlink.netns === undefined ? "" : ` in network namespace ${netlink.netns}`;
  if (bridge === undefined) {
    throw new InvalidInputsError(operation, [
      { property: "bridge", reason: `no bridge named ${name} exists${where}; create it first (a Bridge resource) and pass its name output` },
    ]);
  }
  if (bridge.kind !== "bridge") {
    throw new InvalidInputsError(operation, [
      { property: "bridge", reason: `${name} is ${describeDevice(bridge)}, not a bridge; name a bridge (a Bridge resource's name output)` },
    ]);
  }
  return bridge.index;
}

/** Reads the device back by ifindex (its name may have just changed): exact requests, answered now. */
function readState(netlink: RouteNetlink, index: number, recorded: Properties): TapInterfaceState {
  const operation = `read ${typeof recorded.name === "string" ? recorded.name : `ifindex ${index}`}`;
  const link = netlink.getLinkByIndex(index, operation);
  if (link === undefined) throw new MissingDeviceError(operation, typeof recorded.name === "string" ? recorded.name : `ifindex ${index}`);
  const master = link.master === undefined ? undefined : netlink.getLinkByIndex(link.master, operation);
  return tapState(link, netlink.addressesOf(link.index, operation), master, recorded);
}

/**
 * Outputs: the device as the kernel has it, plus what only the state knows (netns, adopt, managedBy, stamp).
 * No key is ever undefined: Pulumi's host cannot serialize that.
 */
function tapState(link: Link, addresses: readonly AddressRecord[], master: Link | undefined, recorded: Properties): TapInterfaceState {
  const tun = link.tun;
  const state: TapInterfaceState = {
    name: link.name,
    mode: tun?.type ?? "tap",
    multiQueue: tun?.multiQueue ?? false,
    packetInfo: tun?.packetInfo ?? false,
    vnetHdr: tun?.vnetHdr ?? false,
    ...commonLinkState(link, addresses),
    promiscuous: isPromiscuous(link),
    adopt: recorded.adopt === true,
    stamp: typeof recorded.stamp === "string" ? recorded.stamp : (findStamp(link.altNames) ?? ""),
  };
  if (tun?.owner !== undefined) state.owner = tun.owner;
  if (tun?.group !== undefined) state.group = tun.group;
  if (master !== undefined && bridgeIndexOf(link) === master.index) state.bridge = master.name;
  if (typeof recorded.netns === "string") state.netns = recorded.netns;
  if (typeof recorded.managedBy === "string") state.managedBy = recorded.managedBy;
  return state;
}
