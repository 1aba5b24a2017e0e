// The kernel's refusals of VXLAN requests, with the remedy that fits each. The kernel's own words (its extended
// ack, quoted from drivers/net/vxlan/vxlan_core.c) tell apart refusals that share an errno.
import { type ErrorContext, errorFromErrno, KernelError, NoSuchDeviceError } from "./errors";
import { errno } from "./system";

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

/** What the request was doing — making the device, changing its VXLAN settings, changing what every link has, adding or removing peers — which decides how a shared errno reads. */
export type VxlanSituation = "create" | "change" | "link" | "peer";

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
  peerFamily:
    "The peer's address family is not the device's: a VXLAN device sends over one underlay family, the local address's (the " +
    "group's without one; IPv4 with neither). Give IPv4 peers to an IPv4 device and IPv6 peers to one with an IPv6 local address.",
  fdbLimit:
    "The device holds as many forwarding entries as its limit allows (`ip -d link show` prints maxaddress): raise the limit by " +
    "replacing the device, or remove entries no longer needed.",
} as const;

/** The kernel's refusal as the error that fits a VXLAN request, with its remedy. */
export function vxlanError(error: KernelError, situation: VxlanSituation): KernelError {
  const context: ErrorContext = { operation: error.operation, step: error.step, ...(error.kernelMessage === undefined ? {} : { kernelMessage: error.kernelMessage }) };
  if (error.device !== undefined) context.device = error.device;
  const said = error.kernelMessage ?? "";
  switch (error.errno) {
    case errno.EEXIST:
      return /VNI/.test(said) ? new VniInUseError({ ...context, errno: error.errno, remedy: vxlanRemedies.vniInUse }) : error;
    case errno.EOPNOTSUPP:
      return situation === "change" ? new VxlanSettingFixedError({ ...context, errno: error.errno, remedy: vxlanRemedies.fixedSetting }) : error;
    case errno.ENODEV:
      // The same errno says the VXLAN device itself is gone; the kernel names the underlay when it is the one missing.
      return /local interface/.test(said) ? new NoSuchDeviceError({ ...context, errno: error.errno, remedy: vxlanRemedies.missingUnderlay }) : error;
    case errno.EPERM:
      return /IPv6 support disabled/.test(said) ? errorFromErrno(error.errno, { ...context, remedy: vxlanRemedies.underlayIpv6Disabled }) : error;
    case errno.EADDRINUSE:
      return new VxlanPortInUseError({ ...context, errno: error.errno, remedy: vxlanRemedies.portInUse });
    case errno.EAFNOSUPPORT:
      return situation === "peer" ? new PeerFamilyError({ ...context, errno: error.errno, remedy: vxlanRemedies.peerFamily }) : error;
    case errno.ENOSPC:
      return situation === "peer" ? errorFromErrno(error.errno, { ...context, remedy: vxlanRemedies.fdbLimit }) : error;
    default:
      return error;
  }
}
