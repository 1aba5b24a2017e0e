// One resource of each kind, from the package as npm installs it for a user (tools/installedPackage.ts; the
// test running this program installs it): a bridge holding a tap and a veth pair whose peer is in a namespace
// with a default route, and the tap's systemd-networkd files. With config `package: repository`, the same
// resources from this repository, as every other program here loads them.
// Config: networkdDirectory (required), mtu (default 1500), package.
import * as pulumi from "@pulumi/pulumi";
import { installedPackageDirectory, type PulumiTuntap } from "../../../../tools/installedPackage";

const config = new pulumi.Config();
const { Bridge, NetworkdFiles, NetworkNamespace, Route, TapInterface, VethPair } = (
  config.get("package") === "repository" ? require("pulumi-tuntap") : require(installedPackageDirectory)
) as PulumiTuntap;
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
