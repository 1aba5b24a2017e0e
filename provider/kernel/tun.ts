// The TUN/TAP ioctls on /dev/net/tun: the only way the kernel offers to create these devices, and the only
// way to change their owner and group. Everything else about a device goes through rtnetlink.
import { DeviceExistsError, type ErrnoMeanings, errorFromErrno, PermissionDeniedError, remedies, TunUnavailableError } from "./errors";
import { decodeInterfaceRequest, encodeInterfaceRequest } from "./ifreq";
import { libc } from "./libc";
import type { TunType } from "./netlink/link";
import { runInNetworkNamespace } from "./netns";
import { errno, O_CLOEXEC, O_NONBLOCK, O_RDWR } from "./system";

export const TUN_DEVICE_PATH = "/dev/net/tun";

export const TUNSETIFF = 0x400454ca;
export const TUNSETPERSIST = 0x400454cb;
export const TUNSETOWNER = 0x400454cc;
export const TUNSETGROUP = 0x400454ce;
export const TUNGETIFF = 0x800454d2;

export const IFF_TUN = 0x0001;
export const IFF_TAP = 0x0002;
export const IFF_MULTI_QUEUE = 0x0100;
export const IFF_PERSIST = 0x0800;
export const IFF_NO_PI = 0x1000;
export const IFF_VNET_HDR = 0x4000;
export const IFF_TUN_EXCL = 0x8000;

/** The flags a process chooses when it opens a queue of the device. */
export interface TunQueueFlags {
  mode: TunType;
  multiQueue: boolean;
  packetInfo: boolean;
  vnetHdr: boolean;
}

export function tunRequestFlags(flags: TunQueueFlags): number {
  return (
    (flags.mode === "tun" ? IFF_TUN : IFF_TAP) |
    (flags.multiQueue ? IFF_MULTI_QUEUE : 0) |
    (flags.packetInfo ? 0 : IFF_NO_PI) |
    (flags.vnetHdr ? IFF_VNET_HDR : 0)
  );
}

export interface NewTunDevice extends TunQueueFlags {
  /** A name, or a template with one `%d` for the kernel to fill in. */
  name: string;
  owner?: number;
  group?: number;
  /** Create the device inside this named network namespace instead of the caller's. */
  netns?: string;
}

/**
 * Creates a persistent device and returns the name the kernel gave it.
 *
 * Order matters: IFF_TUN_EXCL makes an existing name an error instead of an attach; owner and group are set
 * before TUNSETPERSIST, so any failure before persisting (including in `beforePersist`) leaves nothing behind:
 * closing the only descriptor of a non-persistent device removes it.
 */
export function createTunDevice(request: NewTunDevice, operation: string, beforePersist?: (name: string) => void): string {
  const fd = openTunControl(operation, request.netns);
  try {
    const ifreq = encodeInterfaceRequest({ name: request.name, flags: tunRequestFlags(request) | IFF_TUN_EXCL });
    if (libc().ioctlBuffer(fd, TUNSETIFF, ifreq) < 0) {
      throw errorFromErrno(libc().errno(), { operation, step: "TUNSETIFF", device: request.name, meanings: createMeanings(request.name) });
    }
    const name = decodeInterfaceRequest(ifreq).name;
    if (request.owner !== undefined) ioctlValue(fd, TUNSETOWNER, request.owner, operation, "TUNSETOWNER", name);
    if (request.group !== undefined) ioctlValue(fd, TUNSETGROUP, request.group, operation, "TUNSETGROUP", name);
    beforePersist?.(name);
    ioctlValue(fd, TUNSETPERSIST, 1, operation, "TUNSETPERSIST", name);
    return name;
  } finally {
    libc().close(fd);
  }
}

export interface OpenQueueOptions {
  /** The device's network namespace, when it is not the caller's. */
  netns?: string | undefined;
  /** O_NONBLOCK: reads return EAGAIN instead of waiting for a frame. */
  nonBlocking?: boolean;
}

/**
 * Opens one more queue of an existing persistent device, as a VMM does, and returns the descriptor: reads
 * and writes on it carry the device's frames. The caller closes it.
 *
 * Caution, as with any attach: the device keeps the packetInfo/vnetHdr flags of the last process that opened it.
 */
export function openTunQueue(name: string, flags: TunQueueFlags, operation: string, options: OpenQueueOptions = {}): number {
  const fd = openTunControl(operation, options.netns, options.nonBlocking === true);
  try {
    const ifreq = encodeInterfaceRequest({ name, flags: tunRequestFlags(flags) });
    if (libc().ioctlBuffer(fd, TUNSETIFF, ifreq) < 0) {
      throw errorFromErrno(libc().errno(), { operation, step: "TUNSETIFF", device: name, meanings: attachMeanings(name) });
    }
    // Without IFF_TUN_EXCL, TUNSETIFF on a name that has just vanished creates a fresh device; a device we
    // attached to is persistent, one we just made is not (and disappears when this descriptor closes).
    const current = Buffer.alloc(40);
    if (libc().ioctlBuffer(fd, TUNGETIFF, current) < 0) {
      throw errorFromErrno(libc().errno(), { operation, step: "TUNGETIFF", device: name });
    }
    if ((decodeInterfaceRequest(current).flags & IFF_PERSIST) === 0) {
      throw errorFromErrno(errno.ENODEV, { operation, step: "TUNSETIFF", device: name, remedy: `No persistent TUN/TAP device named ${name} exists.` });
    }
    return fd;
  } catch (error) {
    libc().close(fd);
    throw error;
  }
}

export function closeTunQueue(fd: number): void {
  libc().close(fd);
}

export interface TunOwnership {
  owner?: number;
  group?: number;
}

/**
 * Sets owner and/or group of an existing device. The kernel only allows this through an attached queue, and
 * attaching rewrites packetInfo/vnetHdr, so `current` must carry the device's present flags to keep them.
 * A single-queue device held by a process cannot be attached: that is a DeviceBusyError.
 */
export function setTunOwnership(
  name: string,
  current: TunQueueFlags,
  ownership: TunOwnership,
  operation: string,
  netns?: string,
): void {
  const fd = openTunQueue(name, current, operation, { netns });
  try {
    if (ownership.owner !== undefined) ioctlValue(fd, TUNSETOWNER, ownership.owner, operation, "TUNSETOWNER", name);
    if (ownership.group !== undefined) ioctlValue(fd, TUNSETGROUP, ownership.group, operation, "TUNSETGROUP", name);
  } finally {
    libc().close(fd);
  }
}

/** Opening /dev/net/tun: a node or driver that is missing, or a node this user may not open. */
const TUN_CONTROL_MEANINGS: ErrnoMeanings = {
  ENOENT: { error: TunUnavailableError, remedy: remedies.tunModule },
  ENODEV: { error: TunUnavailableError, remedy: remedies.tunModule },
  ENXIO: { error: TunUnavailableError, remedy: remedies.tunModule },
  EACCES: { error: PermissionDeniedError, remedy: remedies.tunNodePermission },
  EPERM: { error: PermissionDeniedError, remedy: remedies.tunNodePermission },
};

function openTunControl(operation: string, netns: string | undefined, nonBlocking = false): number {
  // The device is created in the network namespace the descriptor was opened in.
  return runInNetworkNamespace(netns, operation, () => {
    const fd = libc().open(TUN_DEVICE_PATH, O_RDWR | O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0));
    if (fd >= 0) return fd;
    throw errorFromErrno(libc().errno(), { operation, step: `open ${TUN_DEVICE_PATH}`, meanings: TUN_CONTROL_MEANINGS });
  });
}

/** TUNSETIFF with IFF_TUN_EXCL answers EBUSY for a name any device holds: the name is taken, not a device busy. */
function createMeanings(name: string): ErrnoMeanings {
  return {
    EBUSY: {
      error: DeviceExistsError,
      remedy: `A network device named ${name} already exists. Choose another name, remove that device, or take it over with \`adopt: true\` if it is a TUN/TAP device you mean this stack to manage.`,
    },
  };
}

/** Attaching to a device of another mode or queue type is EINVAL. */
function attachMeanings(name: string): ErrnoMeanings {
  return { EINVAL: { remedy: `${name} exists but is not a TUN/TAP device of this mode and queue type.` } };
}

function ioctlValue(fd: number, request: number, value: number, operation: string, step: string, device: string): void {
  if (libc().ioctlValue(fd, request, value) < 0) {
    throw errorFromErrno(libc().errno(), { operation, step: `${step} ${value}`, device });
  }
}
