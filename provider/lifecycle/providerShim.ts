// The provider objects each resource's state names: thin shims that load the real implementation when a method
// is first called.
//
// Why: the dynamic-provider host runs the provider a state names — for `destroy`, the one recorded at the last
// create or update. A state must name code, not hold a copy of it: a koffi library handle or a zod schema cannot
// be serialized, and a frozen copy of the implementation would keep running old code forever. So each shim is
// the whole export of its kind's provider.ts, published as the package subpath "pulumi-tuntap/providers/<kind>",
// and the state records a `require` of it (dynamicResource.ts). Loading the shim costs nothing; the
// implementation (koffi, the kernel calls, the kind's hooks; zod and the kind's schema at its first check) is
// loaded by the first call.
//
// A shim stays serializable by Pulumi's closure serializer, as `pulumi.dynamic.Resource` records a provider (a
// program's own dynamic resource built on one, states written by earlier versions of this package): then the
// text is the shim's closure, which captures only two strings and two small functions, and loads its kind's
// implementation (kind.ts, the subpath "pulumi-tuntap/implementation/<kind>") of the installed package by name
// first, so an upgraded package takes over; by the path it was loaded from otherwise.
import type { ResourceImplementation } from "./provider";

/** The shim of one kind: `kind` is its folder's name under provider/resources, and its subpath's. */
export function providerShim(kind: string): ResourceImplementation {
  const implementationPath: string = require.resolve(`../resources/${kind}/kind`);
  const implementation = () => loadImplementation(kind, implementationPath);
  return {
    check: (olds, news) => implementation().check(olds, news),
    diff: (id, olds, news) => implementation().diff(id, olds, news),
    create: (inputs) => implementation().create(inputs),
    read: (id, props) => implementation().read(id, props),
    update: (id, olds, news) => implementation().update(id, olds, news),
    delete: (id, props) => implementation().delete(id, props),
  };
}

function loadImplementation(kind: string, implementationPath: string): ResourceImplementation {
  // Cached per process, on a global: the serializer rebuilds captured scopes on every call, so a captured
  // variable could not hold it, and a failed package look-up on every call costs a filesystem walk.
  const cache = globalThis as { [key: symbol]: ResourceImplementation | undefined };
  const key = Symbol.for(`pulumi-tuntap/implementation/${kind}`);
  const cached = cache[key];
  if (cached !== undefined) return cached;
  enableCompileCache();
  let loaded: { implementation: ResourceImplementation };
  try {
    loaded = require(`pulumi-tuntap/implementation/${kind}`);
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code !== "MODULE_NOT_FOUND" && code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw error;
    loaded = require(implementationPath);
  }
  cache[key] = loaded.implementation;
  return loaded.implementation;
}

/**
 * The first call of every command loads the implementation (koffi and ours, ~50 modules; a check adds zod with
 * its locales, ~95 more). Node's compile cache keeps their compiled code between commands: ~25 ms less per command.
 * It caches what this process loads from now on (Node ≥ 22.1, `module.enableCompileCache()`), in the
 * directory NODE_COMPILE_CACHE names, else `node-compile-cache` under the OS's temporary directory;
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
function enableCompileCache(): void {
  const nodeModule = require("node:module") as { enableCompileCache?: () => unknown };
  nodeModule.enableCompileCache?.();
}
