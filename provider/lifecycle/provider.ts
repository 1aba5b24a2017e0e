// The dynamic-provider methods of every kind, from its hooks. Each reads the same way: validate → one call into
// the lifecycle → the state as Pulumi records it.
import type * as pulumi from "@pulumi/pulumi";
import { KernelError } from "../kernel/errors";
import type { Properties } from "../model/check";
import type { DiffOutcome } from "../model/linkDiff";
import { PROVIDER_KEY } from "../model/providerKey";
import { PartialCreateError } from "./errors";
import type { Ownership, ResourceKind } from "./kind";
import { Lifecycle } from "./lifecycle";
import { withoutNulls, withUnsetAsNull } from "./unsetOutputs";
import { validated } from "./validated";

/** A provider whose every lifecycle method is there, as the serialized shims call them. */
export type ResourceImplementation = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">>;

export function resourceProvider<Spec extends Ownership, Recorded extends object, Found, State extends object>(
  kind: ResourceKind<Spec, Recorded, Found, State>,
): ResourceImplementation {
  const lifecycle = new Lifecycle(kind);
  const recorded = (state: State): Properties => withUnsetAsNull(state, kind.unsetOutputs ?? []);
  /** The checked inputs as a complete spec, or an InvalidInputsError listing every failure (see validated.ts). */
  const validatedSpec = (inputs: Properties, operation: string): Spec => {
    const outcome = kind.check({}, inputs);
    return validated(outcome, operation, (checked) => kind.specOf(checked), () => kind.hostFailures?.(outcome.inputs) ?? []);
  };
  return {
    async check(olds: Properties, news: Properties): Promise<pulumi.dynamic.CheckResult> {
      const outcome = kind.check(olds, news);
      return { inputs: outcome.inputs, failures: outcome.failures.length > 0 ? outcome.failures : (kind.hostFailures?.(outcome.inputs) ?? []) };
    },

    async diff(id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.DiffResult> {
      return diffWithHost(kind, id, withoutNulls(olds), news);
    },

    async create(inputs: Properties): Promise<pulumi.dynamic.CreateResult> {
      const spec = validatedSpec(inputs, `create ${kind.type}`);
      const created = await recordingProviderOnPartialFailure(inputs, () => lifecycle.create(spec));
      return { id: created.id, outs: recorded(created.state) };
    },

    async read(id: string, props: Properties): Promise<pulumi.dynamic.ReadResult> {
      const state = lifecycle.read(id, withoutNulls(props));
      return state === undefined ? {} : { id, props: recorded(state) };
    },

    async update(id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.UpdateResult> {
      // Called without check, inputs may lack the name: it is then the one the object was created under.
      const inputs = kind.namedById === true ? { ...news, name: news.name ?? id } : news;
      return { outs: recorded(lifecycle.update(id, withoutNulls(olds), validatedSpec(inputs, `update ${kind.subject(id)}`))) };
    },

    async delete(id: string, props: Properties): Promise<void> {
      await lifecycle.delete(id, withoutNulls(props));
    },
  };
}

/**
 * The kind's diff of the inputs, and, when that finds nothing to change, what the kernel undid on its own since
 * the state was recorded (see ResourceKind.undoneByKernel). The diff adds only what it can see: a look the
 * kernel refuses (a preview run without the privilege to enter a network namespace) leaves it to the inputs.
 */
function diffWithHost<Spec extends Ownership, Recorded extends object, Found, State extends object>(
  kind: ResourceKind<Spec, Recorded, Found, State>,
  id: string,
  olds: Properties,
  news: Properties,
): DiffOutcome {
  const outcome = kind.diff(id, olds, news);
  if (outcome.changes || kind.undoneByKernel === undefined) return outcome;
  try {
    return kind.undoneByKernel(id, olds, news).length > 0 ? { ...outcome, changes: true } : outcome;
  } catch (error) {
    if (error instanceof KernelError) return outcome;
    throw error;
  }
}

/**
 * Runs a create and, when it ends in a PartialCreateError, adds the serialized provider to the properties the
 * engine will record: the dynamic-provider host finds the code for later reads and deletes there.
 */
async function recordingProviderOnPartialFailure<T>(inputs: Properties, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (error instanceof PartialCreateError && inputs[PROVIDER_KEY] !== undefined) error.properties[PROVIDER_KEY] = inputs[PROVIDER_KEY];
    throw error;
  }
}
