// What the kernel's refusals of VXLAN requests mean, passed with each request (ErrorContext.meanings): the error
// class and the remedy that fit. The kernel's own words (its extended ack, quoted from
// drivers/net/vxlan/vxlan_core.c) tell apart refusals that share an errno; where they do not match, the one errno
// table's meaning holds (an EEXIST without "VNI" is a name already taken, an ENODEV without "local interface" is the
// VXLAN device itself gone).
import { type ErrnoMeanings, type ErrorContext, KernelError, NoSuchDeviceError } from "./errors";

/** Another VXLAN device of the namespace has the VNI on the same destination port and underlay family. */
export class VniInUseError extends KernelError {}

/** A setting the kernel does not change on an existing VXLAN device (the VNI, the port, the underlay family). */
export class VxlanSettingFixedError extends KernelError {}

/** The MTU does not fit in what the underlay device carries once the encapsulation is added. */
export class VxlanMtuError extends KernelError {}

/** The destination port is bound by another UDP socket of the namespace, so the device cannot come up. */
export class VxlanPortInUseError extends KernelError {}

/** A peer's address family is not the device's underlay family. */
export class PeerFamilyError extends KernelError {}

export const vxlanRemedies = {
  vniInUse:
    "Another VXLAN device in this network namespace already uses this VNI on this destination port (`ip -d link show type vxlan` " +
    "lists them): a namespace holds one device per VNI and port. Use that device, remove it, or choose another VNI.",
  fixedSetting:
    "The kernel cannot change this on an existing VXLAN device: the VNI, the destination port and the underlay's address family " +
    "are fixed when it is made. Replace the device (`pulumi up` does when one of them changes).",
  missingUnderlay:
    "The underlay device does not exist (any more) in this network namespace: create it first and pass its resource's `name` " +
    "output as the underlay; a VXLAN device is deleted with its underlay device.",
  portInUse:
    "Another UDP socket in this network namespace holds the destination port (`ss -ulpn` shows it), so the kernel cannot open the " +
    "device's socket. Stop that program or choose another port.",
  underlayIpv6Disabled:
    "IPv6 is disabled on the underlay device (net.ipv6.conf.DEVICE.disable_ipv6 = 1): enable it there, or use an IPv4 underlay.",
  mtu:
    "The MTU does not fit in the underlay device's MTU once the encapsulation (50 bytes over IPv4, 70 over IPv6) is added: lower it, " +
    "or raise the underlay's.",
  peerFamily:
    "The peer's address family is not the device's: a VXLAN device sends over one underlay family, the local address's (the " +
    "group's without one; IPv4 with neither). Give IPv4 peers to an IPv4 device and IPv6 peers to one with an IPv6 local address.",
  fdbLimit:
    "The device holds as many forwarding entries as its limit allows (`ip -d link show` prints maxaddress): raise the limit by " +
    "replacing the device, or remove entries no longer needed.",
} as const;

const kernelSaid = (pattern: RegExp) => (context: ErrorContext) => pattern.test(context.kernelMessage ?? "");

/** Refusals a VXLAN device's settings meet, when it is made or changed. */
const settingMeanings: ErrnoMeanings = {
  EEXIST: { error: VniInUseError, remedy: vxlanRemedies.vniInUse, when: kernelSaid(/VNI/) },
  ENODEV: { error: NoSuchDeviceError, remedy: vxlanRemedies.missingUnderlay, when: kernelSaid(/local interface/) },
  EPERM: { remedy: vxlanRemedies.underlayIpv6Disabled, when: kernelSaid(/IPv6 support disabled/) },
};

/** RTM_NEWLINK making a VXLAN device. */
export const createVxlanMeanings: ErrnoMeanings = settingMeanings;

/** RTM_NEWLINK changing a VXLAN device's own settings, which it refuses for what is fixed at creation. */
export const changeVxlanMeanings: ErrnoMeanings = {
  ...settingMeanings,
  EOPNOTSUPP: { error: VxlanSettingFixedError, remedy: vxlanRemedies.fixedSetting },
};

/**
 * The changes every link has (MTU, up…) on a VXLAN device: an MTU above what the underlay carries once encapsulated
 * (EINVAL, from vxlan_change_mtu without a message), and a destination port another UDP socket holds when the device
 * comes up (EADDRINUSE: the kernel opens the device's socket then, not at creation).
 */
export const vxlanLinkMeanings: ErrnoMeanings = {
  EINVAL: { error: VxlanMtuError, remedy: vxlanRemedies.mtu, when: (context) => context.step.includes("set mtu") },
  EADDRINUSE: { error: VxlanPortInUseError, remedy: vxlanRemedies.portInUse },
};

/** RTM_NEWNEIGH / RTM_DELNEIGH of a peer's remote. */
export const peerMeanings: ErrnoMeanings = {
  EAFNOSUPPORT: { error: PeerFamilyError, remedy: vxlanRemedies.peerFamily },
  ENOSPC: { remedy: vxlanRemedies.fdbLimit },
};
