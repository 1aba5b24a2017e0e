// The Vxlan provider is this module's whole export, the package subpath "pulumi-tuntap/providers/vxlan".
// Each Vxlan's state records it as a `require` of that subpath when the package is installed
// (../../lifecycle/dynamicResource.ts); the shim loads the implementation (../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/** The Vxlan dynamic provider; `Vxlan` resources use it, and tests and tools may call it directly. */
const vxlanProvider: pulumi.dynamic.ResourceProvider = providerShim("vxlan");
export = vxlanProvider;
