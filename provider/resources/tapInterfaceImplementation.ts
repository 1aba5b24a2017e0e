// The TapInterface provider's real work. It runs inside Pulumi's dynamic-provider host, loaded at call time by
// the serialized shim (tapInterfaceProvider.ts). Each lifecycle method reads the same way: validate → one
// call into the kernel layer per step → map the kernel's objects to outputs.
import type * as pulumi from "@pulumi/pulumi";
import { type AddressRecord, createTunDevice, DeviceExistsError, type ErrorContext, isPromiscuous, type Link, type RouteNetlink, rtnetlink, setTunOwnership } from "../kernel";
import { checkTapInterface, diffTapInterface, findStamp, isNameTemplate, newStamp, type TapInterfaceInputs, type TapInterfaceState } from "../model";
import { InvalidInputsError } from "./errors";
import {
  adoptionRefused,
  deleteOwnedLink,
  mustGetLink,
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
import { reclaimableStamp, restamp, stampedForAnotherOwner, stampStep } from "./ownership";
import { principalFailures, resolvePrincipals } from "./principals";
import { applyWithRollback, type Step } from "./steps";

type ValidInputs = TapInterfaceInputs & { name: string };

export const tapInterfaceImplementation = {
  async check(olds: Properties, news: Properties): Promise<pulumi.dynamic.CheckResult> {
    const outcome = checkTapInterface(olds, news);
    const failures = outcome.failures.length > 0 ? outcome.failures : principalFailures(outcome.inputs);
    return { inputs: outcome.inputs, failures };
  },

  async diff(_id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.DiffResult> {
    const outcome = diffTapInterface(olds, news, resolvePrincipals(news));
    return { changes: outcome.changes, replaces: outcome.replaces, deleteBeforeReplace: outcome.deleteBeforeReplace };
  },

  create(inputs: Properties): Promise<pulumi.dynamic.CreateResult> {
    return recordingProviderOnPartialFailure(inputs, () => createTapInterface(inputs));
  },

  async read(id: string, props: Properties): Promise<pulumi.dynamic.ReadResult> {
    const view = readOwnedLink(id, props);
    if (view === undefined) return {};
    const { link, snapshot } = view;
    const master = link.master === undefined ? undefined : snapshot.linkByIndex.get(link.master);
    return { id, props: tapState(link, snapshot.addressesByIndex.get(link.index) ?? [], master, props) };
  },

  async update(id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.UpdateResult> {
    const operation = `update ${id}`;
    const spec = validate({ ...news, name: id }, operation);
    const netlink = rtnetlink(spec.netns);
    const link = ownedLinkForUpdate(netlink, id, olds.stamp, operation);
    const stamped = restamp(netlink, link, String(olds.stamp), spec.managedBy, { operation, step: "", device: id });
    applyWithRollback([...stamped.steps, ...configurationSteps(netlink, link, spec, operation)]);
    return { outs: readState(netlink, id, { ...spec, stamp: stamped.stamp }) };
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
  let created: { name: string; stamp: string };
  try {
    created = createDevice(netlink, spec, operation);
  } catch (error) {
    // TUNSETIFF with IFF_TUN_EXCL is the existence check: no look-up before it, one after only if taken.
    const existing = error instanceof DeviceExistsError ? netlink.getLink(spec.name, operation) : undefined;
    if (existing === undefined) throw error;
    return takeOver(netlink, existing, spec, operation);
  }
  return { id: created.name, outs: readState(netlink, created.name, { ...spec, stamp: created.stamp }) };
}

function validate(inputs: Properties, operation: string): ValidInputs {
  return validated(checkTapInterface({}, inputs), operation, principalFailures) as ValidInputs;
}

/**
 * A new device: created by ioctl with its stamp added before it is made persistent (so even a crash leaves
 * either nothing or a device we recognise), then configured over rtnetlink. Any failure removes it again.
 */
function createDevice(netlink: RouteNetlink, spec: ValidInputs, operation: string): { name: string; stamp: string } {
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
    configureNewLink(netlink, link, desiredSettings(netlink, spec, operation), { operation, step: "", device: name });
  } catch (error) {
    removeAfterFailedCreate(netlink, name, error, operation, (link) => ({ ...tapState(link, [], undefined, { ...spec, stamp }) }));
    throw error;
  }
  return { name, stamp };
}

/**
 * The name is taken. Three cases: the device is this resource's own from a run that never recorded it
 * (take it back); the user asked to adopt it; or it belongs to someone else (refuse, touch nothing).
 */
function takeOver(netlink: RouteNetlink, existing: Link, spec: ValidInputs, operation: string): pulumi.dynamic.CreateResult {
  const ownStamp = reclaimableStamp(existing, spec.managedBy, sameKindAs(spec));
  if (ownStamp === undefined && !spec.adopt) throw nameTakenError(existing, spec.name, spec.managedBy, operation, "TUN/TAP devices");
  if (ownStamp === undefined) checkAdoptable(existing, spec, operation);
  const stamp = ownStamp ?? newStamp(spec.managedBy ?? "");
  const context: ErrorContext = { operation, step: "", device: spec.name };
  const steps = ownStamp === undefined ? [stampStep(netlink, existing, stamp, context)] : [];
  applyWithRollback([...steps, ...configurationSteps(netlink, existing, spec, operation)]);
  return { id: spec.name, outs: readState(netlink, spec.name, { ...spec, stamp }) };
}

/** A device this resource could have made: a TUN/TAP device of its mode and queue type. */
function sameKindAs(spec: ValidInputs): (link: Link) => boolean {
  return (link) => link.tun !== undefined && link.tun.type === spec.mode && link.tun.multiQueue === spec.multiQueue;
}

function checkAdoptable(existing: Link, spec: ValidInputs, operation: string): void {
  const stamp = findStamp(existing.altNames);
  const problem =
    existing.kind !== "tun" || existing.tun === undefined
      ? `it is a ${existing.kind ?? "network"} device, not a TUN/TAP device`
      : existing.tun.type !== spec.mode
        ? `it is a ${existing.tun.type} device but mode is "${spec.mode}"`
        : existing.tun.multiQueue !== spec.multiQueue
          ? `its multiQueue is ${existing.tun.multiQueue} but the input says ${spec.multiQueue}`
          : stamp !== undefined
            ? stampedForAnotherOwner(spec.name, stamp, spec.managedBy, true)
            : undefined;
  if (problem !== undefined) {
    throw adoptionRefused(spec.name, operation, problem);
  }
}

/** Everything an existing device may need: link settings, then owner/group (last: it cannot be undone). */
function configurationSteps(netlink: RouteNetlink, link: Link, spec: ValidInputs, operation: string): Step[] {
  const context: ErrorContext = { operation, step: "", device: link.name };
  const steps = linkSettingSteps(netlink, link, netlink.addressesOf(link.index, operation), desiredSettings(netlink, spec, operation), context);
  const ownership = ownershipStep(link, spec, operation);
  return ownership === undefined ? steps : [...steps, ownership];
}

/**
 * Owner and group change only through an attached queue (EBUSY while a VM holds a single-queue tap). The
 * kernel cannot clear an owner once set, so undo restores the previous ids only when there were some.
 */
function ownershipStep(link: Link, spec: ValidInputs, operation: string): Step | undefined {
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
    apply: () => setTunOwnership(link.name, flags, change, operation, spec.netns),
    undo: () => setTunOwnership(link.name, flags, previous, operation, spec.netns),
  };
}

function desiredSettings(netlink: RouteNetlink, spec: ValidInputs, operation: string): DesiredLinkSettings {
  const desired = desiredFromInputs(spec);
  desired.promiscuous = spec.promiscuous;
  desired.masterIndex = spec.bridge === undefined ? 0 : bridgeIndex(netlink, spec.bridge, operation);
  return desired;
}

function bridgeIndex(netlink: RouteNetlink, name: string, operation: string): number {
  const bridge = netlink.getLink(name, operation);
  const where = netlink.netns === undefined ? "" : ` in network namespace ${netlink.netns}`;
  if (bridge === undefined) {
    throw new InvalidInputsError(operation, [
      { property: "bridge", reason: `no bridge named ${name} exists${where}; create it first (a Bridge resource) and pass its name output` },
    ]);
  }
  if (bridge.kind !== "bridge") {
    throw new InvalidInputsError(operation, [{ property: "bridge", reason: `${name} is a ${bridge.kind ?? "network"} device, not a bridge` }]);
  }
  return bridge.index;
}

/** Reads the device back after a change: exact single-device requests, not the shared snapshot. */
function readState(netlink: RouteNetlink, name: string, recorded: Properties): TapInterfaceState {
  const operation = `read ${name}`;
  const link = mustGetLink(netlink, name, operation);
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
