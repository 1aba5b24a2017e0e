// The Bridge provider is this module's whole export, the package subpath "pulumi-tuntap/providers/bridge".
// Each Bridge's state records it as a `require` of that subpath when the package is installed
// (../../lifecycle/dynamicResource.ts); the shim loads the implementation (../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/** The Bridge dynamic provider; `Bridge` resources use it, and tests and tools may call it directly. */
const bridgeProvider: pulumi.dynamic.ResourceProvider = providerShim("bridge");
export = bridgeProvider;
