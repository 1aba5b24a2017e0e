// The TapPool provider is this module's whole export, the package subpath "pulumi-tuntap/providers/tapPool".
// Each TapPool's state records it as a `require` of that subpath when the package is installed
// (../../lifecycle/dynamicResource.ts); the shim loads the implementation (../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/** The TapPool dynamic provider; `TapPool` resources use it for you. */
const tapPoolProvider: pulumi.dynamic.ResourceProvider = providerShim("tapPool");
export = tapPoolProvider;
