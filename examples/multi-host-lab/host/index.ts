// One host of the multi-host lab: a stack per host, each `pulumi up` run on its own host (the provider acts on
// the machine the CLI runs on). It reads the inventory through a StackReference and declares this host's part of
// the lab: the lab bridge with the host's address, the VXLAN device over the host's NIC with every other host as a
// peer, in the bridge, and a tap per guest, owned by the user who runs the VMs. A host added to the inventory
// becomes a peer of every other host at their next `pulumi up`: an in-place update of their VXLAN device, one
// FDB entry added each.
//
// Config:
//   inventory  the inventory stack: "organization/multi-host-lab-inventory/lab" on a self-managed backend
//              (its default), "<org>/multi-host-lab-inventory/lab" on Pulumi Cloud
//   host       this host's name in the inventory (default: the stack's name)
//   guests     taps for guests (default 2)
//   user       who owns the taps and runs QEMU (default nobody)
import * as pulumi from "@pulumi/pulumi";
import { Bridge, TapInterface, Vxlan } from "pulumi-tuntap";
import type { LabPlan } from "../inventory/plan";
import { guestMac, hostView, qemuNetworkArguments } from "./view";

const config = new pulumi.Config();
const hostName = config.get("host") ?? pulumi.getStack();
const guests = config.getNumber("guests") ?? 2;
const user = config.get("user") ?? "nobody";

const inventory = new pulumi.StackReference("inventory", { name: config.get("inventory") ?? "organization/multi-host-lab-inventory/lab" });
const plan = pulumi
  .all([inventory.requireOutput("vni"), inventory.requireOutput("destinationPort"), inventory.requireOutput("labSubnet"), inventory.requireOutput("hosts")])
  .apply(([vni, destinationPort, labSubnet, hosts]): LabPlan => ({ vni, destinationPort, labSubnet, hosts }));
const view = plan.apply((lab) => hostView(lab, hostName));

const bridge = new Bridge("lab", { name: "lab0", addresses: [view.host.bridgeAddress] });

const overlay = new Vxlan("overlay", {
  name: "vxlab0",
  vni: view.vni,
  destinationPort: view.destinationPort,
  local: view.host.underlay,
  // The device: if it is replaced (or renamed), the VXLAN device goes with it and comes back in the same `up`.
  underlay: view.host.device,
  peers: view.peers,
  bridge: bridge.name,
});

const guestOutputs = Array.from({ length: guests }, (_, index) => {
  const mac = view.host.slot.apply((slot) => guestMac(slot, index));
  const tap = new TapInterface(`guest${index}`, {
    name: `labtap${index}`,
    owner: user,
    bridge: bridge.name,
    // The overlay's MTU: a larger one on a port would raise nothing (the bridge takes its ports' smallest) but would
    // let the guest send frames the overlay cannot carry.
    mtu: overlay.mtu,
  });
  return {
    tap: tap.name,
    mac,
    address: view.host.guestAddresses.apply((addresses) => addresses[index] ?? "none left in this host's share"),
    qemuNetwork: pulumi.all([tap.name, mac, overlay.mtu]).apply(([name, address, mtu]) => qemuNetworkArguments(name, address, mtu)),
  };
});

export const host = hostName;
export const labBridge = { name: bridge.name, address: view.host.bridgeAddress };
export const vxlan = { name: overlay.name, vni: overlay.vni, local: overlay.local, peers: overlay.peers, mtu: overlay.mtu };
export const guestTaps = guestOutputs;
