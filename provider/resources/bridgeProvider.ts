import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./providerShim";

/** The Bridge dynamic provider; `Bridge` resources use it, and tests and tools may call it directly. */
export const bridgeProvider: pulumi.dynamic.ResourceProvider = providerShim("bridge");
