// The TapPool provider is this module's whole export: installed under node_modules, Pulumi's closure serializer
// records it in the state as `require("pulumi-tuntap/providers/tapPool")` (see ../../lifecycle/providerShim.ts).
import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../lifecycle/providerShim";

/** The TapPool dynamic provider; `TapPool` resources use it for you. */
const tapPoolProvider: pulumi.dynamic.ResourceProvider = providerShim("tapPool");
export = tapPoolProvider;
