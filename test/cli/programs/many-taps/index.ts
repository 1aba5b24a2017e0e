// Many devices in one stack: the engine creates and deletes them in parallel (up to --parallel).
import * as pulumi from "@pulumi/pulumi";
import { TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 200;
const mtu = config.getNumber("mtu") ?? 1400;

const taps = Array.from({ length: count }, (_, index) => new TapInterface(`tap-${index}`, { name: `mt${index}`, mtu, up: true }));

export const names = taps.map((tap) => tap.name);
