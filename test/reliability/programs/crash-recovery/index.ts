// 100 taps, each with an MTU, an address and an alias, so that a device taken back after a crash has to be
// configured as well as found. The provider host is killed in the middle of the `up` of this program.
import * as pulumi from "@pulumi/pulumi";
import { TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 100;
const mtu = config.getNumber("mtu") ?? 1400;
/** A name template such as "ct%d" for every tap instead of fixed names: the kernel then picks the numbers. */
const nameTemplate = config.get("nameTemplate");

const taps = Array.from(
  { length: count },
  (_, index) =>
    new TapInterface(`tap-${index}`, {
      name: nameTemplate ?? `cr${index}`,
      mtu,
      addresses: [`10.${64 + Math.floor(index / 256)}.${index % 256}.1/24`],
      description: `crash recovery ${index}`,
      up: true,
    }),
);

export const names = taps.map((tap) => tap.name);
