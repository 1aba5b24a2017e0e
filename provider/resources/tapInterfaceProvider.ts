import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./providerShim";

/**
 * The TapInterface dynamic provider. Call its check/diff/create/read/update/delete directly to manage
 * devices without a Pulumi program; `TapInterface` resources use it for you.
 */
export const tapInterfaceProvider: pulumi.dynamic.ResourceProvider = providerShim("tapInterface");
