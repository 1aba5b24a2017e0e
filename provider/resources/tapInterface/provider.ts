// The TapInterface provider is this module's whole export, the package subpath "pulumi-tuntap/providers/tapInterface".
// Each TapInterface's state records it as a `require` of that subpath when the package is installed
// (../../lifecycle/dynamicResource.ts); the shim loads the implementation (../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/**
 * The TapInterface dynamic provider. Call its check/diff/create/read/update/delete directly to manage
 * devices without a Pulumi program; `TapInterface` resources use it for you.
 */
const tapInterfaceProvider: pulumi.dynamic.ResourceProvider = providerShim("tapInterface");
export = tapInterfaceProvider;
