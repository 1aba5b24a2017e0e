// From a registration's goal to the engine's view of it: the new state, and the resource options that shape
// a diff (ignoreChanges, replaceOnChanges), plus how a check failure prints a value.
import type { DiffResult } from "../providerHost/types";
import type { Goal } from "../services/resourceMonitor";
import { plainValue, type Properties, type Value } from "../wire/properties";
import type { ResourceState } from "./state";

export function newState(goal: Goal, urn: string, old: ResourceState | undefined): ResourceState {
  const state: ResourceState = {
    urn,
    type: goal.type,
    custom: goal.custom,
    id: "",
    inputs: goal.properties,
    outputs: {},
    parent: goal.parent,
    dependencies: goal.dependencies,
    propertyDependencies: goal.propertyDependencies,
    provider: goal.provider,
    delete: false,
    pendingReplacement: false,
    protect: goal.protect ?? false,
    ignoreChanges: goal.ignoreChanges,
    replaceOnChanges: goal.replaceOnChanges,
    additionalSecretOutputs: goal.additionalSecretOutputs,
    initErrors: [],
  };
  if (old?.created !== undefined) state.created = old.created;
  if (old?.modified !== undefined) state.modified = old.modified;
  return state;
}

/** processIgnoreChanges, for top-level property names (the paths our resources would use). */
export function withIgnoredChanges(inputs: Properties, oldInputs: Properties, ignoreChanges: readonly string[]): Properties {
  const result: Properties = { ...inputs };
  for (const path of ignoreChanges) {
    if (path.includes(".") || path.includes("[")) throw new Error(`ignoreChanges path ${path}: only top-level properties are supported by this engine stand-in`);
    const old = oldInputs[path];
    if (old === undefined) delete result[path];
    else result[path] = old;
  }
  return result;
}

/**
 * applyReplaceOnChanges: changed keys under a replaceOnChanges path become replacement reasons. The Node
 * host reports no changed keys, so this can only ever apply to providers that do.
 */
export function applyReplaceOnChanges(diff: DiffResult, replaceOnChanges: readonly string[]): DiffResult {
  if (diff.changes !== "some" || replaceOnChanges.length === 0) return diff;
  const matches = (key: string) => replaceOnChanges.some((path) => path === "*" || path === key || key.startsWith(`${path}.`) || key.startsWith(`${path}[`));
  const replaces = new Set([...diff.replaces, ...diff.changedKeys.filter(matches)]);
  return { ...diff, replaces: [...replaces] };
}

export function nameOf(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

export function formatValue(value: Value | undefined): string {
  if (value === undefined) return "<nil>";
  const plain = plainValue(value);
  return typeof plain === "string" ? plain : JSON.stringify(plain);
}
