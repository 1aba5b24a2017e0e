// VXLAN devices over rtnetlink, in one network namespace: create, read every setting back, change what the
// kernel changes in place. Deleting one is deleting any link (RouteNetlink.deleteLink).
//
// What the kernel does on its own (drivers/net/vxlan/vxlan_core.c, checked on Linux 6.18):
// - Given an underlay device, a new device's MTU is the underlay's less the encapsulation (50 bytes over IPv4,
//   70 over IPv6), and a larger MTU is refused (EINVAL) — or, at creation, silently lowered to that.
// - Deleting the underlay device deletes every VXLAN device bound to it (vxlan_handle_lowerdev_unregister).
// - Two devices of one namespace cannot share a VNI on one destination port and underlay family (EEXIST).
import { type ErrorContext, KernelError } from "./errors";
import { NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, RTM_GETLINK, RTM_NEWLINK } from "./netlink/constants";
import type { Message } from "./netlink/codec";
import { decodeLink, getLinkByAltNamePayload, getLinkByIndexPayload, getLinkByNamePayload, type Link, type LinkChange } from "./netlink/link";
import {
  changeVxlanPayload,
  decodeVxlanData,
  describeVxlanChange,
  newVxlanPayload,
  type NewVxlanRequest,
  type VxlanChange,
  type VxlanLinkData,
} from "./netlink/vxlan";
import type { RouteNetlink } from "./rtnetlink";
import { errno } from "./system";
import { VxlanMtuError, vxlanError } from "./vxlanErrors";

/** A VXLAN device as the kernel reports it: what every link has, and its VXLAN settings. */
export interface VxlanLink {
  link: Link;
  vxlan: VxlanLinkData;
}

/** A link as a read found it: `vxlan` is undefined when the link is not a VXLAN device. */
export interface FoundLink {
  link: Link;
  vxlan: VxlanLinkData | undefined;
}

/** How a read finds the device: by name, by an alternative name (an ownership stamp), or by ifindex. */
export type LinkSelector = { name: string } | { altName: string } | { index: number };

/**
 * Creates the device with NLM_F_EXCL and returns it as the kernel echoes it back (which also names what a
 * template became). A device the kernel made with a smaller MTU than asked for — it lowers the MTU to what the
 * underlay carries instead of refusing — is deleted again and reported as a VxlanMtuError.
 */
export function createVxlan(netlink: RouteNetlink, request: NewVxlanRequest, context: ErrorContext): VxlanLink {
  const step = `RTM_NEWLINK ${request.name} type vxlan id ${request.vni}`;
  const requestContext = { ...context, step, device: request.name };
  const [result] = netlink.batch([
    { type: RTM_NEWLINK, flags: NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, payload: newVxlanPayload(request), context: requestContext },
  ]);
  if (result === undefined) throw new Error(`${context.operation}: ${step}: no answer`);
  if (!result.ok) throw vxlanError(result.error, "create");
  const created = result.messages.flatMap(decodeVxlanMessage)[0] ?? asVxlan(readVxlan(netlink, { name: request.name }, context.operation));
  if (created === undefined) throw new Error(`${context.operation}: ${step}: the kernel did not say which link it created`);
  if (request.mtu !== undefined && created.link.mtu !== request.mtu) {
    netlink.deleteLink(created.link.index, context);
    throw new VxlanMtuError({
      ...requestContext,
      step: `${step} mtu ${request.mtu} (the kernel made it ${created.link.mtu})`,
      errno: errno.EINVAL,
      remedy:
        `The kernel gave the device MTU ${created.link.mtu} instead of ${request.mtu}: an MTU above the underlay device's less the ` +
        `encapsulation does not fit. Lower mtu to ${created.link.mtu} or less, or raise the underlay device's MTU. The device was removed again.`,
    });
  }
  return created;
}

/**
 * The device with every VXLAN setting, or undefined when no link matches. A link that is not a VXLAN device
 * comes back with `vxlan` undefined, so the caller can say what is there instead.
 */
export function readVxlan(netlink: RouteNetlink, selector: LinkSelector, operation: string): FoundLink | undefined {
  const [result] = netlink.batch([{ type: RTM_GETLINK, payload: selectorPayload(selector), context: { operation, step: `RTM_GETLINK ${describeSelector(selector)}` } }]);
  if (result === undefined) throw new Error(`${operation}: RTM_GETLINK ${describeSelector(selector)}: no answer`);
  if (!result.ok) {
    if (result.error.code === "ENODEV") return undefined;
    throw result.error;
  }
  const message = result.messages.find((candidate) => candidate.header.type === RTM_NEWLINK);
  if (message === undefined) return undefined;
  const link = decodeLink(message.payload);
  if ("name" in selector && link.name !== selector.name) return undefined;
  if ("altName" in selector && !link.altNames.includes(selector.altName)) return undefined;
  return { link, vxlan: decodeVxlanData(message.payload) };
}

/**
 * Changes VXLAN settings of the device in one request, which the kernel applies whole or not at all. The MTU and
 * the other settings every link has change through RouteNetlink.changeLink, never in the same request.
 */
export function changeVxlan(netlink: RouteNetlink, index: number, changes: readonly VxlanChange[], context: ErrorContext): void {
  if (changes.length === 0) return;
  const step = changes.map(describeVxlanChange).join(", ");
  const [result] = netlink.batch([{ type: RTM_NEWLINK, payload: changeVxlanPayload(index, changes), context: { ...context, step } }]);
  if (result !== undefined && !result.ok) throw vxlanError(result.error, "change");
}

/**
 * A change every link has (MTU, up, address, bridge…) on a VXLAN device, with the refusals read as VXLAN's: an MTU
 * above what the underlay carries once encapsulated (EINVAL), a destination port another UDP socket holds when
 * the device comes up (EADDRINUSE: the kernel opens the device's socket then, not at creation).
 */
export function changeVxlanLink(netlink: RouteNetlink, index: number, change: LinkChange, context: ErrorContext): void {
  try {
    netlink.changeLink(index, change, context);
  } catch (error) {
    if (!(error instanceof KernelError)) throw error;
    if (change.kind === "mtu" && error.errno === errno.EINVAL) {
      throw new VxlanMtuError({
        operation: error.operation,
        step: error.step,
        errno: error.errno,
        ...(error.kernelMessage === undefined ? {} : { kernelMessage: error.kernelMessage }),
        remedy: `MTU ${change.mtu} does not fit in the underlay device's MTU once the encapsulation (50 bytes over IPv4, 70 over IPv6) is added: lower it, or raise the underlay's.`,
      });
    }
    throw vxlanError(error, "link");
  }
}

function asVxlan(found: FoundLink | undefined): VxlanLink | undefined {
  return found?.vxlan === undefined ? undefined : { link: found.link, vxlan: found.vxlan };
}

function decodeVxlanMessage(message: Message): VxlanLink[] {
  if (message.header.type !== RTM_NEWLINK) return [];
  const vxlan = decodeVxlanData(message.payload);
  return vxlan === undefined ? [] : [{ link: decodeLink(message.payload), vxlan }];
}

function selectorPayload(selector: LinkSelector): Buffer {
  if ("index" in selector) return getLinkByIndexPayload(selector.index);
  if ("altName" in selector) return getLinkByAltNamePayload(selector.altName);
  return getLinkByNamePayload(selector.name);
}

function describeSelector(selector: LinkSelector): string {
  if ("index" in selector) return `ifindex ${selector.index}`;
  return "altName" in selector ? `altname ${selector.altName}` : selector.name;
}
