// One device of every kind NetworkdFiles writes files for, each declared as a user would — no owner, group,
// alias or namespace, so those outputs are unset — with its files, and a route out of the tap in the tap's
// .network file. The inputs that replace a device come from the stack config.
import * as pulumi from "@pulumi/pulumi";
import { Bridge, NetworkdFiles, Route, TapInterface, VethPair } from "pulumi-tuntap";

const config = new pulumi.Config();
const directory = config.require("directory");

const tap = new TapInterface("tap", { name: "ndtap0", multiQueue: config.getBoolean("tapMultiQueue") ?? false, addresses: ["10.91.0.1/24"] });
const tapRoute = new Route("tap-route", { destination: "10.191.0.0/24", device: tap.name });
new NetworkdFiles("tap-files", { device: tap, directory, routes: [tapRoute] });

const tun = new TapInterface("tun", { name: "ndtun0", mode: config.get("tunMode") === "tap" ? "tap" : "tun", addresses: ["10.92.0.1/24"] });
new NetworkdFiles("tun-files", { device: tun, directory });

const bridge = new Bridge("bridge", { name: config.get("bridgeName") ?? "ndbr0", addresses: ["10.93.0.1/24"] });
new NetworkdFiles("bridge-files", { device: bridge, directory });

const pair = new VethPair("pair", { name: config.get("pairName") ?? "ndv0", bridge: bridge.name, peer: { name: "ndv0p" } });
new NetworkdFiles("pair-files", { device: pair, directory });
