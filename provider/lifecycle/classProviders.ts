// The providers this package's resource classes record in the state, as the package subpath
// "pulumi-tuntap/classProviders" and a kind (dynamicResource.ts): each kind's provider (its shim, providerShim.ts)
// recording its outputs in two parts, which the classes read (recordedOutputs.ts); a class names the outputs it
// has recorded as JSON text (a pool's devices) in the same line. The providers exported by name
// keep every output at the top, for programs that build their own `pulumi.dynamic.Resource` on one or call it
// directly.
import type { ResourceImplementation } from "./provider";
import { providerShim } from "./providerShim";
import { recordingInTwoParts } from "./recordedOutputs";

const providers = new Map<string, ResourceImplementation>();

/** The provider for the class of `kind`, the kind's folder under provider/resources, recording `asText` as text. */
export function of(kind: string, asText: readonly string[] = []): ResourceImplementation {
  const key = JSON.stringify([kind, asText]);
  let provider = providers.get(key);
  if (provider === undefined) {
    provider = recordingInTwoParts(providerShim(kind), asText);
    providers.set(key, provider);
  }
  return provider;
}
