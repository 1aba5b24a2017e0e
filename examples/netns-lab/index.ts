// Two network namespaces joined to a bridge by veth pairs, each with an address and a default route via the
// bridge: the shape of a container host's network (docker0, a CNI bridge), declared. What it replaces:
//   ip link add nslabbr type bridge; ip addr add 10.20.0.1/24 dev nslabbr; ip link set nslabbr up
//   ip netns add nslab-a
//   ip link add nslab-a0 type veth peer name eth0 netns nslab-a
//   ip link set nslab-a0 master nslabbr up
//   ip -n nslab-a addr add 10.20.0.2/24 dev eth0; ip -n nslab-a link set eth0 up; ip -n nslab-a link set lo up
//   ip -n nslab-a route add default via 10.20.0.1
//   … and the same for nslab-b with 10.20.0.3.
// Config (all optional):
//   prefix   of every name (default "nslab")
//   subnet   the lab's IPv4 /24, as its first three octets (default "10.20.0")
//   mtu      of the bridge and both ends of every pair (default 1500)
import * as pulumi from "@pulumi/pulumi";
import { netnsLab } from "./lab";

const config = new pulumi.Config();

const lab = netnsLab({
  prefix: config.get("prefix") ?? "nslab",
  members: ["a", "b"],
  subnetPrefix: config.get("subnet") ?? "10.20.0",
  mtu: config.getNumber("mtu") ?? 1500,
});

export const bridge = lab.bridge.name;
export const gateway = lab.gateway;
export const namespaces = lab.members.map((member) => member.namespace.name);
export const addresses = lab.members.map((member) => member.address);
export const hostEnds = lab.members.map((member) => member.pair.name);
