// The Route provider is this module's whole export, the package subpath "pulumi-tuntap/providers/route".
// Each Route's state records it as a `require` of that subpath when the package is installed
// (../../lifecycle/dynamicResource.ts); the shim loads the implementation (../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/**
 * The Route dynamic provider. Call its check/diff/create/read/update/delete directly to manage routes without
 * a Pulumi program; `Route` resources use it for you.
 */
const routeProvider: pulumi.dynamic.ResourceProvider = providerShim("route");
export = routeProvider;
