// A lab that reaches out: a bridge, a guest (a veth whose peer lives in the test's "natguest" namespace, with its
// default route through the bridge), a Masquerade of the lab's prefixes out of any other device, and IPv4
// forwarding. Config: `nat: false` removes the Masquerade; `lab: false` declares only a Masquerade and a
// Forwarding of its own for the bridge another stack made (the second stack on the host).
import * as pulumi from "@pulumi/pulumi";
import { Bridge, Forwarding, Masquerade, Route, VethPair } from "pulumi-tuntap";

const config = new pulumi.Config();
const BRIDGE = "natbr0";

let device: pulumi.Input<string> = BRIDGE;
if (config.getBoolean("lab") ?? true) {
  const bridge = new Bridge("lab", { name: BRIDGE, addresses: ["10.40.0.1/24", "fd40::1/64"] });
  const guest = new VethPair("guest", { name: "natgst0", bridge: bridge.name, peer: { name: "eth0", netns: "natguest", addresses: ["10.40.0.2/24"] } });
  new Route("guest-default", { destination: "default", gateway: "10.40.0.1", netns: "natguest" }, { dependsOn: [guest] });
  device = bridge.name;
}

const nat = (config.getBoolean("nat") ?? true) ? new Masquerade("nat", { sources: ["10.40.0.0/24", "fd40::/64"], device }) : undefined;
const forwarding = new Forwarding("forwarding", {});

export const table = nat?.table;
export const forwardDropChains = nat?.forwardDropChains;
export const switches = forwarding.switches;
