// The dynamic-provider methods of every link resource, from its LinkKind. Each reads the same way: validate →
// one call into the lifecycle → the state as Pulumi records it.
import type * as pulumi from "@pulumi/pulumi";
import { type Named, namedSpec, type Properties, PROVIDER_KEY } from "../model";
import { PartialCreateError } from "./errors";
import { validated } from "./validated";
import type { LinkInputs, LinkKind } from "../links/linkKind";
import { createLink, deleteLink, readLink, updateLink } from "./lifecycle";

/** A provider whose every lifecycle method is there, as the serialized shims call them. */
export type ResourceImplementation = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">>;

export function linkProvider<Inputs extends LinkInputs, State extends object>(kind: LinkKind<Inputs, State>): ResourceImplementation {
  return {
    async check(olds: Properties, news: Properties): Promise<pulumi.dynamic.CheckResult> {
      const outcome = kind.check(olds, news);
      return { inputs: outcome.inputs, failures: outcome.failures.length > 0 ? outcome.failures : kind.hostFailures(outcome.inputs) };
    },

    async diff(id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.DiffResult> {
      return kind.diff(id, olds, news);
    },

    async create(inputs: Properties): Promise<pulumi.dynamic.CreateResult> {
      const spec = validatedLink(kind, inputs, `create ${kind.resource}`);
      const created = recordingProviderOnPartialFailure(inputs, () => createLink(kind, spec));
      return { id: created.id, outs: created.state };
    },

    async read(id: string, props: Properties): Promise<pulumi.dynamic.ReadResult> {
      const state = readLink(kind, id, props);
      return state === undefined ? {} : { id, props: state };
    },

    async update(id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.UpdateResult> {
      // Called without check, inputs may lack the name: it is then the one the device was created under.
      const spec = validatedLink(kind, { ...news, name: news.name ?? id }, `update ${id}`);
      return { outs: updateLink(kind, id, olds, spec) };
    },

    delete: deleteLink,
  };
}

/** The checked inputs of this kind, or an InvalidInputsError listing every failure (see validated.ts). */
function validatedLink<Inputs extends LinkInputs, State extends object>(kind: LinkKind<Inputs, State>, inputs: Properties, operation: string): Named<Inputs> {
  const outcome = kind.check({}, inputs);
  return validated(outcome, operation, namedSpec, () => kind.hostFailures(outcome.inputs));
}

/**
 * Runs a create and, when it ends in a PartialCreateError, adds the serialized provider to the properties
 * the engine will record: the dynamic-provider host finds the code for later reads and deletes there.
 */
export function recordingProviderOnPartialFailure<T>(inputs: Properties, create: () => T): T {
  try {
    return create();
  } catch (error) {
    if (error instanceof PartialCreateError && inputs[PROVIDER_KEY] !== undefined) error.properties[PROVIDER_KEY] = inputs[PROVIDER_KEY];
    throw error;
  }
}
