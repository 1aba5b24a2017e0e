// Devices to change behind the stack's back with `ip`: a bridge with a tap in it, a tap with IPv4 and IPv6
// addresses and every setting declared, a plain tap, and a bridge of its own. Config changes that touch one
// device only (victimMtu, loneMtu) show that a refusal changes nothing else; adoptVictim is the documented way
// to manage a device someone else made.
import * as pulumi from "@pulumi/pulumi";
import { Bridge, TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();
const mtu = config.getNumber("mtu") ?? 1400;

const lab = new Bridge("lab", { name: "bob-br0", mtu, addresses: ["10.70.0.1/24"], description: "lab bridge" });
const plain = new TapInterface("plain", {
  name: "bob-tap0",
  mtu,
  addresses: ["10.71.0.1/24", "fd71::1/64"],
  up: true,
  promiscuous: false,
  txQueueLength: 500,
  description: "plain tap",
});
const port = new TapInterface("port", { name: "bob-tap1", mtu, bridge: lab.name, up: true });
const victim = new TapInterface("victim", {
  name: "bob-tap2",
  mtu: config.getNumber("victimMtu") ?? mtu,
  addresses: ["10.72.0.1/24"],
  adopt: config.getBoolean("adoptVictim") ?? false,
});
const lone = new Bridge("lone", { name: "bob-br1", mtu: config.getNumber("loneMtu") ?? mtu, addresses: ["10.73.0.1/24"] });

export const names = [lab.name, plain.name, port.name, victim.name, lone.name];
