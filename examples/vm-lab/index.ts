// A VM lab: a bridge with an address and N taps owned by an ordinary user, so that QEMU runs unprivileged;
// multi-queue taps for `queues=` guests; with nat and dhcp, the lab is libvirt's default network (a LabNetwork).
// Runs with no config; by default it starts no VM, lets nothing out and writes no boot files, it only prints the
// QEMU commands. Config (all optional):
//   vms            number of VMs/taps (default 2)
//   queues         queue pairs per VM (default 2; 1 makes single-queue taps)
//   user           who owns the taps and runs QEMU: a user name or uid (default "nobody")
//   bridgeName     (default "labbr0"), bridgeAddress (default "192.168.100.1/24")
//   tapPrefix      taps are <tapPrefix><index> (default "labtap")
//   memoryMiB      (default 1024), vhost (default false), diskImage (default none: the guests network-boot)
//   kernel, initrd boot this kernel (and initramfs) directly instead; each VM gets an address after the
//                  bridge's on its kernel command line (`ip=`; `ip=dhcp` with dhcp), after kernelArgs (default
//                  "console=ttyS0")
//   nat            masquerade the lab out of the host's uplink, and turn IP forwarding on (default false)
//   forwarding     IP forwarding on or off whatever nat says (default: as nat)
//   dhcp           dnsmasq on the bridge, a fixed lease for each VM's MAC: the address it would be given (default false)
//   startVms       really start the VMs with @pulumi/command (default false)
//   runDirectory   where QEMU's pid files and console logs go, writable by `user` (default "/tmp")
//   persistAtBoot  write systemd-networkd files so the bridge and taps come back at boot (default false)
//   networkdDirectory  where those go (default "/etc/systemd/network")
import * as pulumi from "@pulumi/pulumi";
import { vmLab } from "./lab";

const config = new pulumi.Config();
const user = config.get("user") ?? "nobody";
const diskImage = config.get("diskImage");
const kernel = config.get("kernel");
const initrd = config.get("initrd");

const lab = vmLab({
  vms: config.getNumber("vms") ?? 2,
  queues: config.getNumber("queues") ?? 2,
  user: /^[0-9]+$/.test(user) ? Number(user) : user,
  bridgeName: config.get("bridgeName") ?? "labbr0",
  bridgeAddress: config.get("bridgeAddress") ?? "192.168.100.1/24",
  tapPrefix: config.get("tapPrefix") ?? "labtap",
  memoryMiB: config.getNumber("memoryMiB") ?? 1024,
  vhost: config.getBoolean("vhost") ?? false,
  ...(diskImage === undefined ? {} : { diskImage }),
  ...(kernel === undefined
    ? {}
    : { kernel: { kernel, ...(initrd === undefined ? {} : { initrd }), kernelArgs: config.get("kernelArgs") ?? "console=ttyS0" } }),
  nat: config.getBoolean("nat") ?? false,
  ...(config.getBoolean("forwarding") === undefined ? {} : { forwarding: config.getBoolean("forwarding") }),
  dhcp: config.getBoolean("dhcp") ?? false,
  startVms: config.getBoolean("startVms") ?? false,
  runDirectory: config.get("runDirectory") ?? "/tmp",
  persistAtBoot: config.getBoolean("persistAtBoot") ?? false,
  networkdDirectory: config.get("networkdDirectory") ?? "/etc/systemd/network",
});

export const bridge = { name: lab.bridge.name, addresses: lab.bridge.addresses };
/** The lab's way out and its DHCP server: what a guest gets, and where dnsmasq keeps its files. */
export const network = {
  gateway: lab.network.gateway,
  subnet: lab.network.subnet,
  masqueradeTable: lab.network.masqueradeTable,
  forwardDropChains: lab.network.forwardDropChains,
  dhcpRange: lab.network.dhcpRange,
  hosts: lab.network.hosts,
  pidFile: lab.network.pidFile,
  leasesFile: lab.network.leasesFile,
  logFile: lab.network.logFile,
};
export const taps = lab.taps.map((tap) => ({ name: tap.name, owner: tap.owner, multiQueue: tap.multiQueue, macAddress: tap.macAddress }));
/**
 * One entry per VM: its tap, guest MAC (and address), console log, QEMU command line, and the commands that start
 * and stop it as the tap's owner (run by local.Command only with startVms; otherwise yours to run).
 */
export const vms = lab.vms;
export const vmsStarted = lab.commands.length > 0;
export const bootFiles = lab.bootFiles.map((files) => [files.netdevPath, files.networkPath]);
