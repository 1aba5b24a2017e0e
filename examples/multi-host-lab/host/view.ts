// One host's view of the inventory: its own entry, and every other host's underlay address as a peer; its guests'
// MACs and the QEMU network arguments for each. Pure: no Pulumi, no I/O.
import type { LabPlan, PlannedHost } from "../inventory/plan";

export interface HostView {
  host: PlannedHost;
  vni: number;
  destinationPort: number;
  /** The other hosts' underlay addresses, in inventory order: the VXLAN device's flood list. */
  peers: string[];
}

/** This host's entry and peers, or an Error saying the host is not in the inventory. */
export function hostView(plan: LabPlan, name: string): HostView {
  const host = plan.hosts.find((candidate) => candidate.name === name);
  if (host === undefined) {
    throw new Error(
      `host "${name}" is not in the inventory (it lists ${plan.hosts.map((candidate) => candidate.name).join(", ") || "no host"}): ` +
        "add it to the inventory stack's hosts and run its `pulumi up` first, or name this host with `pulumi config set host NAME`",
    );
  }
  const peers = plan.hosts.filter((candidate) => candidate.name !== name).map((candidate) => candidate.underlay);
  return { host, vni: plan.vni, destinationPort: plan.destinationPort, peers };
}

/**
 * A locally administered MAC per guest, unique across the lab (the hosts' guests share one Ethernet segment):
 * 52:54:00 (QEMU's prefix), then "lab", the host's slot and the guest's index.
 */
export function guestMac(slot: number, index: number): string {
  return ["52", "54", "00", "1a", slot.toString(16).padStart(2, "0"), index.toString(16).padStart(2, "0")].join(":");
}

/**
 * QEMU's network arguments for a guest on its tap: opened by name, no ifup script, and host_mtu so that the guest's
 * virtio-net takes the overlay's MTU (frames larger than it would not cross to the other hosts).
 */
export function qemuNetworkArguments(tap: string, mac: string, mtu: number): string {
  return `-netdev tap,id=net0,ifname=${tap},script=no,downscript=no -device virtio-net-pci,netdev=net0,mac=${mac},host_mtu=${mtu}`;
}
