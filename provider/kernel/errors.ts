// errno → typed errors that say what failed, on which device, why, and what to do about it.
//
// A message reads "create tap0: TUNSETIFF: EBUSY (device or resource busy). <remedy>" so that the line a user
// sees in `pulumi up` output is enough to act on. The kernel's extended ack text, when it sent one, is kept.
import { errno as errnoValues } from "./system";

/** Aliases Node lists beside the name Linux uses for the same number. */
const ERRNO_ALIASES = new Set(["EWOULDBLOCK", "ENOTSUP", "EDEADLOCK"]);

const errnoNames = new Map<number, string>(
  Object.entries(errnoValues)
    .filter(([name]) => !ERRNO_ALIASES.has(name))
    .map(([name, value]) => [value, name]),
);

/** Short descriptions for the errnos these operations meet; others show their name alone. */
const errnoDescriptions: Record<string, string> = {
  EPERM: "operation not permitted",
  ENOENT: "no such file or directory",
  EIO: "input/output error",
  EBADF: "bad file descriptor",
  EBADFD: "file descriptor in bad state",
  EACCES: "permission denied",
  EBUSY: "device or resource busy",
  EEXIST: "file exists",
  ENODEV: "no such device",
  EINVAL: "invalid argument",
  ENFILE: "too many open files in system",
  EMFILE: "too many open files",
  ENOSPC: "no space left on device",
  ERANGE: "numerical result out of range",
  EOPNOTSUPP: "operation not supported",
  EAFNOSUPPORT: "address family not supported",
  EADDRNOTAVAIL: "cannot assign requested address",
  ENOBUFS: "no buffer space available",
  ENOMEM: "cannot allocate memory",
  EMSGSIZE: "message too long",
  ENOTCONN: "not connected",
  ENETUNREACH: "network is unreachable",
  ENETDOWN: "network is down",
  ESRCH: "no such process",
};

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

export function describeErrno(errno: number): string {
  const name = errnoName(errno);
  const description = errnoDescriptions[name];
  return description === undefined ? name : `${name} (${description})`;
}

export interface KernelErrorDetails {
  /** What the user asked for, e.g. "create tap0" or "delete br0". */
  operation: string;
  /** The system call or netlink request that failed, e.g. "TUNSETIFF" or "RTM_NEWADDR 10.0.0.1/24". */
  step: string;
  errno: number;
  device?: string;
  /** What to do about it; chosen by the code that knows the context. */
  remedy?: string;
  /** The kernel's extended ack message (netlink), when it gave one. */
  kernelMessage?: string;
}

/** A system call or netlink request the kernel refused. */
export class KernelError extends Error {
  readonly operation: string;
  readonly step: string;
  readonly errno: number;
  readonly device: string | undefined;
  readonly remedy: string | undefined;
  readonly kernelMessage: string | undefined;

  constructor(details: KernelErrorDetails) {
    super(formatKernelError(details));
    this.name = new.target.name;
    this.operation = details.operation;
    this.step = details.step;
    this.errno = details.errno;
    this.device = details.device;
    this.remedy = details.remedy;
    this.kernelMessage = details.kernelMessage;
  }

  /** The errno's symbolic name, e.g. "EBUSY". */
  get code(): string {
    return errnoName(this.errno);
  }
}

/** EPERM/EACCES: the process lacks CAP_NET_ADMIN (or permission on /dev/net/tun). */
export class PermissionDeniedError extends KernelError {}

/** /dev/net/tun is missing or the tun driver is not loaded. */
export class TunUnavailableError extends KernelError {}

/** A device with the requested name exists already. */
export class DeviceExistsError extends KernelError {}

/** The device is held by a process (a running VM, a VPN daemon) and the change needs it released. */
export class DeviceBusyError extends KernelError {}

/** The device named does not exist (any more). */
export class NoSuchDeviceError extends KernelError {}

/** A network namespace named in the request does not exist. */
export class NoSuchNamespaceError extends KernelError {}

function formatKernelError(details: KernelErrorDetails): string {
  const kernelSaid = details.kernelMessage ? ` The kernel said: "${details.kernelMessage}".` : "";
  const remedy = details.remedy ? ` ${details.remedy}` : "";
  const step = details.step === "" ? "" : `${details.step}: `;
  return `${details.operation}: ${step}${describeErrno(details.errno)}.${kernelSaid}${remedy}`;
}

export const remedies = {
  capNetAdmin:
    "This needs CAP_NET_ADMIN in the device's network namespace: run as root, or grant the capability " +
    "(e.g. `sudo setcap cap_net_admin+ep \"$(readlink -f \"$(which node)\")\"`), or work inside a user and " +
    "network namespace of your own (`unshare -rn`).",
  tunModule:
    "The TUN/TAP driver is not available: load it with `sudo modprobe tun` (and add `tun` to " +
    "/etc/modules-load.d/ to keep it across reboots); in a container, pass the host's /dev/net/tun in.",
  tunNodePermission:
    "Opening /dev/net/tun was refused: run as root, or make sure the device node is readable and writable " +
    "by this user (it is usually mode 0666).",
  heldByProcess:
    "A process holds the device open (a running VM, a VPN daemon or another TUN/TAP user): stop it, or " +
    "change this setting while nothing has the device open. `grep -l 'iff:' /proc/*/fdinfo/* ` finds holders.",
  missingDevice: "The device no longer exists: run `pulumi refresh` so the stack forgets it, then `pulumi up`.",
} as const;

/** An error class for a refusal, chosen by what the errno means in the call that met it. */
export type KernelErrorClass = new (details: KernelErrorDetails) => KernelError;

/** What an errno means for one call: the error to raise, and what to do about it. */
export interface ErrnoMeaning {
  error?: KernelErrorClass;
  remedy?: string;
}

/** What some errnos mean for one call, by name ("EEXIST"); the caller's word beats the table below. */
export type ErrnoMeanings = Partial<Record<string, ErrnoMeaning>>;

export interface ErrorContext {
  operation: string;
  step: string;
  device?: string;
  kernelMessage?: string;
  /** A remedy that fits better than the table's for whatever errno this step meets. */
  remedy?: string;
  /** What errnos mean for this call (an EEXIST that is a route already there, an ENOENT that is a missing namespace). */
  meanings?: ErrnoMeanings;
}

/**
 * The one errno table: what each errno means wherever the caller knows nothing better. Capability checks answer
 * EPERM; EACCES comes from file permissions or from policy such as "IPv6 is disabled on this device" (the kernel
 * then says so in its extended ack), where CAP_NET_ADMIN is not the remedy.
 */
const ERRNO_TABLE: ErrnoMeanings = {
  EPERM: { error: PermissionDeniedError, remedy: remedies.capNetAdmin },
  EACCES: { error: PermissionDeniedError, remedy: remedies.capNetAdmin },
  EBUSY: { error: DeviceBusyError, remedy: remedies.heldByProcess },
  EEXIST: { error: DeviceExistsError },
  ENODEV: { error: NoSuchDeviceError, remedy: remedies.missingDevice },
};

function tableMeaning(name: string, context: ErrorContext): ErrnoMeaning {
  if (name === "EACCES" && context.kernelMessage !== undefined) return {};
  return ERRNO_TABLE[name] ?? {};
}

/**
 * The error for an errno: its class and remedy from the caller's meanings, else from the table; a remedy the
 * caller gives for the whole step comes before the table's.
 */
export function errorFromErrno(errno: number, context: ErrorContext): KernelError {
  const name = errnoName(errno);
  const table = tableMeaning(name, context);
  const caller = context.meanings?.[name] ?? {};
  const { meanings: _meanings, remedy: _remedy, ...where } = context;
  const details: KernelErrorDetails = { ...where, errno };
  const remedy = caller.remedy ?? context.remedy ?? table.remedy;
  if (remedy !== undefined) details.remedy = remedy;
  const ErrorClass = caller.error ?? table.error ?? KernelError;
  return new ErrorClass(details);
}

/** The errno a failed node:fs call carries (its `code`), as the number errorFromErrno takes; EIO when it has none. */
export function errnoOfNodeError(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === "string" ? (errnoValues as Record<string, number | undefined>)[code] : undefined) ?? errnoValues.EIO;
}
