// A kind's model (zod schemas, check, diff) is exported with its class, but a program needs only the classes: the
// model is the provider's. Loading it with the package took ~100 ms of every `pulumi up` and `preview` before the
// program's first resource (zod alone ~50 ms; the classes, all of them, ~5 ms), so each kind's index defines the
// model's exports as getters that load it at first use, as Pulumi's generated SDKs do for their resources
// (pkg/codegen/nodejs: utilities.lazyLoad). The names are listed beside their declarations in the index.

/**
 * Defines each of `names` on `target` (a module's exports) as a getter of that export of `load()`. `names` must be
 * all of the module's exports: the compiler names any that is missing.
 */
export function exportLazily<Module extends object, const Names extends readonly (keyof Module & string)[]>(
  target: object,
  load: () => Module,
  names: Names & ([Exclude<keyof Module, Names[number]>] extends [never] ? unknown : { missing: Exclude<keyof Module, Names[number]> }),
): void {
  let loaded: Module | undefined;
  for (const name of names) {
    Object.defineProperty(target, name, {
      enumerable: true,
      get: () => {
        loaded ??= load();
        return loaded[name];
      },
    });
  }
}
