// Inputs that depend on other resources' outputs. During a preview, outputs that are not inputs (ifindex) are
// unknown, so the inputs computed from them reach the provider's Check and Diff as the unknown sentinel.
import * as pulumi from "@pulumi/pulumi";
import { Bridge, TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();

const bridge = new Bridge("lan", { name: config.get("bridgeName") ?? "ubr0", addresses: ["10.60.0.1/24"] });

// Joins the bridge by its name output, and is described with the bridge's ifindex.
const port = new TapInterface("port", {
  name: "uport0",
  bridge: bridge.name,
  description: pulumi.interpolate`port of ifindex ${bridge.ifindex}`,
});

// Its transmit queue length is computed from the port's ifindex.
const peer = new TapInterface("peer", { name: "upeer0", txQueueLength: port.ifindex.apply((ifindex) => 500 + ifindex) });

export const bridgeIfindex = bridge.ifindex;
export const portIfindex = port.ifindex;
export const peerTxQueueLength = peer.txQueueLength;
