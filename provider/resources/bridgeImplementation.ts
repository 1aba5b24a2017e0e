// The Bridge provider's real work: created, changed and deleted over rtnetlink (kind "bridge"), with the same
// ownership and rollback rules as TapInterface. Loaded at call time by the serialized shim (bridgeProvider.ts).
import type * as pulumi from "@pulumi/pulumi";
import { type AddressRecord, type ErrorContext, type Link, type RouteNetlink, rtnetlink } from "../kernel";
import { type BridgeInputs, type BridgeState, checkBridge, diffBridge, findStamp, isNameTemplate, newStamp } from "../model";
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
import { commonLinkState, configureNewLink, desiredFromInputs, type DesiredLinkSettings, linkSettingSteps } from "./linkSettings";
import { reclaimableStamp, restamp, stampedForAnotherOwner, stampStep } from "./ownership";
import { applyWithRollback } from "./steps";

type ValidInputs = BridgeInputs & { name: string };

export const bridgeImplementation = {
  async check(olds: Properties, news: Properties): Promise<pulumi.dynamic.CheckResult> {
    const outcome = checkBridge(olds, news);
    return { inputs: outcome.inputs, failures: outcome.failures };
  },

  async diff(_id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.DiffResult> {
    const outcome = diffBridge(olds, news);
    return { changes: outcome.changes, replaces: outcome.replaces, deleteBeforeReplace: outcome.deleteBeforeReplace };
  },

  create(inputs: Properties): Promise<pulumi.dynamic.CreateResult> {
    return recordingProviderOnPartialFailure(inputs, () => createBridgeResource(inputs));
  },

  async read(id: string, props: Properties): Promise<pulumi.dynamic.ReadResult> {
    const view = readOwnedLink(id, props);
    if (view === undefined) return {};
    const { link, snapshot } = view;
    const ports = snapshot.links.filter((candidate) => candidate.master === link.index);
    return { id, props: bridgeState(link, snapshot.addressesByIndex.get(link.index) ?? [], ports, props) };
  },

  async update(id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.UpdateResult> {
    const operation = `update ${id}`;
    const spec = validate({ ...news, name: id }, operation);
    const netlink = rtnetlink(spec.netns);
    const link = ownedLinkForUpdate(netlink, id, olds.stamp, operation);
    const context: ErrorContext = { operation, step: "", device: id };
    const stamped = restamp(netlink, link, String(olds.stamp), spec.managedBy, context);
    applyWithRollback([...stamped.steps, ...linkSettingSteps(netlink, link, netlink.addressesOf(link.index, operation), desiredSettings(spec), context)]);
    return { outs: readState(netlink, id, { ...spec, stamp: stamped.stamp }) };
  },

  delete: deleteOwnedLink,
};

/** create: a new bridge, or — when the name is taken — a reclaim or an adoption, or a refusal. */
function createBridgeResource(inputs: Properties): pulumi.dynamic.CreateResult {
  const spec = validate(inputs, "create Bridge");
  const operation = `create ${spec.name}`;
  const netlink = rtnetlink(spec.netns);
  if (!isNameTemplate(spec.name)) {
    const existing = netlink.getLink(spec.name, operation);
    if (existing !== undefined) return takeOver(netlink, existing, spec, operation);
  } else {
    const own = reclaimableByTemplate(netlink, spec.name, spec.managedBy, isBridge, operation);
    if (own !== undefined) return takeOver(netlink, own, { ...spec, name: own.name }, operation);
  }
  const { name, stamp } = createBridge(netlink, spec, operation);
  return { id: name, outs: readState(netlink, name, { ...spec, stamp }) };
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
function createBridge(netlink: RouteNetlink, spec: ValidInputs, operation: string): { name: string; stamp: string } {
  const stamp = newStamp(spec.managedBy ?? "");
  const context: ErrorContext = { operation, step: "", device: spec.name };
  const created = netlink.createBridge({ name: spec.name, stpState: spec.stp ? 1 : 0 }, context);
  try {
    netlink.addAltName(created.index, stamp, context);
    const link = mustGetLink(netlink, created.name, operation);
    configureNewLink(netlink, link, desiredSettings(spec), { ...context, device: created.name });
  } catch (error) {
    removeAfterFailedCreate(netlink, created.name, error, operation, (link) => ({ ...bridgeState(link, [], [], { ...spec, stamp }) }));
    throw error;
  }
  return { name: created.name, stamp };
}

function isBridge(link: Link): boolean {
  return link.kind === "bridge";
}

function takeOver(netlink: RouteNetlink, existing: Link, spec: ValidInputs, operation: string): pulumi.dynamic.CreateResult {
  const ownStamp = reclaimableStamp(existing, spec.managedBy, isBridge);
  if (ownStamp === undefined && !spec.adopt) throw nameTakenError(existing, spec.name, spec.managedBy, operation, "bridges");
  if (ownStamp === undefined) {
    const stamp = findStamp(existing.altNames);
    const problem =
      existing.kind !== "bridge"
        ? `it is a ${existing.kind ?? "network"} device, not a bridge`
        : stamp !== undefined
          ? stampedForAnotherOwner(spec.name, stamp, spec.managedBy, true)
          : undefined;
    if (problem !== undefined) throw adoptionRefused(spec.name, operation, problem);
  }
  const stamp = ownStamp ?? newStamp(spec.managedBy ?? "");
  const context: ErrorContext = { operation, step: "", device: spec.name };
  const steps = linkSettingSteps(netlink, existing, netlink.addressesOf(existing.index, operation), desiredSettings(spec), context);
  applyWithRollback(ownStamp === undefined ? [stampStep(netlink, existing, stamp, context), ...steps] : steps);
  return { id: spec.name, outs: readState(netlink, spec.name, { ...spec, stamp }) };
}

function readState(netlink: RouteNetlink, name: string, recorded: Properties): BridgeState {
  const operation = `read ${name}`;
  const link = mustGetLink(netlink, name, operation);
  // Ports are found by a filtered look at all links: bridges are few and this runs once per change.
  const ports = netlink.dumpLinks(operation).filter((candidate) => candidate.master === link.index);
  return bridgeState(link, netlink.addressesOf(link.index, operation), ports, recorded);
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
