// The Forwarding provider is this module's whole export: installed under node_modules, Pulumi's closure
// serializer then records it in each resource's state as `require("pulumi-tuntap/providers/forwarding")`
// instead of the shim's text (see ../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/**
 * The Forwarding dynamic provider. Call its check/diff/create/read/update/delete directly to turn IP forwarding on
 * without a Pulumi program; `Forwarding` resources use it for you.
 */
const forwardingProvider: pulumi.dynamic.ResourceProvider = providerShim("forwarding");
export = forwardingProvider;
