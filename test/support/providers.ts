// Calling the dynamic providers directly, as the engine would: check first, then the lifecycle method. Every
// create and update made through these helpers must converge: see assertConverged.
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import type { Properties } from "pulumi-tuntap/model";

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

/**
 * The rule every create and update keeps: it converges in one run. A diff of the same inputs reports no change,
 * both against the outputs the operation returned and against what a read finds on the host right after, so
 * that the next `pulumi up` of an unchanged program does nothing (whatever the kernel did on its own meanwhile).
 */
export async function assertConverged(provider: pulumi.dynamic.ResourceProvider, id: string, outs: Properties, inputs: Properties, what: string): Promise<void> {
  const againstOutputs = await provider.diff?.(id, outs, inputs);
  assert.equal(againstOutputs?.changes, false, `${what}: a diff of the same inputs against its outputs reports no change: ${JSON.stringify(againstOutputs)}`);
  const read = await provider.read?.(id, outs);
  assert.equal(read?.id, id, `${what}: a read right after finds it`);
  const againstHost = await provider.diff?.(id, read?.props as Properties, inputs);
  assert.equal(againstHost?.changes, false, `${what}: a diff of the same inputs against a fresh read reports no change: ${JSON.stringify(againstHost)}`);
}

export interface Created {
  id: string;
  outs: Properties;
}

/** check + create, as `pulumi up` does for a new resource; the result must converge. */
export async function create(provider: pulumi.dynamic.ResourceProvider, news: Properties): Promise<Created> {
  const inputs = await checked(provider, news);
  const result = await provider.create(inputs);
  const created = { id: result.id, outs: result.outs as Properties };
  await assertConverged(provider, created.id, created.outs, inputs, `create ${created.id}`);
  return created;
}

/** check + diff + update, as `pulumi up` does for an in-place change; returns the new outputs, which must converge. */
export async function update(provider: pulumi.dynamic.ResourceProvider, current: Created, news: Properties, oldInputs: Properties = {}): Promise<Properties> {
  const inputs = await checked(provider, news, oldInputs);
  const diff = await provider.diff?.(current.id, current.outs, inputs);
  assert.equal(diff?.changes, true, "diff reports a change");
  assert.deepEqual(diff?.replaces ?? [], [], "the change is in place");
  const result = await provider.update?.(current.id, current.outs, inputs);
  const outs = result?.outs as Properties;
  await assertConverged(provider, current.id, outs, inputs, `update ${current.id}`);
  return outs;
}
