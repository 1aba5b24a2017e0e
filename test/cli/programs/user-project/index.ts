// A user's own stack, laid out as `pulumi new typescript` lays one out (Pulumi.yaml, package.json, tsconfig.json,
// index.ts). The tests copy it outside this repository and `npm install` pulumi-tuntap into it — as a linked
// folder, as the packed tarball, or from the git repository — beside @pulumi/pulumi. One resource of each kind: a
// bridge holding a tap and a veth pair whose peer is in a namespace with a default route, and the tap's
// systemd-networkd files.
// Config: networkdDirectory (required), mtu (default 1500).
import * as pulumi from "@pulumi/pulumi";
import { Bridge, NetworkdFiles, NetworkNamespace, Route, TapInterface, VethPair } from "pulumi-tuntap";

const config = new pulumi.Config();
const mtu = config.getNumber("mtu") ?? 1500;

const bridge = new Bridge("bridge", { name: "ipkgbr", addresses: ["10.31.0.1/24"], mtu, up: true });
const tap = new TapInterface("tap", { name: "ipkgtap", bridge: bridge.name, mtu, up: true });
const namespace = new NetworkNamespace("namespace", { name: "ipkg-ns" });
const pair = new VethPair("veth", {
  name: "ipkg0",
  bridge: bridge.name,
  mtu,
  up: true,
  peer: { name: "eth0", netns: namespace.name, addresses: ["10.31.0.2/24"], mtu, up: true },
});
new Route("default", { destination: "default", gateway: "10.31.0.1", device: pair.peer.apply((peer) => peer.name), netns: namespace.name });
new NetworkdFiles("tap-files", { device: tap, directory: config.require("networkdDirectory") });

export const tapName = tap.name;
