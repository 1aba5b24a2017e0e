// The classic tutorial, declared:
//   modprobe tun
//   tunctl -t tap0 -u root
//   ifconfig tap0 192.168.0.1 netmask 255.255.255.0 promisc
// tap0, owned by root, on an isolated static subnet that VirtualBox or QEMU guests can be bridged onto.
import * as pulumi from "@pulumi/pulumi";
import { TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();

const tap0 = new TapInterface("lab", {
  name: config.get("name") ?? "tap0",
  mode: "tap",
  owner: config.get("owner") ?? "root",
  mtu: config.getNumber("mtu") ?? 1500,
  addresses: [config.get("address") ?? "192.168.0.1/24"],
  promiscuous: true,
  up: true,
});

export const name = tap0.name;
export const ifindex = tap0.ifindex;
export const macAddress = tap0.macAddress;
export const addresses = tap0.addresses;
