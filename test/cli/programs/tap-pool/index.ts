// A pool of `count` taps tp<i> under keys vm-<i>, each with its own IPv4 address; `ipv6Index` gives that device
// an IPv6 address too (the test makes the kernel refuse it, to fail an update halfway).
// Config: count (default 3), mtu (default 1400), ipv6Index (none by default).
import * as pulumi from "@pulumi/pulumi";
import { TapPool } from "pulumi-tuntap";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 3;
const mtu = config.getNumber("mtu") ?? 1400;
const ipv6Index = config.getNumber("ipv6Index");

const devices = Object.fromEntries(
  Array.from({ length: count }, (_, index) => [
    `vm-${index}`,
    { name: `tp${index}`, owner: 1000, addresses: index === ipv6Index ? [`10.9.${index}.1/24`, `fd00:9::${index + 1}/64`] : [`10.9.${index}.1/24`] },
  ]),
);
const pool = new TapPool("fc", { template: { mtu }, devices });

export const names = pool.devices.apply((found) => Object.values(found).map((device) => device.name));
export const firstMac = pool.device("vm-0").apply((device) => device?.macAddress);
