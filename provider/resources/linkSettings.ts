// The settings TapInterface and Bridge share (MTU, MAC, queue length, alias, bridge port, promiscuity,
// addresses, up/down): the steps that take a link from what the kernel has to what was declared, and the
// reverse mapping from kernel objects to outputs.
import type { AddressRecord, ErrorContext, Link, LinkChange, RouteNetlink } from "../kernel";
import { isKernelManaged, isPromiscuous, isUp } from "../kernel";
import { formatCidr, formatMac, type ParsedCidr, parseCidr, parseMac } from "../model";
import type { Step } from "./steps";

export interface DesiredLinkSettings {
  mtu?: number;
  macAddress?: Uint8Array;
  txQueueLength?: number;
  description?: string;
  /** ifindex of the bridge to be a port of, 0 for none, undefined to leave as it is. */
  masterIndex?: number;
  promiscuous?: boolean;
  /** Bridges only: the STP state (0 off, 1 on). */
  stpState?: number;
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
  if (desired.mtu !== undefined && desired.mtu !== link.mtu) {
    add({ kind: "mtu", mtu: desired.mtu }, { kind: "mtu", mtu: link.mtu }, `set mtu ${desired.mtu}`);
  }
  if (desired.macAddress !== undefined && !sameBytes(desired.macAddress, link.hardwareAddress)) {
    const previous = link.hardwareAddress ?? new Uint8Array(6);
    add({ kind: "hardwareAddress", address: desired.macAddress }, { kind: "hardwareAddress", address: previous }, `set address ${formatMac(desired.macAddress)}`);
  }
  if (desired.txQueueLength !== undefined && desired.txQueueLength !== link.txQueueLength) {
    const previous = link.txQueueLength ?? desired.txQueueLength;
    add({ kind: "txQueueLength", length: desired.txQueueLength }, { kind: "txQueueLength", length: previous }, `set txqueuelen ${desired.txQueueLength}`);
  }
  if (desired.description !== undefined && desired.description !== (link.alias ?? "")) {
    add({ kind: "alias", alias: desired.description }, { kind: "alias", alias: link.alias ?? "" }, "set alias");
  }
  // STP counts as on in either kernel (1) or user-space (2, mstpd) mode.
  if (desired.stpState !== undefined && (desired.stpState !== 0) !== ((link.bridge?.stpState ?? 0) !== 0)) {
    const previous = link.bridge?.stpState ?? 0;
    add({ kind: "stpState", stpState: desired.stpState }, { kind: "stpState", stpState: previous }, `set stp_state ${desired.stpState}`);
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
 * Steps from `link` (as the kernel has it now) to `desired`, each undoable. Only what differs becomes a
 * step. The order keeps the device consistent: down first when it should be down; MTU before addresses
 * (IPv6 needs 1280); old addresses out before new ones in; up last, so the device comes up fully configured.
 */
export function linkSettingSteps(
  netlink: RouteNetlink,
  link: Link,
  currentAddresses: readonly AddressRecord[],
  desired: DesiredLinkSettings,
  context: ErrorContext,
): Step[] {
  const step = (planned: PlannedChange): Step => ({
    description: planned.description,
    apply: () => netlink.changeLink(link.index, planned.next, context),
    undo: () => netlink.changeLink(link.index, planned.previous, context),
  });
  const plan = planLinkChanges(link, desired);
  const steps: Step[] = [];
  if (plan.down !== undefined) steps.push(step(plan.down));
  steps.push(...plan.changes.map(step));
  if (desired.addresses !== undefined) {
    const addresses = addressStep(netlink, link.index, currentAddresses, desired.addresses, context);
    if (addresses !== undefined) steps.push(addresses);
  }
  if (plan.up !== undefined) steps.push(step(plan.up));
  return steps;
}

/**
 * Configures a link this run has just created, in as few requests as the kernel allows: one RTM_NEWLINK for
 * every link setting, the addresses, then up. Nothing is undone step by step on failure: the caller
 * deletes the new link instead.
 */
export function configureNewLink(netlink: RouteNetlink, link: Link, desired: DesiredLinkSettings, context: ErrorContext): void {
  const plan = planLinkChanges(link, desired);
  if (plan.down !== undefined) netlink.changeLink(link.index, plan.down.next, context);
  netlink.changeLinkAtOnce(link.index, plan.changes.map((planned) => planned.next), context);
  for (const address of desired.addresses ?? []) {
    netlink.addAddress(link.index, toKernelAddress(address), formatCidr(address), context);
  }
  if (plan.up !== undefined) netlink.changeLink(link.index, plan.up.next, context);
}

function toKernelAddress(address: ParsedCidr) {
  return { family: address.family, address: Buffer.from(address.bytes), prefixLength: address.prefixLength };
}

function addressKey(address: ParsedCidr): string {
  return `${address.family}:${Buffer.from(address.bytes).toString("hex")}/${address.prefixLength}`;
}

function asCidr(record: AddressRecord): ParsedCidr {
  return { family: record.family, bytes: record.address, prefixLength: record.prefixLength };
}

/** Addresses someone put on the link, as opposed to those the kernel adds on its own (IPv6 link-local). */
export function managedAddresses(records: readonly AddressRecord[]): ParsedCidr[] {
  return records.filter((record) => !isKernelManaged(record)).map(asCidr);
}

/**
 * Brings the link's addresses to exactly `desired`, leaving kernel-made ones alone. Removals go first, then
 * the addresses are read again (deleting a primary IPv4 address also deletes its secondaries unless
 * promote_secondaries is set), then whatever is missing is added. A failure undoes this step's own progress.
 */
function addressStep(
  netlink: RouteNetlink,
  index: number,
  currentRecords: readonly AddressRecord[],
  desired: readonly ParsedCidr[],
  context: ErrorContext,
): Step | undefined {
  const current = managedAddresses(currentRecords);
  const wanted = new Set(desired.map(addressKey));
  const present = new Set(current.map(addressKey));
  const toRemove = current.filter((address) => !wanted.has(addressKey(address)));
  if (toRemove.length === 0 && desired.every((address) => present.has(addressKey(address)))) return undefined;

  const removed: ParsedCidr[] = [];
  const added: ParsedCidr[] = [];
  const add = (address: ParsedCidr) => netlink.addAddress(index, toKernelAddress(address), formatCidr(address), context);
  const remove = (address: ParsedCidr) => netlink.deleteAddress(index, toKernelAddress(address), formatCidr(address), context);
  const undo = () => {
    for (const address of [...added].reverse()) remove(address);
    const now = new Set(managedAddresses(netlink.addressesOf(index, context.operation)).map(addressKey));
    for (const address of removed) if (!now.has(addressKey(address))) add(address);
  };
  return {
    description: "set addresses",
    apply: () => {
      try {
        for (const address of toRemove) {
          remove(address);
          removed.push(address);
        }
        // Only removing an IPv4 address can take others with it; otherwise what is present is known.
        const now = removed.some((address) => address.family === 4)
          ? new Set(managedAddresses(netlink.addressesOf(index, context.operation)).map(addressKey))
          : new Set([...present].filter((key) => !removed.some((address) => addressKey(address) === key)));
        for (const address of desired) {
          if (now.has(addressKey(address))) continue;
          add(address);
          added.push(address);
        }
      } catch (error) {
        try {
          undo();
        } catch {
          // The caller reports the original failure; the rollback report covers earlier steps.
        }
        throw error;
      }
    },
    undo,
  };
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
