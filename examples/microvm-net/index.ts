// microVM networking as Firecracker's network setup guide lays it out: one tap per microVM, each with its
// own /30 (host .1, guest .2), all carved from one base block. Runs with no config:
//   count      how many microVMs (default 2)
//   baseCidr   the IPv4 block to carve /30s from (default 172.16.0.0/24, room for 64)
//   tapPrefix  tap names are <tapPrefix><index> (default "fc-tap")
//   owner      user (name or uid) allowed to open the taps, e.g. the jailer's uid (default: none, root only)
//   pool       true: every tap in one TapPool, for hundreds of microVMs (default false: a TapInterface each)
import * as pulumi from "@pulumi/pulumi";
import { microVmNetwork } from "./network";

const config = new pulumi.Config();
const owner = config.get("owner");

const guests = microVmNetwork({
  count: config.getNumber("count") ?? 2,
  baseCidr: config.get("baseCidr") ?? "172.16.0.0/24",
  tapPrefix: config.get("tapPrefix") ?? "fc-tap",
  ...(owner === undefined ? {} : { owner: /^[0-9]+$/.test(owner) ? Number(owner) : owner }),
  pool: config.getBoolean("pool") ?? false,
});

/** Per microVM: the host tap, and the guest-side settings (address, gateway, MAC, kernel ip= argument). */
export const microVms = guests;
