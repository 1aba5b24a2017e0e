// The lab: its network (a LabNetwork: the bridge with its address and, with nat and dhcp, the way out and a DHCP
// server with a fixed lease for each VM), N taps owned by an ordinary user and plugged into it, and for each tap
// the QEMU command that uses it. Optionally (startVms) local.Command starts those VMs, and (persistAtBoot)
// NetworkdFiles make the network and taps come back at boot.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { type Bridge, LabNetwork, NetworkdFiles, TapInterface } from "pulumi-tuntap";
import { planLabVms, type VmLabSettings } from "./plan";
import { qemuArguments, shellCommand, startCommand, stopCommand } from "./qemu";

export type { DirectKernel, VmLabSettings } from "./plan";

export interface LabVm {
  name: string;
  tap: pulumi.Output<string>;
  guestMac: string;
  /** With direct kernel boot or DHCP: the address the guest is given (its fixed lease), e.g. "192.168.100.2/24". */
  guestAddress?: string;
  /** The file QEMU writes the guest's serial console to. */
  consoleLog: string;
  /** The QEMU command line, quoted for a shell. */
  qemuCommand: pulumi.Output<string>;
  /**
   * What startVms gives local.Command: start QEMU in the background as the tap's owner (run it as root), and
   * stop it again by its pid file. Without startVms they are the commands to run by hand.
   */
  startCommand: pulumi.Output<string>;
  stopCommand: string;
  pidFile: string;
}

export interface VmLab {
  network: LabNetwork;
  bridge: Bridge;
  taps: TapInterface[];
  vms: LabVm[];
  commands: command.local.Command[];
  bootFiles: NetworkdFiles[];
}

export function vmLab(settings: VmLabSettings): VmLab {
  const plans = planLabVms(settings, pulumi.getProject(), pulumi.getStack());
  const network = new LabNetwork("lab", {
    bridgeName: settings.bridgeName,
    address: settings.bridgeAddress,
    nat: settings.nat,
    ...(settings.forwarding === undefined ? {} : { forwarding: settings.forwarding }),
    // Each VM's fixed lease is keyed on its guest MAC (QEMU's -device …,mac=), not on the tap's own MAC: the tap is
    // the host's end of the wire.
    dhcp: settings.dhcp ? { hosts: plans.map((plan) => ({ macAddress: plan.guestMac, address: (plan.guestAddress ?? "").split("/")[0] ?? "", name: plan.name })) } : false,
    atBoot: settings.persistAtBoot ? { directory: settings.networkdDirectory } : false,
  });
  const bridge = network.bridge;
  const taps: TapInterface[] = [];
  const vms: LabVm[] = [];
  const commands: command.local.Command[] = [];
  for (const [index, plan] of plans.entries()) {
    const tap = new TapInterface(`lab-${plan.name}`, {
      name: `${settings.tapPrefix}${index}`,
      mode: "tap",
      owner: settings.user,
      multiQueue: settings.queues > 1,
      // The bridge's name output: the tap waits for the bridge and follows it if it is replaced.
      bridge: bridge.name,
    });
    taps.push(tap);
    const vm: LabVm = {
      name: plan.name,
      tap: tap.name,
      guestMac: plan.guestMac,
      ...(plan.guestAddress === undefined ? {} : { guestAddress: plan.guestAddress }),
      consoleLog: plan.consoleLog,
      qemuCommand: tap.name.apply((tapName) => shellCommand(qemuArguments(plan.qemu(tapName)))),
      // The tap's owner output (a uid): QEMU runs as whoever the device really belongs to.
      startCommand: pulumi.all([tap.name, tap.owner]).apply(([tapName, owner]) => startCommand(plan.qemu(tapName), owner ?? settings.user, plan.pidFile)),
      stopCommand: stopCommand(plan.pidFile),
      pidFile: plan.pidFile,
    };
    vms.push(vm);
    if (settings.startVms) commands.push(startVm(plan.name, vm, tap, network));
  }
  const bootFiles = settings.persistAtBoot ? [...(network.bootFiles === undefined ? [] : [network.bootFiles]), ...persistTaps(taps, settings.networkdDirectory)] : [];
  return { network, bridge, taps, vms, commands, bootFiles };
}

/**
 * A running VM as a resource: create starts QEMU as the tap's owner, delete stops it. Any change (a new
 * tap, other settings) replaces it, stopping the old VM first: two QEMUs cannot hold one single-queue tap.
 * With DHCP it starts once dnsmasq runs, so the guest's first request is answered.
 */
function startVm(name: string, vm: LabVm, tap: TapInterface, network: LabNetwork): command.local.Command {
  return new command.local.Command(
    `lab-${name}-qemu`,
    {
      create: vm.startCommand,
      delete: vm.stopCommand,
      triggers: [tap.ifindex],
    },
    { dependsOn: [tap, ...(network.dnsmasq === undefined ? [] : [network.dnsmasq])], deleteBeforeReplace: true, replaceOnChanges: ["*"] },
  );
}

/** The taps' boot files; the network's are the LabNetwork's own (atBoot). */
function persistTaps(taps: readonly TapInterface[], directory: string): NetworkdFiles[] {
  return taps.map((tap, index) => new NetworkdFiles(`lab-vm${index}-boot`, { device: tap, directory }));
}
