// A veth pair joining this namespace to a named one, as a lab joins a namespace to the host: both ends
// addressed, the MTUs and the peer's namespace taken from the stack config so that a test can change them.
import * as pulumi from "@pulumi/pulumi";
import { VethPair } from "pulumi-tuntap";

const config = new pulumi.Config();

const pair = new VethPair("pair", {
  name: "cvp0",
  mtu: config.getNumber("mtu") ?? 1500,
  addresses: ["10.88.0.1/24"],
  peer: {
    name: "cvp0p",
    netns: config.get("peerNetns") ?? "cvlab",
    mtu: config.getNumber("peerMtu") ?? 1500,
    addresses: ["10.88.0.2/24"],
  },
});

export const ifindex = pair.ifindex;
export const peer = pair.peer;
