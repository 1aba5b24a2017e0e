// The providers this package's resource classes record in the state, as the package subpath
// "pulumi-tuntap/classProviders" and a kind (dynamicResource.ts): each kind's provider (its shim, providerShim.ts)
// recording its outputs in two parts, which the classes read (recordedOutputs.ts). The providers exported by name
// keep every output at the top, for programs that build their own `pulumi.dynamic.Resource` on one or call it
// directly.
import type { ResourceImplementation } from "./provider";
import { providerShim } from "./providerShim";
import { recordingInTwoParts } from "./recordedOutputs";

const providers = new Map<string, ResourceImplementation>();

/** The provider for the class of `kind`, the kind's folder under provider/resources. */
export function of(kind: string): ResourceImplementation {
  let provider = providers.get(kind);
  if (provider === undefined) {
    provider = recordingInTwoParts(providerShim(kind));
    providers.set(kind, provider);
  }
  return provider;
}
