// One host's side of an overlay: a lab bridge, an underlay (a veth pair standing for the host's NIC) and a VXLAN
// device over it, in the bridge, with the other hosts as peers. The config replaces the underlay (its peer moved
// into a namespace) or the bridge (another name), and sets the peers, so that a test can see what the kernel
// removes with a replaced device come back in the same `pulumi up`; and bad VXLAN settings for check to refuse.
import * as pulumi from "@pulumi/pulumi";
import { Bridge, VethPair, Vxlan } from "pulumi-tuntap";

const config = new pulumi.Config();

const lab = new Bridge("lab", { name: config.get("bridgeName") ?? "cxlab0" });
const underlay = new VethPair("underlay", {
  name: "cxu0",
  addresses: ["192.0.2.1/24"],
  peer: { name: "cxu0p", ...(config.get("underlayPeerNetns") === undefined ? {} : { netns: config.get("underlayPeerNetns") }) },
});
const overlay = new Vxlan("overlay", {
  name: "cxvx0",
  vni: config.getNumber("vni") ?? 4242,
  destinationPort: config.getNumber("destinationPort") ?? 4789,
  local: "192.0.2.1",
  underlay: underlay.name,
  peers: config.getObject<string[]>("peers") ?? ["192.0.2.2", "192.0.2.3"],
  bridge: lab.name,
});

export const vxlan = { ifindex: overlay.ifindex, mtu: overlay.mtu, peers: overlay.peers, underlay: overlay.underlay, bridge: overlay.bridge };
