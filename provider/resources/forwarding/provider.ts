// The Forwarding provider is this module's whole export, the package subpath "pulumi-tuntap/providers/forwarding".
// Each Forwarding's state records it as a `require` of that subpath when the package is installed
// (../../lifecycle/dynamicResource.ts); the shim loads the implementation (../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/**
 * The Forwarding dynamic provider. Call its check/diff/create/read/update/delete directly to turn IP forwarding on
 * without a Pulumi program; `Forwarding` resources use it for you.
 */
const forwardingProvider: pulumi.dynamic.ResourceProvider = providerShim("forwarding");
export = forwardingProvider;
