// The Route provider is this module's whole export: installed under node_modules, Pulumi's closure
// serializer then records it in each resource's state as `require("pulumi-tuntap/providers/route")`
// instead of the shim's text (see ../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/**
 * The Route dynamic provider. Call its check/diff/create/read/update/delete directly to manage routes without
 * a Pulumi program; `Route` resources use it for you.
 */
const routeProvider: pulumi.dynamic.ResourceProvider = providerShim("route");
export = routeProvider;
