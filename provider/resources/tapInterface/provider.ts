// The TapInterface provider is this module's whole export: installed under node_modules, Pulumi's closure
// serializer then records it in each resource's state as `require("pulumi-tuntap/providers/tapInterface")`
// instead of the shim's text (see ../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/**
 * The TapInterface dynamic provider. Call its check/diff/create/read/update/delete directly to manage
 * devices without a Pulumi program; `TapInterface` resources use it for you.
 */
const tapInterfaceProvider: pulumi.dynamic.ResourceProvider = providerShim("tapInterface");
export = tapInterfaceProvider;
