// QEMU command lines for the test guest on an existing tap, under TCG (these machines have no usable KVM):
// - pc or q35 with virtio-net-pci, multi-queue when queues > 1 (mq=on, vectors = 2 × queues + 2);
// - microvm, QEMU's minimal machine after Firecracker's device model: virtio-mmio, no PCI, no firmware tables
//   beyond what the kernel needs.
// The tap is opened by name with script=no,downscript=no (nothing runs /etc/qemu-ifup); the serial console
// goes to stdio, and -no-reboot makes a guest that reboots instead of powering off end QEMU all the same.
import { readFileSync } from "node:fs";
import type { GuestImage } from "./guestImage";

export const QEMU = "qemu-system-x86_64";

export interface GuestMachine {
  name: string;
  tap: string;
  mac: string;
  /** The kernel and initramfs, readable by the user QEMU runs as. */
  image: Pick<GuestImage, "kernel" | "initramfs">;
  /** The kernel command line (see guestKernelArguments). */
  append: string;
  memoryMiB?: number;
}

function common(machine: GuestMachine): string[] {
  return [
    QEMU,
    "-name",
    machine.name,
    "-nodefaults",
    "-no-user-config",
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    "stdio",
    "-no-reboot",
    "-m",
    String(machine.memoryMiB ?? 256),
    "-kernel",
    machine.image.kernel,
    "-initrd",
    machine.image.initramfs,
  ];
}

function tapNetdev(tap: string, queues: number): string {
  return ["tap", "id=net0", `ifname=${tap}`, "script=no", "downscript=no", ...(queues > 1 ? [`queues=${queues}`] : [])].join(",");
}

/** pc or q35 with virtio-net-pci; `queues` > 1 needs a multi-queue tap and gives the guest as many vCPUs. */
export function pciGuestArguments(machine: GuestMachine & { type: "pc" | "q35"; queues?: number }): string[] {
  const queues = machine.queues ?? 1;
  const nic = ["virtio-net-pci", "netdev=net0", `mac=${machine.mac}`, ...(queues > 1 ? ["mq=on", `vectors=${2 * queues + 2}`] : [])];
  return [
    ...common(machine),
    "-machine",
    `${machine.type},accel=tcg`,
    "-smp",
    String(queues),
    "-append",
    machine.append,
    "-netdev",
    tapNetdev(machine.tap, queues),
    "-device",
    nic.join(","),
  ];
}

/**
 * The host's TSC frequency in kHz. A microvm has no HPET and no ACPI PM timer, so its kernel calibrates the
 * TSC by polling the PIT; under TCG (where the guest's TSC is the host's) that calibration fails when the host
 * is busy, and the kernel then hangs waiting for a timer tick. Given `tsc_early_khz`, it skips the calibration;
 * with `tsc=reliable` it keeps the TSC as its clock, which the clocksource watchdog, comparing it with
 * jiffies under TCG's uneven pace, would otherwise drop for jiffies: round trips would then be counted in
 * 4 ms ticks.
 */
export function hostTscKhz(): number {
  const megahertz = /^cpu MHz\s*:\s*([0-9.]+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
  if (megahertz === undefined) throw new Error("/proc/cpuinfo shows no \"cpu MHz\"");
  return Math.round(Number(megahertz) * 1000);
}

/** QEMU's microvm machine: virtio-net over MMIO; the PIT is on as Firecracker's KVM PIT is. */
export function microvmGuestArguments(machine: GuestMachine): string[] {
  return [
    ...common(machine),
    "-machine",
    "microvm,accel=tcg,pit=on",
    "-append",
    `${machine.append} tsc_early_khz=${hostTscKhz()} tsc=reliable`,
    "-netdev",
    tapNetdev(machine.tap, 1),
    "-device",
    `virtio-net-device,netdev=net0,mac=${machine.mac}`,
  ];
}
