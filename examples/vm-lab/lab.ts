// The lab: one bridge with an address, N taps owned by an ordinary user and plugged into it, and for each
// tap the QEMU command that uses it. Optionally (startVms) local.Command starts those VMs, and
// (persistAtBoot) NetworkdFiles make the bridge and taps come back at boot.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { Bridge, NetworkdFiles, TapInterface } from "pulumi-tuntap";
import { guestMacAddress, type QemuVm, qemuArguments, shellCommand, startCommand, stopCommand } from "./qemu";

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
  /** Really start the VMs (local.Command). Off: the commands are only outputs. */
  startVms: boolean;
  /** Where QEMU writes its pid files; must be writable by `user`. */
  runDirectory: string;
  /** Write systemd-networkd files for the bridge and taps into `networkdDirectory`. */
  persistAtBoot: boolean;
  networkdDirectory: string;
}

export interface LabVm {
  name: string;
  tap: pulumi.Output<string>;
  guestMac: string;
  /** The QEMU command line, quoted for a shell. */
  qemuCommand: pulumi.Output<string>;
}

export interface VmLab {
  bridge: Bridge;
  taps: TapInterface[];
  vms: LabVm[];
  commands: command.local.Command[];
  bootFiles: NetworkdFiles[];
}

export function vmLab(settings: VmLabSettings): VmLab {
  const bridge = new Bridge("lab-bridge", { name: settings.bridgeName, addresses: [settings.bridgeAddress], stp: false });
  const taps: TapInterface[] = [];
  const vms: LabVm[] = [];
  const commands: command.local.Command[] = [];
  for (let index = 0; index < settings.vms; index++) {
    const name = `vm${index}`;
    const tap = new TapInterface(`lab-${name}`, {
      name: `${settings.tapPrefix}${index}`,
      mode: "tap",
      owner: settings.user,
      multiQueue: settings.queues > 1,
      // The bridge's name output: the tap waits for the bridge and follows it if it is replaced.
      bridge: bridge.name,
    });
    const guestMac = guestMacAddress(`${pulumi.getProject()}/${pulumi.getStack()}/${name}`);
    const vm = (tapName: string): QemuVm => ({
      name,
      tapName,
      queues: settings.queues,
      guestMac,
      memoryMiB: settings.memoryMiB,
      vhost: settings.vhost,
      ...(settings.diskImage === undefined ? {} : { diskImage: settings.diskImage }),
    });
    taps.push(tap);
    vms.push({ name, tap: tap.name, guestMac, qemuCommand: tap.name.apply((tapName) => shellCommand(qemuArguments(vm(tapName)))) });
    if (settings.startVms) commands.push(startVm(name, tap, vm, settings));
  }
  const bootFiles = settings.persistAtBoot ? persistAtBoot(bridge, taps, settings.networkdDirectory) : [];
  return { bridge, taps, vms, commands, bootFiles };
}

/**
 * A running VM as a resource: create starts QEMU as the tap's owner, delete stops it. Any change (a new
 * tap, other settings) replaces it, stopping the old VM first: two QEMUs cannot hold one single-queue tap.
 */
function startVm(name: string, tap: TapInterface, vm: (tapName: string) => QemuVm, settings: VmLabSettings): command.local.Command {
  const pidFile = `${settings.runDirectory}/${pulumi.getProject()}-${pulumi.getStack()}-${name}.pid`;
  return new command.local.Command(
    `lab-${name}-qemu`,
    {
      create: pulumi.all([tap.name, tap.owner]).apply(([tapName, owner]) => startCommand(vm(tapName), owner ?? settings.user, pidFile)),
      delete: stopCommand(pidFile),
      triggers: [tap.ifindex],
    },
    { dependsOn: [tap], deleteBeforeReplace: true, replaceOnChanges: ["*"] },
  );
}

function persistAtBoot(bridge: Bridge, taps: readonly TapInterface[], directory: string): NetworkdFiles[] {
  return [
    new NetworkdFiles("lab-bridge-boot", { device: bridge, directory }),
    ...taps.map((tap, index) => new NetworkdFiles(`lab-vm${index}-boot`, { device: tap, directory })),
  ];
}
