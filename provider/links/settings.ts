// The settings links of every kind have (name, MTU, MAC, queue length, alias, bridge port, promiscuity,
// addresses, up/down): the steps that take a link from what the kernel has to what was declared, and the
// reverse mapping from kernel objects to outputs.
import type { AddressRecord, ErrorContext, Link, LinkChange, RouteNetlink } from "../kernel";
import { isPromiscuous, isUp } from "../kernel/netlink/link";
import { formatCidr, type ParsedCidr, parseCidr } from "../model/ip";
import { ipv6MtuProblem } from "../model/linkRules";
import { formatMac, parseMac } from "../model/mac";
import {
  addAddressesStep,
  LinkAddresses,
  managedAddresses,
  planAddresses,
  removeAddressesStep,
  restoreAddressesGuard,
} from "./addresses";
import { describeDevice } from "./devices";
import { DeviceConflictError, InvalidInputsError } from "../lifecycle/errors";
import type { Step } from "../lifecycle/steps";

export interface DesiredLinkSettings {
  /** The name the link must have: its declared name, when it was renamed by hand. */
  name?: string;
  mtu?: number;
  macAddress?: Uint8Array;
  txQueueLength?: number;
  description?: string;
  /** ifindex of the bridge to be a port of, 0 for none, undefined to leave as it is. */
  masterIndex?: number;
  promiscuous?: boolean;
  up?: boolean;
  /** The complete set of addresses; undefined leaves addresses alone. */
  addresses?: ParsedCidr[];
}

/** Parses the checked, normalised inputs into kernel terms. */
export function desiredFromInputs(inputs: {
  mtu?: number | undefined;
  macAddress?: string | undefined;
  txQueueLength?: number | undefined;
  description?: string | undefined;
  up?: boolean | undefined;
  addresses?: string[] | undefined;
}): DesiredLinkSettings {
  const desired: DesiredLinkSettings = {};
  if (inputs.mtu !== undefined) desired.mtu = inputs.mtu;
  if (inputs.macAddress !== undefined) desired.macAddress = parseMac(inputs.macAddress) ?? new Uint8Array();
  if (inputs.txQueueLength !== undefined) desired.txQueueLength = inputs.txQueueLength;
  if (inputs.description !== undefined) desired.description = inputs.description;
  if (inputs.up !== undefined) desired.up = inputs.up;
  if (inputs.addresses !== undefined) {
    desired.addresses = inputs.addresses.map((text) => {
      const parsed = parseCidr(text);
      if (typeof parsed === "string") throw new TypeError(`unchecked address ${text}`);
      return parsed;
    });
  }
  return desired;
}

/** The bridge a link is a port of (another kind of master, such as a VRF, is not ours to manage). */
export function bridgeIndexOf(link: Link): number {
  return link.portKind === "bridge" && link.master !== undefined ? link.master : 0;
}

interface PlannedChange {
  next: LinkChange;
  previous: LinkChange;
  description: string;
  /** A remedy for the error this change may meet, when the generic one would mislead. */
  remedy?: string;
}

/** What differs between `link` and `desired`, split by when it must happen: down first, up last. */
interface LinkPlan {
  down?: PlannedChange;
  changes: PlannedChange[];
  up?: PlannedChange;
}

function planLinkChanges(link: Link, desired: DesiredLinkSettings): LinkPlan {
  const plan: LinkPlan = { changes: [] };
  const add = (next: LinkChange, previous: LinkChange, description: string) => plan.changes.push({ next, previous, description });
  const currentlyUp = isUp(link);
  if (desired.up === false && currentlyUp) plan.down = { next: { kind: "up", up: false }, previous: { kind: "up", up: true }, description: "set down" };
  if (desired.name !== undefined && desired.name !== link.name) {
    plan.changes.push({
      next: { kind: "name", name: desired.name },
      previous: { kind: "name", name: link.name },
      description: `rename ${link.name} to ${desired.name}`,
      remedy: `Linux before 6.2 renames only a link that is down: take it down (\`ip link set ${link.name} down\`) and run the update again.`,
    });
  }
  if (desired.mtu !== undefined && desired.mtu !== link.mtu) {
    add({ kind: "mtu", mtu: desired.mtu }, { kind: "mtu", mtu: link.mtu }, `set mtu ${desired.mtu}`);
  }
  if (desired.macAddress !== undefined && !sameBytes(desired.macAddress, link.hardwareAddress)) {
    const previous = link.hardwareAddress ?? new Uint8Array(6);
    add({ kind: "hardwareAddress", address: desired.macAddress }, { kind: "hardwareAddress", address: previous }, `set address ${formatMac(desired.macAddress)}`);
  }
  if (desired.txQueueLength !== undefined && desired.txQueueLength !== link.txQueueLength) {
    const previous = link.txQueueLength ?? desired.txQueueLength;
    plan.changes.push({
      next: { kind: "txQueueLength", length: desired.txQueueLength },
      previous: { kind: "txQueueLength", length: previous },
      description: `set txqueuelen ${desired.txQueueLength}`,
      remedy: `The link's queueing discipline could not allocate a queue of ${desired.txQueueLength} packets: choose a smaller txQueueLength.`,
    });
  }
  if (desired.description !== undefined && desired.description !== (link.alias ?? "")) {
    add({ kind: "alias", alias: desired.description }, { kind: "alias", alias: link.alias ?? "" }, "set alias");
  }
  const currentMaster = bridgeIndexOf(link);
  if (desired.masterIndex !== undefined && desired.masterIndex !== currentMaster) {
    add(
      { kind: "master", masterIndex: desired.masterIndex },
      { kind: "master", masterIndex: currentMaster },
      desired.masterIndex === 0 ? "leave bridge" : "join bridge",
    );
  }
  if (desired.promiscuous !== undefined && desired.promiscuous !== isPromiscuous(link)) {
    add(
      { kind: "promiscuous", promiscuous: desired.promiscuous },
      { kind: "promiscuous", promiscuous: !desired.promiscuous },
      `set promisc ${desired.promiscuous ? "on" : "off"}`,
    );
  }
  if (desired.up === true && !currentlyUp) plan.up = { next: { kind: "up", up: true }, previous: { kind: "up", up: false }, description: "set up" };
  return plan;
}

/**
 * Refusals that must come before anything is touched: an IPv6 address on a link whose MTU stays below 1280
 * (the kernel refuses it with a bare EINVAL), and a rename onto a name another device holds.
 */
function refuseUnreachable(netlink: RouteNetlink, link: Link, desired: DesiredLinkSettings, context: ErrorContext): void {
  if (desired.mtu === undefined && desired.addresses !== undefined) {
    const problem = ipv6MtuProblem(link.mtu, desired.addresses.map(formatCidr));
    if (problem !== undefined) {
      throw new InvalidInputsError(context.operation, [
        {
          property: "addresses",
          reason: `${problem}; ${link.name}'s MTU is ${link.mtu} and this resource leaves it as found (mtu is not set): set mtu to at least 1280, or raise it (\`ip link set ${link.name} mtu 1500\`), or remove the IPv6 address`,
        },
      ]);
    }
  }
  if (desired.name !== undefined && desired.name !== link.name) {
    const holder = netlink.holderOfName(desired.name, context.operation);
    if (holder !== undefined && holder.index !== link.index) {
      const how = holder.name === desired.name ? "" : ` as an alternative name (altname)`;
      throw new DeviceConflictError(
        context.operation,
        "name",
        `${link.name} was renamed by hand and cannot get its declared name ${desired.name} back: ${describeDevice(holder)}, ${holder.name}, holds that name${how}. ` +
          "Free that name (rename or remove the device holding it), then run the update again.",
      );
    }
  }
}

/**
 * Steps from `link` (as the kernel has it now) to `desired`, each undoable. Only what differs becomes a step,
 * ordered around what the kernel does on its own: down first when it should be down (which drops IPv6
 * addresses); unwanted addresses out (before an MTU below 1280 would drop IPv6 ones anyway); rename and the
 * other link settings; missing addresses in, read again after the steps that may have dropped some (a primary
 * IPv4 address removed takes its secondaries along); up last, so the link comes up fully configured. A rollback
 * ends by putting back the addresses the link had. Each step names the link it changes (a pair has two).
 */
export function linkSettingSteps(
  netlink: RouteNetlink,
  link: Link,
  currentAddresses: readonly AddressRecord[],
  desired: DesiredLinkSettings,
  context: ErrorContext,
): Step[] {
  refuseUnreachable(netlink, link, desired, context);
  const step = (planned: PlannedChange): Step => {
    const stepContext = planned.remedy === undefined ? context : { ...context, remedy: planned.remedy };
    return {
      description: planned.description,
      apply: () => netlink.changeLink(link.index, planned.next, stepContext),
      undo: () => netlink.changeLink(link.index, planned.previous, context),
    };
  };
  const plan = planLinkChanges(link, desired);
  const addresses = new LinkAddresses(netlink, link.index, context);
  const addressPlan = desired.addresses === undefined ? { removes: false, adds: false } : planAddresses(currentAddresses, desired.addresses);
  // Removing a primary IPv4 address drops its secondaries (unless promote_secondaries is set); taking the link
  // down or changing its MTU may drop IPv6 addresses: the declared ones are then added again.
  const mayDropAddresses = addressPlan.removes || plan.down !== undefined || plan.changes.some((planned) => planned.next.kind === "mtu");
  const steps: Step[] = [];
  if (addressPlan.removes || addressPlan.adds || mayDropAddresses) steps.push(restoreAddressesGuard(addresses, currentAddresses));
  if (plan.down !== undefined) steps.push(step(plan.down));
  if (desired.addresses !== undefined && addressPlan.removes) steps.push(removeAddressesStep(addresses, desired.addresses));
  steps.push(...plan.changes.map(step));
  if (desired.addresses !== undefined && (addressPlan.adds || mayDropAddresses)) steps.push(addAddressesStep(addresses, desired.addresses));
  if (plan.up !== undefined) steps.push(step(plan.up));
  return steps.map((made) => ({ ...made, description: `${made.description} on ${link.name}` }));
}

/**
 * Configures a link this run has just created, in as few requests as the kernel allows: one RTM_NEWLINK for
 * every link setting, the addresses, then up. Nothing is undone step by step on failure: the caller
 * deletes the new link instead.
 */
export function configureNewLink(netlink: RouteNetlink, link: Link, desired: DesiredLinkSettings, context: ErrorContext): void {
  refuseUnreachable(netlink, link, desired, context);
  const plan = planLinkChanges(link, desired);
  if (plan.down !== undefined) netlink.changeLink(link.index, plan.down.next, context);
  netlink.changeLinkAtOnce(link.index, plan.changes.map((planned) => planned.next), context);
  const addresses = new LinkAddresses(netlink, link.index, context);
  for (const address of desired.addresses ?? []) addresses.add(address);
  if (plan.up !== undefined) netlink.changeLink(link.index, plan.up.next, context);
}

function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  return b !== undefined && Buffer.from(a).equals(Buffer.from(b));
}

/** The outputs every link resource shares, read from the kernel's objects. */
export interface CommonLinkState {
  ifindex: number;
  mtu: number;
  macAddress?: string;
  txQueueLength: number;
  description?: string;
  up: boolean;
  addresses: string[];
}

export function commonLinkState(link: Link, addresses: readonly AddressRecord[]): CommonLinkState {
  const state: CommonLinkState = {
    ifindex: link.index,
    mtu: link.mtu,
    txQueueLength: link.txQueueLength ?? 0,
    up: isUp(link),
    addresses: managedAddresses(addresses).map(formatCidr),
  };
  if (link.hardwareAddress !== undefined) state.macAddress = formatMac(link.hardwareAddress);
  if (link.alias !== undefined) state.description = link.alias;
  return state;
}
