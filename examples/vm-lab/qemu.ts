// The QEMU command line for one lab VM on a pre-made tap, and the shell commands that start and stop it as
// the tap's owner. Pure: no Pulumi, no I/O.
//
// The tap already exists, owned by an ordinary user, so QEMU needs no privilege: `-netdev tap,ifname=…`
// opens it by name, and `script=no,downscript=no` stop QEMU from running /etc/qemu-ifup (which would need
// root to configure the device we have already configured). With queues > 1 the tap is multi-queue and
// the guest's virtio-net gets one queue pair per vCPU (mq=on, vectors = 2 × queues + 2).
import { createHash } from "node:crypto";

export interface QemuVm {
  /** The VM's name, e.g. "vm0". */
  name: string;
  /** The tap's interface name, from the TapInterface's `name` output. */
  tapName: string;
  /** Queue pairs: 1 for a single-queue tap; more needs a multi-queue tap and as many vCPUs. */
  queues: number;
  guestMac: string;
  memoryMiB: number;
  /** A disk image, opened with snapshot=on so VMs can share it and it is never written; none: network boot. */
  diskImage?: string;
  /** vhost-net offload; needs access to /dev/vhost-net for the VM's user. */
  vhost: boolean;
  /** Boot this kernel directly (QEMU's -kernel, -initrd, -append) instead of the disk or the network. */
  directBoot?: DirectBoot;
  /** A file that receives the guest's serial console (ttyS0): with `-display none` it is shown nowhere else. */
  consoleLog?: string;
}

export interface DirectBoot {
  kernel: string;
  initrd?: string;
  /** The kernel command line. */
  append: string;
}

export const QEMU_BINARY = "qemu-system-x86_64";

/** argv for QEMU, binary first. */
export function qemuArguments(vm: QemuVm): string[] {
  const multiQueue = vm.queues > 1;
  const netdev = [`tap`, `id=net0`, `ifname=${vm.tapName}`, `script=no`, `downscript=no`];
  if (multiQueue) netdev.push(`queues=${vm.queues}`);
  if (vm.vhost) netdev.push("vhost=on");
  const nic = ["virtio-net-pci", "netdev=net0", `mac=${vm.guestMac}`];
  if (multiQueue) nic.push("mq=on", `vectors=${2 * vm.queues + 2}`);
  const argv = [QEMU_BINARY, "-name", vm.name, "-machine", "q35,accel=kvm:tcg", "-smp", String(Math.max(1, vm.queues)), "-m", String(vm.memoryMiB)];
  if (vm.diskImage !== undefined) argv.push("-drive", `file=${vm.diskImage},if=virtio,snapshot=on`);
  if (vm.directBoot !== undefined) {
    argv.push("-kernel", vm.directBoot.kernel);
    if (vm.directBoot.initrd !== undefined) argv.push("-initrd", vm.directBoot.initrd);
    argv.push("-append", vm.directBoot.append);
  }
  argv.push("-netdev", netdev.join(","), "-device", nic.join(","), "-display", "none", "-monitor", "none");
  if (vm.consoleLog !== undefined) argv.push("-serial", `file:${vm.consoleLog}`);
  return argv;
}

/** One shell word: left bare when safe, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}

/**
 * Starts the VM in the background as `user` (a uid or name; the tap's owner), so QEMU holds no privilege
 * at all: setpriv switches user and group before exec, and QEMU daemonizes and records its pid.
 */
export function startCommand(vm: QemuVm, user: string | number, pidFile: string): string {
  const who = shellQuote(String(user));
  const switchUser = `setpriv --reuid=${who} --regid="$(id -g ${who})" --init-groups --`;
  return `${switchUser} ${shellCommand([...qemuArguments(vm), "-daemonize", "-pidfile", pidFile])}`;
}

/**
 * Stops the VM started by startCommand and returns once QEMU has exited (SIGTERM; SIGKILL if it is still there
 * after 30 s), so that what comes next — a new VM on the same tap, the tap's deletion — never meets it; a VM that
 * is already gone is fine.
 */
export function stopCommand(pidFile: string): string {
  const file = shellQuote(pidFile);
  const waitForExit = `for i in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; [ "$i" -eq 300 ] && kill -KILL "$pid" 2>/dev/null; sleep 0.1; done`;
  return `if [ -f ${file} ]; then pid=$(cat ${file}); kill "$pid" 2>/dev/null; ${waitForExit}; rm -f ${file}; fi`;
}

/**
 * A stable guest MAC for a VM: QEMU's 52:54:00 prefix and three bytes of a hash of the stack and VM name, so
 * the guest keeps its MAC (and its DHCP lease) across runs and two stacks do not collide by default.
 */
export function guestMacAddress(identity: string): string {
  const digest = createHash("sha256").update(identity).digest();
  const tail = Array.from(digest.subarray(0, 3), (byte) => byte.toString(16).padStart(2, "0"));
  return ["52", "54", "00", ...tail].join(":");
}
