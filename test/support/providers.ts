// Calling the dynamic providers directly, as the engine would: check first, then the lifecycle method.
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";

type Properties = Record<string, unknown>;

/** Runs check and insists it passed; returns the checked inputs the engine would pass on. */
export async function checked(provider: pulumi.dynamic.ResourceProvider, news: Properties, olds: Properties = {}): Promise<Properties> {
  const result = await provider.check?.(olds, news);
  assert.deepEqual(result?.failures ?? [], [], "check passes");
  return result?.inputs as Properties;
}

/** Runs check and returns its failures as "property: reason" lines. */
export async function failuresOf(provider: pulumi.dynamic.ResourceProvider, news: Properties): Promise<string[]> {
  const result = await provider.check?.({}, news);
  return (result?.failures ?? []).map((failure) => `${failure.property}: ${failure.reason}`);
}

export interface Created {
  id: string;
  outs: Properties;
}

/** check + create, as `pulumi up` does for a new resource. */
export async function create(provider: pulumi.dynamic.ResourceProvider, news: Properties): Promise<Created> {
  const inputs = await checked(provider, news);
  const result = await provider.create(inputs);
  return { id: result.id, outs: result.outs as Properties };
}

/** check + diff + update, as `pulumi up` does for an in-place change; returns the new outputs. */
export async function update(provider: pulumi.dynamic.ResourceProvider, current: Created, news: Properties, oldInputs: Properties = {}): Promise<Properties> {
  const inputs = await checked(provider, news, oldInputs);
  const diff = await provider.diff?.(current.id, current.outs, inputs);
  assert.equal(diff?.changes, true, "diff reports a change");
  assert.deepEqual(diff?.replaces ?? [], [], "the change is in place");
  const result = await provider.update?.(current.id, current.outs, inputs);
  return result?.outs as Properties;
}
