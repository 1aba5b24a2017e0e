// The lab's settings and, per VM, everything that follows from them before any device exists: its name,
// guest MAC, pid and console files and, for direct kernel boot, its address. Pure: no Pulumi, no I/O, so a
// test can build exactly the commands the program runs.
import { planGuestAddresses } from "./guestAddresses";
import { guestMacAddress, type QemuVm } from "./qemu";

export interface VmLabSettings {
  vms: number;
  /** Queue pairs per VM: above 1 the taps are multi-queue, for QEMU's `queues=`. */
  queues: number;
  /** The ordinary user (name or uid) who owns the taps and runs QEMU. */
  user: string | number;
  bridgeName: string;
  bridgeAddress: string;
  tapPrefix: string;
  memoryMiB: number;
  vhost: boolean;
  diskImage?: string;
  /** Boot this kernel directly; each VM's command line gets its own `ip=` address from the bridge's subnet (`ip=dhcp` with dhcp). */
  kernel?: DirectKernel;
  /** Masquerade the lab out of the host's uplink (LabNetwork's nat). */
  nat: boolean;
  /** IP forwarding; unset: on with nat. */
  forwarding?: boolean;
  /** A DHCP server (dnsmasq) on the bridge, with a fixed lease for each VM's MAC: the address it would be given. */
  dhcp: boolean;
  /** Really start the VMs (local.Command). Off: the commands are only outputs. */
  startVms: boolean;
  /** Where QEMU writes its pid files and console logs; must be writable by `user`. */
  runDirectory: string;
  /** Write systemd-networkd files for the bridge and taps into `networkdDirectory`. */
  persistAtBoot: boolean;
  networkdDirectory: string;
}

export interface DirectKernel {
  kernel: string;
  initrd?: string;
  /** The command line shared by every VM; each VM's `ip=` argument (its address, or `ip=dhcp`) is appended. */
  kernelArgs: string;
}

export interface LabVmPlan {
  name: string;
  guestMac: string;
  pidFile: string;
  consoleLog: string;
  /** With direct kernel boot or DHCP: the guest's address (its fixed lease with DHCP), e.g. "192.168.100.2/24". */
  guestAddress?: string;
  /** The VM on the tap of this name (the TapInterface's `name` output). */
  qemu(tapName: string): QemuVm;
}

export function planLabVms(settings: VmLabSettings, project: string, stack: string): LabVmPlan[] {
  const names = Array.from({ length: settings.vms }, (_, index) => `vm${index}`);
  const addresses = settings.kernel === undefined && !settings.dhcp ? undefined : planGuestAddresses(settings.bridgeAddress, names);
  return names.map((name, index) => {
    const files = `${settings.runDirectory}/${project}-${stack}-${name}`;
    const guestMac = guestMacAddress(`${project}/${stack}/${name}`);
    const address = addresses?.[index];
    const kernel = settings.kernel;
    const qemu = (tapName: string): QemuVm => ({
      name,
      tapName,
      queues: settings.queues,
      guestMac,
      memoryMiB: settings.memoryMiB,
      vhost: settings.vhost,
      ...(settings.diskImage === undefined ? {} : { diskImage: settings.diskImage }),
      ...(kernel === undefined || address === undefined
        ? {}
        : {
            directBoot: {
              kernel: kernel.kernel,
              ...(kernel.initrd === undefined ? {} : { initrd: kernel.initrd }),
              // With DHCP the guest asks for its address (its fixed lease), in the kernel's own words.
              append: [kernel.kernelArgs, settings.dhcp ? "ip=dhcp" : address.kernelIpArgument].filter((part) => part !== "").join(" "),
            },
          }),
      consoleLog: `${files}.console`,
    });
    return { name, guestMac, pidFile: `${files}.pid`, consoleLog: `${files}.console`, ...(address === undefined ? {} : { guestAddress: address.address }), qemu };
  });
}
