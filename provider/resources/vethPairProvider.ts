import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./providerShim";

/** The VethPair dynamic provider; `VethPair` resources use it, and tests and tools may call it directly. */
export const vethPairProvider: pulumi.dynamic.ResourceProvider = providerShim("vethPair");
