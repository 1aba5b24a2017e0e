// The `__provider` input of a dynamic resource, made exactly as `pulumi.dynamic.Resource` makes it
// (@pulumi/pulumi dynamic/index.js serializeFunctionMaybeSecret): the SDK's closure serializer applied to
// `() => provider`, which the host later compiles and calls `.handler()` on. Our resource classes record a
// shorter text of the same shape (provider/lifecycle/dynamicResource.ts); this is the form states written by
// earlier versions hold, and any dynamic provider's, so the host is driven here with the most general one.
import type * as pulumi from "@pulumi/pulumi";
import { serializeFunction } from "@pulumi/pulumi/runtime/closure/serializeClosure";

export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const serialized = await serializeFunction(() => provider, { allowSecrets: true });
  if (serialized.containsSecrets) throw new Error("the provider captured a secret: its serialized text would have to be stored as a secret");
  return serialized.text;
}
