// The Masquerade provider is this module's whole export, the package subpath "pulumi-tuntap/providers/masquerade".
// Each Masquerade's state records it as a `require` of that subpath when the package is installed
// (../../lifecycle/dynamicResource.ts); the shim loads the implementation (../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/**
 * The Masquerade dynamic provider. Call its check/diff/create/read/update/delete directly to manage a lab's NAT
 * table without a Pulumi program; `Masquerade` resources use it for you.
 */
const masqueradeProvider: pulumi.dynamic.ResourceProvider = providerShim("masquerade");
export = masqueradeProvider;
