// VXLAN devices over rtnetlink, in one network namespace: create, and change what the kernel changes in place. A
// read is any link read (Link.vxlan holds the settings); deleting one is deleting any link.
//
// What the kernel does on its own (drivers/net/vxlan/vxlan_core.c, checked on Linux 6.18):
// - Given an underlay device, a new device's MTU is the underlay's less the encapsulation (50 bytes over IPv4,
//   70 over IPv6), and a larger MTU is refused (EINVAL) — or, at creation, silently lowered to that.
// - Deleting the underlay device deletes every VXLAN device bound to it (vxlan_handle_lowerdev_unregister).
// - Two devices of one namespace cannot share a VNI on one destination port and underlay family (EEXIST).
import type { ErrorContext } from "./errors";
import { RTM_NEWLINK } from "./netlink/constants";
import type { Link } from "./netlink/link";
import { changeVxlanPayload, describeVxlanChange, newVxlanPayload, type NewVxlanRequest, type VxlanChange } from "./netlink/vxlan";
import type { RouteNetlink } from "./rtnetlink";
import { errno } from "./system";
import { changeVxlanMeanings, createVxlanMeanings, VxlanMtuError } from "./vxlanErrors";

/**
 * Creates the device with NLM_F_EXCL (a name already taken is a DeviceExistsError, a VNI already used a
 * VniInUseError) and returns it as the kernel echoes it back, which also names what a template became. A device
 * the kernel made with a smaller MTU than asked for — it lowers the MTU to what the underlay carries instead of
 * refusing — is deleted again and reported as a VxlanMtuError.
 */
export function createVxlan(netlink: RouteNetlink, request: NewVxlanRequest, context: ErrorContext): Link {
  const step = `RTM_NEWLINK ${request.name} type vxlan id ${request.vni}`;
  const created = netlink.createLink(request.name, newVxlanPayload(request), { ...context, step, meanings: createVxlanMeanings });
  if (request.mtu !== undefined && created.mtu !== request.mtu) {
    netlink.deleteLink(created.index, context);
    throw new VxlanMtuError({
      ...context,
      step: `${step} mtu ${request.mtu} (the kernel made it ${created.mtu})`,
      device: request.name,
      errno: errno.EINVAL,
      remedy:
        `The kernel gave the device MTU ${created.mtu} instead of ${request.mtu}: an MTU above the underlay device's less the ` +
        `encapsulation does not fit. Lower mtu to ${created.mtu} or less, or raise the underlay device's MTU. The device was removed again.`,
    });
  }
  return created;
}

/**
 * Changes VXLAN settings of the device in one request, which the kernel applies whole or not at all. The MTU and
 * the other settings every link has change through RouteNetlink.changeLink, never in the same request.
 */
export function changeVxlan(netlink: RouteNetlink, index: number, changes: readonly VxlanChange[], context: ErrorContext): void {
  if (changes.length === 0) return;
  const step = changes.map(describeVxlanChange).join(", ");
  netlink.request({ type: RTM_NEWLINK, payload: changeVxlanPayload(index, changes), context: { ...context, step, meanings: changeVxlanMeanings } });
}
