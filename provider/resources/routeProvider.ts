import type * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./providerShim";

/**
 * The Route dynamic provider. Call its check/diff/create/read/update/delete directly to manage routes without
 * a Pulumi program; `Route` resources use it for you.
 */
export const routeProvider: pulumi.dynamic.ResourceProvider = providerShim("route");
