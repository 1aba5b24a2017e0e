// The Masquerade provider is this module's whole export: installed under node_modules, Pulumi's closure
// serializer then records it in each resource's state as `require("pulumi-tuntap/providers/masquerade")`
// instead of the shim's text (see ../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/**
 * The Masquerade dynamic provider. Call its check/diff/create/read/update/delete directly to manage a lab's NAT
 * table without a Pulumi program; `Masquerade` resources use it for you.
 */
const masqueradeProvider: pulumi.dynamic.ResourceProvider = providerShim("masquerade");
export = masqueradeProvider;
