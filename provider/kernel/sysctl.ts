// IP forwarding switches read and written in one network namespace, through /proc/sys without a shell.
//
// /proc/sys/net belongs to the network namespace of the thread that *looks the file up* (fs/proc/proc_sysctl.c:
// a lookup goes through the ctl_table_root's set, which for net/ is current->nsproxy->net_ns, net/sysctl_net.c
// net_ctl_header_lookup), not to the namespace /proc was mounted in (unlike /sys). So a file opened while this
// thread sits in a namespace reads and writes that namespace's value. Node's synchronous fs calls run on the
// calling thread, so they are made inside runInNetworkNamespace and take effect there.
//
// What the kernel does on its own (net/ipv4/devinet.c devinet_sysctl_forward, net/ipv6/addrconf.c
// addrconf_fixup_forwarding), which callers must mind: writing net.ipv4.ip_forward (the same value as
// net.ipv4.conf.all.forwarding) sets the forwarding of every IPv4 device and the default for new ones, so
// lowering it also lowers every device's own setting; net.ipv6.conf.all.forwarding does the same for IPv6.
// A device's own value (net.ipv4.conf.DEV.forwarding) changes only that device. For IPv6, a device's
// `forwarding` is its router/host behaviour; forwarding through one device alone is `force_forwarding`
// (Linux 6.17 and later).
import { readFileSync, writeFileSync } from "node:fs";
import { errnoOfNodeError, errorFromErrno, type KernelError } from "./errors";
import { runInNetworkNamespace } from "./netns";

/** A forwarding switch: global (all devices), or one device's. */
export type ForwardingKey =
  | { version: 4 | 6; device?: undefined }
  | { version: 4 | 6; device: string };

/** The file under /proc/sys holding the switch. */
export function forwardingPath(key: ForwardingKey): string {
  if (key.device !== undefined && (key.device === "" || key.device === "." || key.device === ".." || key.device.includes("/") || key.device.includes("\0"))) {
    throw new RangeError(`invalid device name ${JSON.stringify(key.device)}`);
  }
  if (key.version === 4) return key.device === undefined ? "/proc/sys/net/ipv4/ip_forward" : `/proc/sys/net/ipv4/conf/${key.device}/forwarding`;
  return key.device === undefined ? "/proc/sys/net/ipv6/conf/all/forwarding" : `/proc/sys/net/ipv6/conf/${key.device}/force_forwarding`;
}

/** The sysctl name, as `sysctl` prints it, for messages: "net.ipv4.conf.lab0.forwarding". */
export function forwardingName(key: ForwardingKey): string {
  // sysctl(8) writes "." inside a name component as "/" (a VLAN device eth0.100 is net.ipv4.conf.eth0/100…).
  return forwardingPath(key)
    .slice("/proc/sys/".length)
    .split("/")
    .map((component) => component.replaceAll(".", "/"))
    .join(".");
}

/** A refused read or write of a switch's file, with what ENOENT and a refusal mean for that switch. */
function fileError(error: unknown, key: ForwardingKey, operation: string, step: string): KernelError {
  const name = forwardingName(key);
  const missing =
    key.device === undefined
      ? `${name} does not exist: this kernel has no ${key.version === 4 ? "IPv4" : "IPv6"} in this namespace (ipv6.disable=1?).`
      : key.version === 6
        ? `${name} does not exist: either the device "${key.device}" does not exist (any more) in this namespace, or the kernel is older than 6.17, which brought IPv6 forwarding per device; leave the devices out to use the global switch.`
        : `The device "${key.device}" does not exist (any more) in this namespace: create it first.`;
  const refused = { remedy: `Writing ${name} was refused: it needs CAP_NET_ADMIN in the namespace's user namespace, and /proc/sys must not be mounted read-only (as in some containers).` };
  return errorFromErrno(errnoOfNodeError(error), { operation, step: `${step} ${name}`, meanings: { ENOENT: { remedy: missing }, EACCES: refused, EPERM: refused, EROFS: refused } });
}

function parseSwitch(text: string, key: ForwardingKey): number {
  const value = Number(text.trim());
  if (!Number.isInteger(value)) throw new Error(`${forwardingName(key)} holds ${JSON.stringify(text.trim())}, not a number`);
  return value;
}

/** The switch's value now (0 or 1), in the named namespace (undefined: this process's). */
export function readForwarding(netns: string | undefined, key: ForwardingKey, operation: string): number {
  return runInNetworkNamespace(netns, operation, () => {
    try {
      return parseSwitch(readFileSync(forwardingPath(key), "utf8"), key);
    } catch (error) {
      throw error instanceof RangeError || !(error as NodeJS.ErrnoException).code ? error : fileError(error, key, operation, "read");
    }
  });
}

/** Sets the switch to `value`, in the named namespace, and returns the value read back. */
export function writeForwarding(netns: string | undefined, key: ForwardingKey, value: 0 | 1, operation: string): number {
  return runInNetworkNamespace(netns, operation, () => {
    const path = forwardingPath(key);
    try {
      writeFileSync(path, `${value}\n`);
      return parseSwitch(readFileSync(path, "utf8"), key);
    } catch (error) {
      throw error instanceof RangeError || !(error as NodeJS.ErrnoException).code ? error : fileError(error, key, operation, "write");
    }
  });
}
