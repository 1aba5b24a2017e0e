// Parents and what depends on them in the kernel: a tun with routes out of it (two by its device, one through a
// gateway only the tun's address reaches, ordered after the tun by dependsOn), a bridge with a tap and
// a veth end as ports and a route out of it, the veth's peer in a namespace as a port of a bridge there, routes
// out of each. Every input that replaces a parent under the same name comes from the stack config, so that a
// test can replace each one and check that the same `pulumi up` leaves the kernel as declared; so does the
// tun's IPv4 address, whose change in place takes the tun's IPv4 routes away for a moment. The tun also forwards
// (a Forwarding of it by its name output): a tun made again starts with its switch off.
import * as pulumi from "@pulumi/pulumi";
import { Bridge, Forwarding, NetworkNamespace, Route, TapInterface, VethPair } from "pulumi-tuntap";

const config = new pulumi.Config();

const lab = new NetworkNamespace("lab", { name: config.get("lab") ?? "rplab" });
const lab2 = new NetworkNamespace("lab2", { name: "rplab2" });
/** The lab's name when the config key is true, else the caller's namespace. */
const inLab = (key: string) => (config.getBoolean(key) === true ? lab.name : undefined);

const tunnel = new TapInterface("tunnel", {
  name: "rptun0",
  mode: config.get("tunnelMode") === "tap" ? "tap" : "tun",
  multiQueue: config.getBoolean("tunnelMultiQueue") ?? false,
  netns: inLab("tunnelInLab"),
  addresses: [config.get("tunnelAddress") ?? "10.61.0.1/24", "fd61::1/64"],
});
new Route("tunnel-net", { destination: "10.161.0.0/24", device: tunnel.name, netns: inLab("tunnelInLab") });
new Route("tunnel-v6", { destination: "fd61:1::/64", gateway: "fd61::2", device: tunnel.name, netns: inLab("tunnelInLab") });
new Route("tunnel-gateway", { destination: "10.162.0.0/24", gateway: "10.61.0.254", netns: inLab("tunnelInLab") }, { dependsOn: [tunnel] });
new Forwarding("tunnel-forwarding", { devices: [tunnel.name], netns: inLab("tunnelInLab") });

// The bridge is also replaced whenever its generation is (the replaceWith option): replaced under its own name,
// as `pulumi up --replace` would.
const generation = new NetworkNamespace("generation", { name: config.get("bridgeGeneration") ?? "rpgen0" });
const bridge = new Bridge(
  "bridge",
  { name: config.get("bridgeName") ?? "rpbr0", netns: inLab("bridgeInLab"), addresses: ["10.64.0.1/24"] },
  { replaceWith: [generation] },
);
new TapInterface("port", { name: "rpport0", bridge: bridge.name, netns: inLab("bridgeInLab") });
new Route("bridge-net", { destination: "10.164.0.0/24", device: bridge.name, netns: inLab("bridgeInLab") });

const peerNetns = config.get("peerIn") === "lab2" ? lab2.name : lab.name;
const peerBridge = new Bridge("peer-bridge", { name: "rpbr1", netns: peerNetns, addresses: ["10.65.0.2/24"] });
const pair = new VethPair("pair", {
  name: "rpv0",
  netns: inLab("bridgeInLab"),
  bridge: bridge.name,
  peer: { name: "rpv0p", netns: peerNetns, bridge: peerBridge.name },
});
new Route("pair-net", { destination: "10.166.0.0/24", device: pair.name, netns: inLab("bridgeInLab") });
new Route("peer-net", { destination: "10.165.0.0/24", device: pair.peer.name, netns: peerNetns });
new Route("peer-default", { destination: "default", gateway: "10.65.0.1", device: peerBridge.name, netns: peerNetns });
