// TapPool as a kind on the lifecycle: many TUN/TAP devices, each made, configured and compared as a TapInterface
// (its hooks), held as one resource. What a pool adds is the plan, device by device:
// - every device carries its own ownership stamp, made from the pool's identity, its key and the nonce of the
//   pool's generation (recorded once, as the pool's stamp), so that a device is the pool's key K only if it
//   carries K's stamp; the namespace is read once per call (one dump of links, one of addresses) and devices are
//   found in it by stamp;
// - a device under a planned name that is this pool's own from a run that never recorded it is taken back, an
//   unstamped TUN/TAP device is adopted when `adopt` is set, anything else is refused — all decided before
//   anything is touched;
// - an update touches only the devices whose key is added or removed or whose settings differ: creates and
//   changes are undoable steps (a failure rolls every one of them back), and the devices of removed keys leave
//   last, together, in one link-group batch (kernel/teardown.ts).
import type { ErrorContext } from "../../kernel/errors";
import type { AddressRecord } from "../../kernel/netlink/address";
import { isPromiscuous, type Link } from "../../kernel/netlink/link";
import { type RouteNetlink, rtnetlink, rtnetlinkIfExists } from "../../kernel/rtnetlink";
import { deleteLinksTogether, type DeleteRequest } from "../../kernel/teardown";
import { type Properties, withoutDefaultedInputs } from "../../model/check";
import type { CheckFailure } from "../../model/failures";
import { resourcePartOf } from "../../model/linkRules";
import { findStamp, isStampFor, newStamp, stampOwnerPart } from "../../model/stamp";
import { DeviceConflictError } from "../../lifecycle/errors";
import type { ResourceKind } from "../../lifecycle/kind";
import { stampedForAnotherOwner, stampStep, unstampStep } from "../../lifecycle/ownership";
import { resourceProvider } from "../../lifecycle/provider";
import { applyWithRollback, type Step } from "../../lifecycle/steps";
import { bridgeIndex } from "../../links/bridgePort";
import { deviceWords, nameIsAltNameError, nameTakenError } from "../../links/errors";
import { linkStamps } from "../../links/linkKind";
import { bridgeIndexOf, commonLinkState, configureNewLink, type DesiredLinkSettings, linkSettingSteps } from "../../links/settings";
import { tapInterfaceHooks } from "../tapInterface/kind";
import type { TapInterfaceInputs } from "../tapInterface/schema";
import { principalFailures, resolvePrincipals } from "../tapInterface/principals";
import type * as diffModule from "./diff";
import { deviceIdentity, deviceSpec, type TapPoolDeviceState, type TapPoolState } from "./model";
import type * as schemaModule from "./schema";
import type { TapPoolInputs } from "./schema";

// The inputs' schema and the diff (which checks again), loaded by the first check or diff: a destroy or a refresh
// does neither, and does without zod.
const schema = (): typeof schemaModule => require("./schema");
const diff = (): typeof diffModule => require("./diff");

type DeviceSpec = TapInterfaceInputs & { name: string };

/** What only the state knows of a pool: its generation's stamp, whose and where it is, its keys and flags. */
interface PoolRecorded {
  stamp: string;
  adopt: boolean;
  netns?: string;
  managedBy?: string;
  keys: string[];
  mode: "tap" | "tun";
  multiQueue: boolean;
  packetInfo: boolean;
  vnetHdr: boolean;
}

/** The pool's namespace as one read saw it. */
interface NamespaceView {
  byName: Map<string, Link>;
  byAltName: Map<string, Link>;
  byIndex: Map<number, Link>;
  addresses: Map<number, AddressRecord[]>;
}

interface PoolFound {
  netlink: RouteNetlink;
  view: NamespaceView;
  /** The devices a removal of the pool takes: those of this generation found by their stamps. */
  owned: Link[];
  /** What the state recorded, when the pool was found from it (an update starts there). */
  recorded?: PoolRecorded;
}

function viewOf(netlink: RouteNetlink, operation: string): NamespaceView {
  const view: NamespaceView = { byName: new Map(), byAltName: new Map(), byIndex: new Map(), addresses: new Map() };
  for (const link of netlink.dumpLinks(operation)) {
    view.byName.set(link.name, link);
    view.byIndex.set(link.index, link);
    for (const altName of link.altNames) view.byAltName.set(altName, link);
  }
  for (const address of netlink.dumpAddresses(operation)) {
    const list = view.addresses.get(address.index);
    if (list === undefined) view.addresses.set(address.index, [address]);
    else list.push(address);
  }
  return view;
}

/** The link holding `name` as its name or an altname (names and altnames share one namespace). */
function holderOf(view: NamespaceView, name: string): Link | undefined {
  return view.byName.get(name) ?? view.byAltName.get(name);
}

function nonceOf(stamp: string): string {
  return stamp.slice(stamp.lastIndexOf(":") + 1);
}

/** The stamp device `key` of the pool `managedBy` carries in the generation `nonce`. */
function deviceStamp(managedBy: string | undefined, key: string, nonce: string): string {
  return newStamp(deviceIdentity(managedBy ?? "", key), nonce);
}

/** Every device of this pool's generation: those of the recorded keys, and any other key's a run that never recorded it left. */
function ownedDevices(view: NamespaceView, recorded: PoolRecorded): Link[] {
  const nonce = nonceOf(recorded.stamp);
  const owned = new Set<Link>();
  for (const key of recorded.keys) {
    const link = view.byAltName.get(deviceStamp(recorded.managedBy, key, nonce));
    if (link !== undefined) owned.add(link);
  }
  const prefix = stampOwnerPart(`${recorded.managedBy ?? ""}/`);
  for (const [altName, link] of view.byAltName) if (altName.startsWith(prefix) && altName.endsWith(`:${nonce}`)) owned.add(link);
  return [...owned];
}

function deviceContext(link: Link, operation: string): ErrorContext {
  return { operation, step: "", device: link.name };
}

/** The settings every link has, in kernel terms; bridges looked up once per call, however many devices join one. */
function desiredOf(netlink: RouteNetlink, spec: DeviceSpec, bridges: Map<string, number>, operation: string, key: string): DesiredLinkSettings {
  const desired = tapInterfaceHooks.desired(netlink, { ...spec, bridge: undefined }, operation);
  if (spec.bridge === undefined) return desired;
  let index = bridges.get(spec.bridge);
  if (index === undefined) {
    index = bridgeIndex(netlink, spec.bridge, operation, `devices.${key}.bridge`);
    bridges.set(spec.bridge, index);
  }
  return { ...desired, masterIndex: index };
}

/** The device of one key as the outputs report it. */
function deviceState(view: NamespaceView, link: Link): TapPoolDeviceState {
  const state: TapPoolDeviceState = { name: link.name, ...commonLinkState(link, view.addresses.get(link.index) ?? []), promiscuous: isPromiscuous(link) };
  if (link.tun?.owner !== undefined) state.owner = link.tun.owner;
  if (link.tun?.group !== undefined) state.group = link.tun.group;
  const master = bridgeIndexOf(link);
  const bridge = master === 0 ? undefined : view.byIndex.get(master);
  if (bridge !== undefined) state.bridge = bridge.name;
  return state;
}

/** Where the planned devices are that exist already; every other key's name is free, and its device is made. */
interface Placement {
  /** Keys whose device exists, carrying this generation's stamp. */
  existing: Map<string, Link>;
  /** Keys that take a device already there: this pool's own, adopted, or a leaving key's under the planned name. */
  taken: Map<string, Link>;
}

/**
 * Where every planned device goes, decided from one view before anything is touched. A refusal names every key
 * that cannot be placed.
 */
function place(netlink: RouteNetlink, view: NamespaceView, spec: TapPoolInputs, nonce: string, previous: PoolRecorded | undefined, operation: string): Placement {
  const placement: Placement = { existing: new Map(), taken: new Map() };
  const refusals: string[] = [];
  const previousNonce = previous === undefined ? undefined : nonceOf(previous.stamp);
  // Devices of keys that leave the pool: a new key may take one over, by its name.
  const leaving = new Set<Link>();
  if (previous !== undefined && previousNonce !== undefined) {
    for (const key of previous.keys) {
      const link = spec.devices[key] === undefined ? view.byAltName.get(deviceStamp(previous.managedBy, key, previousNonce)) : undefined;
      if (link !== undefined) leaving.add(link);
    }
  }
  for (const [key, device] of Object.entries(spec.devices)) {
    const stamp = deviceStamp(spec.managedBy, key, nonce);
    const recordedStamp = previous === undefined || previousNonce === undefined ? undefined : deviceStamp(previous.managedBy, key, previousNonce);
    const own = view.byAltName.get(stamp) ?? (recordedStamp === undefined ? undefined : view.byAltName.get(recordedStamp));
    if (own !== undefined) {
      placement.existing.set(key, own);
      continue;
    }
    const holder = holderOf(view, device.name);
    if (holder === undefined) continue;
    const deviceOperation = `${operation}, device ${key}`;
    if (holder.name !== device.name) {
      refusals.push(nameIsAltNameError(holder, device.name, deviceOperation).message);
      continue;
    }
    const foreign = findStamp(holder.altNames);
    const mismatch = tapInterfaceHooks.mismatch(holder, deviceSpec(spec, key, device), netlink);
    if (leaving.has(holder)) {
      // The device of a key that leaves the pool, under the name this key plans: it changes keys, not devices.
      leaving.delete(holder);
      placement.taken.set(key, holder);
      continue;
    }
    const ownFromAnotherRun = foreign !== undefined && isStampFor(foreign, deviceIdentity(spec.managedBy ?? "", key));
    if (mismatch === undefined && (ownFromAnotherRun || (spec.adopt && foreign === undefined))) {
      placement.taken.set(key, holder);
      continue;
    }
    if (spec.adopt) {
      const problem = mismatch ?? stampedForAnotherOwner(foreign ?? "", deviceIdentity(spec.managedBy ?? "", key), deviceWords(device.name, foreign ?? ""), true);
      refusals.push(`${deviceOperation}: cannot adopt ${device.name}: ${problem}.`);
      continue;
    }
    refusals.push(nameTakenError(holder, device.name, deviceIdentity(spec.managedBy ?? "", key), deviceOperation, "TUN/TAP devices").message);
  }
  if (refusals.length > 0) throw new DeviceConflictError(operation, "devices", `${refusals.length} planned device(s) cannot be placed:\n  - ${refusals.join("\n  - ")}\n`);
  return placement;
}

/** The steps that make `link` carry exactly `stamp` among this pool's stamps (added first, then any other of this pool's removed). */
function stampingSteps(netlink: RouteNetlink, link: Link, stamp: string, operation: string): Step[] {
  const found = { netlink, link };
  const steps: Step[] = [];
  if (!link.altNames.includes(stamp)) steps.push(stampStep(linkStamps, found, stamp, operation));
  const previous = findStamp(link.altNames.filter((altName) => altName !== stamp));
  if (previous !== undefined && previous !== stamp) steps.push(unstampStep(linkStamps, found, previous, operation));
  return steps;
}

/** Makes the device of one key, stamped before it can outlive a failure, and configures it; returns it. A failure leaves nothing behind. */
function makeDevice(netlink: RouteNetlink, spec: DeviceSpec, stamp: string, desired: DesiredLinkSettings, operation: string): Link {
  const name = tapInterfaceHooks.make(netlink, spec, stamp, operation);
  const link = netlink.getLink(name, operation);
  if (link === undefined) throw new Error(`${operation}: ${name} vanished as it was made`);
  try {
    configureNewLink(netlink, link, desired, deviceContext(link, operation));
    applyWithRollback(tapInterfaceHooks.moreSteps(netlink, link, name, spec, operation, { stamp, previous: stamp }));
  } catch (error) {
    netlink.deleteLink(link.index, deviceContext(link, operation));
    throw error;
  }
  return link;
}

/**
 * Every step from what the namespace holds to the plan: stamps and settings of the devices that stay or are
 * taken, the devices made anew, and last the removal of the devices whose keys left (not undoable, so last).
 */
function poolSteps(
  netlink: RouteNetlink,
  view: NamespaceView,
  spec: TapPoolInputs,
  nonce: string,
  previous: PoolRecorded | undefined,
  made: Link[],
  operation: string,
): Step[] {
  const placement = place(netlink, view, spec, nonce, previous, operation);
  const bridges = new Map<string, number>();
  const steps: Step[] = [];
  const kept = new Set<Link>();
  for (const [key, device] of Object.entries(spec.devices)) {
    const deviceOperation = `${operation}, device ${key}`;
    const deviceSpecification = deviceSpec(spec, key, device);
    const stamp = deviceStamp(spec.managedBy, key, nonce);
    const desired = desiredOf(netlink, deviceSpecification, bridges, deviceOperation, key);
    const link = placement.existing.get(key) ?? placement.taken.get(key);
    if (link === undefined) {
      // `made` lists the devices this call made until they are removed again: what is left of them if a removal fails.
      let created: Link | undefined;
      steps.push({
        description: `create ${device.name}`,
        apply: () => {
          created = makeDevice(netlink, deviceSpecification, stamp, desired, deviceOperation);
          made.push(created);
        },
        undo: () => {
          if (created === undefined) return;
          netlink.deleteLink(created.index, deviceContext(created, deviceOperation));
          made.splice(made.indexOf(created), 1);
        },
      });
      continue;
    }
    kept.add(link);
    const context = deviceContext(link, deviceOperation);
    steps.push(...stampingSteps(netlink, link, stamp, deviceOperation));
    steps.push(...linkSettingSteps(netlink, link, view.addresses.get(link.index) ?? [], { ...desired, name: device.name }, context));
    steps.push(...tapInterfaceHooks.moreSteps(netlink, link, device.name, deviceSpecification, deviceOperation, { stamp, previous: stamp }));
  }
  const leaving = previous === undefined ? [] : ownedDevices(view, previous).filter((link) => !kept.has(link));
  if (leaving.length > 0) {
    const requests: DeleteRequest[] = leaving.map((link) => ({ index: link.index, name: link.name, context: deviceContext(link, operation) }));
    steps.push({ description: `delete ${leaving.map((link) => link.name).join(", ")}`, apply: () => deleteLinksTogether(netlink, requests, operation) });
  }
  return steps;
}

/** Host failures (user and group names that do not exist here) of the template and of every device, each by its path. */
function poolPrincipalFailures(inputs: Properties): CheckFailure[] {
  const at = (prefix: string, value: unknown) =>
    value !== null && typeof value === "object" ? principalFailures(value as Properties).map((failure) => ({ ...failure, property: `${prefix}.${failure.property}` })) : [];
  const devices = inputs.devices !== null && typeof inputs.devices === "object" ? Object.entries(inputs.devices as Properties) : [];
  return [...at("template", inputs.template), ...devices.flatMap(([key, device]) => at(`devices.${key}`, device))];
}

/** A pool's id: its resource's name. */
function poolId(spec: TapPoolInputs): string {
  return spec.managedBy === undefined ? "tap-pool" : resourcePartOf(spec.managedBy);
}

function recordedOf(spec: TapPoolInputs, stamp: string): PoolRecorded {
  const recorded: PoolRecorded = {
    stamp: newStamp(spec.managedBy ?? "", nonceOf(stamp)),
    adopt: spec.adopt,
    keys: Object.keys(spec.devices),
    mode: spec.template.mode,
    multiQueue: spec.template.multiQueue,
    packetInfo: spec.template.packetInfo,
    vnetHdr: spec.template.vnetHdr,
  };
  if (spec.netns !== undefined) recorded.netns = spec.netns;
  if (spec.managedBy !== undefined) recorded.managedBy = spec.managedBy;
  return recorded;
}

function recordedFromState(props: Properties): PoolRecorded {
  const devices = props.devices !== null && typeof props.devices === "object" ? Object.keys(props.devices) : [];
  const recorded: PoolRecorded = {
    stamp: typeof props.stamp === "string" ? props.stamp : "",
    adopt: props.adopt === true,
    keys: devices,
    mode: props.mode === "tun" ? "tun" : "tap",
    multiQueue: props.multiQueue === true,
    packetInfo: props.packetInfo === true,
    vnetHdr: props.vnetHdr === true,
  };
  if (typeof props.netns === "string") recorded.netns = props.netns;
  if (typeof props.managedBy === "string") recorded.managedBy = props.managedBy;
  return recorded;
}

const tapPoolKind: ResourceKind<TapPoolInputs, PoolRecorded, PoolFound, TapPoolState> = {
  type: "TapPool",
  // The engine records what was given; the diff checks again, so defaults never need recording.
  check: (olds, news) => withoutDefaultedInputs(schema().checkTapPool(olds, news)),
  specOf: (outcome) => outcome.complete as TapPoolInputs | undefined,
  hostFailures: poolPrincipalFailures,
  diff: (_id, olds, news) => diff().diffTapPool(olds, news, resolvePrincipals),

  idOf: poolId,
  subject: (id) => `pool ${id}`,
  recordedFor: recordedOf,
  recordedFrom: recordedFromState,

  find(_id, recorded, operation) {
    const netlink = rtnetlinkIfExists(recorded.netns);
    if (netlink === undefined) return undefined;
    const view = viewOf(netlink, operation);
    return { netlink, view, owned: ownedDevices(view, recorded), recorded };
  },

  reread: ({ netlink }, operation) => ({ netlink, view: viewOf(netlink, operation), owned: [] }),

  /**
   * Makes the devices whose names are free, each stamped as it is made, and takes the others' places (this pool's
   * own devices from a run that never recorded them, adoptions): refusals come before anything is touched. What
   * is left — configuring them, stamping the taken ones — is undone as a whole if any of it fails, and the devices
   * made here are removed again.
   */
  make(spec, stamp, operation) {
    const netlink = rtnetlink(spec.netns);
    const made: PoolFound = { netlink, view: viewOf(netlink, operation), owned: [] };
    const steps = poolSteps(netlink, made.view, spec, nonceOf(stamp), undefined, made.owned, operation);
    return { id: poolId(spec), made, finish: () => applyWithRollback(steps) };
  },

  // A pool's place is never taken as a whole (make places each device itself): neither is ever asked.
  reclaimable: () => undefined,
  refusal: (_found, _spec, operation) => new DeviceConflictError(operation, "devices", "its devices' places are taken."),

  steps({ netlink, view, recorded }, spec, _id, _stamps, operation) {
    return poolSteps(netlink, view, spec, nonceOf(recorded?.stamp ?? ""), recorded, [], operation);
  },

  remove({ netlink, owned }, operation) {
    deleteLinksTogether(
      netlink,
      owned.map((link) => ({ index: link.index, name: link.name, context: deviceContext(link, operation) })),
      operation,
    );
  },

  state({ view }, recorded) {
    const nonce = nonceOf(recorded.stamp);
    const devices: Record<string, TapPoolDeviceState> = {};
    for (const key of recorded.keys) {
      const link = view.byAltName.get(deviceStamp(recorded.managedBy, key, nonce));
      if (link !== undefined) devices[key] = deviceState(view, link);
    }
    const state: TapPoolState = {
      mode: recorded.mode,
      multiQueue: recorded.multiQueue,
      packetInfo: recorded.packetInfo,
      vnetHdr: recorded.vnetHdr,
      devices,
      adopt: recorded.adopt,
      stamp: recorded.stamp,
    };
    if (recorded.netns !== undefined) state.netns = recorded.netns;
    if (recorded.managedBy !== undefined) state.managedBy = recorded.managedBy;
    return state;
  },
};

/** The TapPool provider's real work: what pulumi-tuntap/providers/tapPool loads when it is called. */
export const implementation = resourceProvider(tapPoolKind);
