// The Bridge provider's real work: created, changed and deleted over rtnetlink (kind "bridge"), with the same
// ownership and rollback rules as TapInterface. Loaded at call time by the serialized shim (bridgeProvider.ts).
import type * as pulumi from "@pulumi/pulumi";
import { type AddressRecord, type ErrorContext, type Link, type RouteNetlink, rtnetlink } from "../kernel";
import { type BridgeInputs, type BridgeState, checkBridge, diffBridge, findStamp, intendedName, isNameTemplate, newStamp } from "../model";
import { describeDevice } from "./devices";
import { MissingDeviceError } from "./errors";
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
import { commonLinkState, configureNewLink, desiredFromInputs, type DesiredLinkSettings, linkSettingSteps } from "./linkSettings";
import { reclaimableStamp, stampStep } from "./ownership";
import { applyWithRollback } from "./steps";

type ValidInputs = BridgeInputs & { name: string };

export const bridgeImplementation = {
  async check(olds: Properties, news: Properties): Promise<pulumi.dynamic.CheckResult> {
    const outcome = checkBridge(olds, news);
    return { inputs: outcome.inputs, failures: outcome.failures };
  },

  async diff(id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.DiffResult> {
    const outcome = diffBridge(id, olds, news);
    return { changes: outcome.changes, replaces: outcome.replaces, deleteBeforeReplace: outcome.deleteBeforeReplace };
  },

  create(inputs: Properties): Promise<pulumi.dynamic.CreateResult> {
    return recordingProviderOnPartialFailure(inputs, () => createBridgeResource(inputs));
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
    const context: ErrorContext = { operation, step: "", device: id };
    const desired = { ...desiredSettings(spec), name: intendedName(typeof news.name === "string" ? news.name : id, id, link.name) };
    applyWithRollback(linkSettingSteps(netlink, link, netlink.addressesOf(link.index, operation), desired, context));
    return { outs: readState(netlink, link.index, { ...spec, stamp: olds.stamp }) };
  },

  delete: deleteOwnedLink,
};

/** create: a new bridge, or — when the name is taken — a reclaim or an adoption, or a refusal. */
function createBridgeResource(inputs: Properties): pulumi.dynamic.CreateResult {
  const spec = validate(inputs, "create Bridge");
  const operation = `create ${spec.name}`;
  const netlink = rtnetlink(spec.netns);
  if (!isNameTemplate(spec.name)) {
    const holder = netlink.holderOfName(spec.name, operation);
    if (holder !== undefined && holder.name !== spec.name) throw nameIsAltNameError(holder, spec.name, operation);
    if (holder !== undefined) return takeOver(netlink, holder, spec, operation);
  } else {
    const own = reclaimableByTemplate(netlink, spec.name, spec.managedBy, isBridge, operation);
    if (own !== undefined) return takeOver(netlink, own, { ...spec, name: own.name }, operation);
  }
  const { name, index, stamp } = createBridge(netlink, spec, operation);
  return { id: name, outs: readState(netlink, index, { ...spec, stamp }) };
}

function validate(inputs: Properties, operation: string): ValidInputs {
  return validated(checkBridge({}, inputs), operation, () => []) as ValidInputs;
}

function desiredSettings(spec: ValidInputs): DesiredLinkSettings {
  return { ...desiredFromInputs(spec), stpState: spec.stp ? 1 : 0 };
}

/**
 * RTM_NEWLINK creates the bridge; the kernel ignores altnames in that request, so the stamp follows at once.
 * Any failure after creation deletes the bridge again.
 */
function createBridge(netlink: RouteNetlink, spec: ValidInputs, operation: string): { name: string; index: number; stamp: string } {
  const stamp = newStamp(spec.managedBy ?? "");
  const context: ErrorContext = { operation, step: "", device: spec.name };
  const created = netlink.createBridge({ name: spec.name, stpState: spec.stp ? 1 : 0 }, context);
  try {
    netlink.addAltName(created.index, stamp, context);
    const link = mustGetLink(netlink, created.name, operation);
    configureNewLink(netlink, link, desiredSettings(spec), { ...context, device: created.name });
    return { name: created.name, index: link.index, stamp };
  } catch (error) {
    removeAfterFailedCreate(netlink, created.name, error, operation, (link) => ({ ...bridgeState(link, [], [], { ...spec, stamp }) }));
    throw error;
  }
}

function isBridge(link: Link): boolean {
  return link.kind === "bridge";
}

function takeOver(netlink: RouteNetlink, existing: Link, spec: ValidInputs, operation: string): pulumi.dynamic.CreateResult {
  const ownStamp = reclaimableStamp(existing, spec.managedBy, isBridge);
  if (ownStamp === undefined && !spec.adopt) throw nameTakenError(existing, spec.name, operation, "bridges");
  if (ownStamp === undefined) {
    const stamp = findStamp(existing.altNames);
    const problem =
      existing.kind !== "bridge"
        ? `it is ${describeDevice(existing)}, not a bridge`
        : stamp !== undefined
          ? `it is already managed by another Pulumi stack or resource (stamp ${stamp})`
          : undefined;
    if (problem !== undefined) throw adoptionRefused(spec.name, operation, problem);
  }
  const stamp = ownStamp ?? newStamp(spec.managedBy ?? "");
  const context: ErrorContext = { operation, step: "", device: spec.name };
  const steps = linkSettingSteps(netlink, existing, netlink.addressesOf(existing.index, operation), desiredSettings(spec), context);
  applyWithRollback(ownStamp === undefined ? [stampStep(netlink, existing, stamp, context), ...steps] : steps);
  return { id: spec.name, outs: readState(netlink, existing.index, { ...spec, stamp }) };
}

/** Reads the bridge back by ifindex (its name may have just changed): exact requests, answered now. */
function readState(netlink: RouteNetlink, index: number, recorded: Properties): BridgeState {
  const label = typeof recorded.name === "string" ? recorded.name : `ifindex ${index}`;
  const operation = `read ${label}`;
  const link = netlink.getLinkByIndex(index, operation);
  if (link === undefined) throw new MissingDeviceError(operation, label);
  return bridgeState(link, netlink.addressesOf(link.index, operation), netlink.portsOf(link.index, operation), recorded);
}

function bridgeState(link: Link, addresses: readonly AddressRecord[], ports: readonly Link[], recorded: Properties): BridgeState {
  const common = commonLinkState(link, addresses);
  const state: BridgeState = {
    name: link.name,
    ...common,
    macAddress: common.macAddress ?? "",
    stp: (link.bridge?.stpState ?? 0) !== 0,
    adopt: recorded.adopt === true,
    stamp: typeof recorded.stamp === "string" ? recorded.stamp : (findStamp(link.altNames) ?? ""),
    ports: ports.map((port) => port.name).sort(),
  };
  if (typeof recorded.netns === "string") state.netns = recorded.netns;
  if (typeof recorded.managedBy === "string") state.managedBy = recorded.managedBy;
  return state;
}
