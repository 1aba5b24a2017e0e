import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./providerShim";

/** The NetworkdFiles dynamic provider; `NetworkdFiles` resources use it, and tests and tools may call it directly. */
export const networkdFilesProvider: pulumi.dynamic.ResourceProvider = providerShim("networkdFiles");
