import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./providerShim";

/** The NetworkNamespace dynamic provider; `NetworkNamespace` resources use it, and tests and tools may call it directly. */
export const networkNamespaceProvider: pulumi.dynamic.ResourceProvider = providerShim("networkNamespace");
