// The provider objects Pulumi serializes into every resource's state: thin shims that load the real
// implementation when a method is called.
//
// Why: Pulumi's closure serializer turns the provider object into JavaScript text, which the dynamic-provider
// host compiles and runs later — for `destroy`, the text stored at the last create/update. A koffi library
// handle or a zod schema cannot be serialized, and a copy of the whole implementation frozen in the state
// would keep running old code forever.
//
// Each shim is the whole export of its module (tapInterfaceProvider.ts, …), published as the package subpath
// "pulumi-tuntap/providers/<kind>". When the package is installed under node_modules, the serializer finds
// the object among the installed modules' exports and records only `require("pulumi-tuntap/providers/<kind>")`
// (pulumi/pulumi sdk/nodejs/runtime/closure/createClosure.ts: findNormalizedModuleNameAsync, captureModuleAsync):
// about 270 bytes where the shim's text is 3.3 KB, in both the inputs and the outputs of every resource, and
// the engine rewrites the whole state after each step. Loaded from elsewhere (a program inside this
// repository, a package linked with `npm install <folder>`), the shim itself is serialized: it captures only
// two strings and one small function, and loads the implementation of the installed package (by name first,
// so an upgraded package takes over; by the path it was loaded from otherwise).
import type * as pulumi from "@pulumi/pulumi";
import type { Implementation } from "../resources/implementation";

type ResourceKind = keyof Implementation;

const implementationPath: string = require.resolve("../resources/implementation");

function loadImplementation(): Implementation {
  // Cached per process, on a global: the serializer rebuilds captured scopes on every call, so a captured
  // variable could not hold it, and a failed package look-up on every call costs a filesystem walk.
  const cache = globalThis as { [key: symbol]: Implementation | undefined };
  const key = Symbol.for("pulumi-tuntap/implementation");
  const cached = cache[key];
  if (cached !== undefined) return cached;
  let loaded: Implementation;
  try {
    loaded = require("pulumi-tuntap/implementation");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code !== "MODULE_NOT_FOUND" && code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw error;
    loaded = require(implementationPath);
  }
  cache[key] = loaded;
  return loaded;
}

export function providerShim(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  return {
    check: (olds, news) => loadImplementation()[kind].check(olds, news),
    diff: (id, olds, news) => loadImplementation()[kind].diff(id, olds, news),
    create: (inputs) => loadImplementation()[kind].create(inputs),
    read: (id, props) => loadImplementation()[kind].read(id, props),
    update: (id, olds, news) => loadImplementation()[kind].update(id, olds, news),
    delete: (id, props) => loadImplementation()[kind].delete(id, props),
  };
}
