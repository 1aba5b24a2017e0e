// Three taps whose settings come from the stack config, so that a test can change one property at a time:
// "alpha" for in-place changes and replacements, "beta" for drift and --target, "gamma" with ignoreChanges on
// its MTU.
import * as pulumi from "@pulumi/pulumi";
import { TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();

const alpha = new TapInterface("alpha", {
  name: "wfa0",
  mode: config.get("alphaMode") === "tun" ? "tun" : "tap",
  mtu: config.getNumber("alphaMtu") ?? 1400,
  addresses: ["10.77.1.1/24"],
});

const beta = new TapInterface("beta", { name: "wfb0", mtu: config.getNumber("betaMtu") ?? 1400 });

const gamma = new TapInterface("gamma", { name: "wfc0", mtu: config.getNumber("gammaMtu") ?? 1400 }, { ignoreChanges: ["mtu"] });

export const mtus = { alpha: alpha.mtu, beta: beta.mtu, gamma: gamma.mtu };
