// The NetworkNamespace provider is this module's whole export, the package subpath "pulumi-tuntap/providers/networkNamespace".
// Each NetworkNamespace's state records it as a `require` of that subpath when the package is installed
// (../../lifecycle/dynamicResource.ts); the shim loads the implementation (../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/** The NetworkNamespace dynamic provider; `NetworkNamespace` resources use it, and tests and tools may call it directly. */
const networkNamespaceProvider: pulumi.dynamic.ResourceProvider = providerShim("networkNamespace");
export = networkNamespaceProvider;
