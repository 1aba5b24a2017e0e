// A host's own network, kept in a repository and applied by CI on that host (see README.md and pipeline.sh): a
// bridge with the address of the host's lab subnet and a tap on it for a VM, owned by the user the VMs run as.
// Config (all optional): bridgeName (default "hostbr0"), address (default "10.42.0.1/24"), tapName (default
// "hosttap0"), owner (default "nobody"), mtu (default 1500).
import * as pulumi from "@pulumi/pulumi";
import { Bridge, TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();
const mtu = config.getNumber("mtu") ?? 1500;

const bridge = new Bridge("bridge", { name: config.get("bridgeName") ?? "hostbr0", addresses: [config.get("address") ?? "10.42.0.1/24"], mtu, up: true });
const tap = new TapInterface("vm-tap", {
  name: config.get("tapName") ?? "hosttap0",
  owner: config.get("owner") ?? "nobody",
  bridge: bridge.name,
  mtu,
  up: true,
});

export const bridgeName = bridge.name;
export const tapName = tap.name;
