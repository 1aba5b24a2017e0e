// The NetworkNamespace provider is this module's whole export: installed under node_modules, Pulumi's closure
// serializer then records it in each resource's state as `require("pulumi-tuntap/providers/networkNamespace")`
// instead of the shim's text (see ../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/** The NetworkNamespace dynamic provider; `NetworkNamespace` resources use it, and tests and tools may call it directly. */
const networkNamespaceProvider: pulumi.dynamic.ResourceProvider = providerShim("networkNamespace");
export = networkNamespaceProvider;
