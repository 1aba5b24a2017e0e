// The steps of a deployment (pkg/resource/deploy/step.go), for custom resources served by the dynamic
// provider, provider resources and component resources (the stack). A step does its provider work in
// `apply` and returns the function that answers the program's RegisterResource, if it has one; the step
// executor wraps it with the snapshot bookkeeping.
import { ProviderCallError } from "../providerHost/host";
import type { Properties } from "../wire/properties";
import { isProviderType, providerReference } from "../wire/urn";
import type { ProviderRegistry } from "./providerRegistry";
import type { ResourceState } from "./state";

export type StepOp = "same" | "create" | "update" | "replace" | "create-replacement" | "delete-replaced" | "delete" | "remove-pending-replace" | "refresh";

/** What answers a registration once its step is done. */
export interface Registration {
  done(state: ResourceState): void;
}

export interface StepContext {
  dryRun: boolean;
  registry: ProviderRegistry;
}

export interface Step {
  readonly op: StepOp;
  readonly urn: string;
  readonly old: ResourceState | undefined;
  readonly new: ResourceState | undefined;
  /** The state the step is about: the new one, or the old one for deletes. */
  readonly state: ResourceState;
  /** The properties that forced a replacement. */
  readonly keys: string[];
  /** Counted in the run's summary (step.go Logical): create-replacement and delete-replaced are not. */
  readonly logical: boolean;
  apply(context: StepContext): Promise<(() => void) | undefined>;
}

/**
 * A provider error that left a resource behind (ErrorResourceInitFailed): the step failed, but its new state is
 * recorded (a "partial failure") so that the next run can deal with the resource.
 */
export class PartialFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PartialFailure";
  }
}

function now(): string {
  return new Date().toISOString();
}

function providerFor(context: StepContext, state: ResourceState) {
  return context.registry.get(state.provider);
}

/** Outputs and id from a create or update that partially failed, or the error to rethrow. */
function partialResult(error: unknown): { id: string; outputs: Properties; reasons: string[] } | undefined {
  if (error instanceof ProviderCallError && error.initFailure !== undefined) {
    return { id: error.initFailure.id, outputs: error.initFailure.properties, reasons: error.initFailure.reasons };
  }
  return undefined;
}

export function sameStep(old: ResourceState, next: ResourceState, registration: Registration | undefined): Step {
  return {
    op: "same",
    urn: next.urn,
    old,
    new: next,
    state: next,
    keys: [],
    logical: true,
    async apply(context) {
      next.id = old.id;
      next.outputs = old.outputs;
      if (old.created !== undefined) next.created = old.created;
      if (old.modified !== undefined) next.modified = old.modified;
      // A provider that stays the same is still configured for this run (Registry.Same).
      if (isProviderType(next.type)) await context.registry.configure(next.urn, next.id, old.inputs);
      return registration === undefined ? undefined : () => registration.done(next);
    },
  };
}

/** A create, or a create-replacement (`replacing`); `pendingDelete`: the old state waits for its delete. */
export function createStep(next: ResourceState, registration: Registration, replacing?: { old: ResourceState; keys: string[]; pendingDelete: boolean }): Step {
  return {
    op: replacing === undefined ? "create" : "create-replacement",
    urn: next.urn,
    old: replacing?.old,
    new: next,
    state: next,
    keys: replacing?.keys ?? [],
    logical: replacing === undefined,
    async apply(context) {
      let failure: Error | undefined;
      if (next.custom && isProviderType(next.type)) {
        const created = await context.registry.create(next.urn, next.inputs, context.dryRun);
        next.id = created.id;
        next.outputs = created.outputs;
      } else if (next.custom) {
        try {
          const created = await providerFor(context, next).create(next.urn, next.inputs, context.dryRun);
          next.id = created.id;
          next.outputs = created.outputs;
        } catch (error) {
          const partial = partialResult(error);
          if (partial === undefined) throw error;
          next.id = partial.id;
          next.outputs = partial.outputs;
          next.initErrors = partial.reasons;
          failure = new PartialFailure((error as Error).message);
        }
      } else {
        next.outputs = {};
      }
      if (!context.dryRun) {
        next.created = now();
        next.modified = next.created;
      }
      if (replacing?.pendingDelete === true) replacing.old.delete = true;
      if (failure !== undefined) throw failure;
      return () => registration.done(next);
    },
  };
}

export function updateStep(old: ResourceState, next: ResourceState, registration: Registration): Step {
  return {
    op: "update",
    urn: next.urn,
    old,
    new: next,
    state: next,
    keys: [],
    logical: true,
    async apply(context) {
      next.id = old.id;
      if (old.created !== undefined) next.created = old.created;
      if (isProviderType(next.type)) {
        await context.registry.configure(next.urn, next.id, next.inputs);
        next.outputs = next.inputs;
      } else if (next.custom) {
        try {
          next.outputs = await providerFor(context, next).update(next.urn, next.id, old.inputs, old.outputs, next.inputs, context.dryRun, next.ignoreChanges);
          next.initErrors = [];
        } catch (error) {
          const partial = partialResult(error);
          if (partial === undefined) throw error;
          // A partially failed update keeps the old inputs with the new outputs (update.go OnResourceStepPost).
          next.outputs = partial.outputs;
          next.inputs = old.inputs;
          next.initErrors = partial.reasons;
          throw new PartialFailure((error as Error).message);
        }
      } else {
        next.outputs = old.outputs;
      }
      if (!context.dryRun) next.modified = now();
      return () => registration.done(next);
    },
  };
}

/** The logical "replace" marker between the two halves of a replacement. */
export function replaceStep(old: ResourceState, next: ResourceState, keys: string[]): Step {
  return { op: "replace", urn: next.urn, old, new: next, state: next, keys, logical: true, apply: async () => undefined };
}

/** A delete, or a delete-replaced (`replacing`); `pendingReplace`: a delete-before-replace that keeps the state. */
export function deleteStep(old: ResourceState, options: { replacing: boolean; pendingReplace: boolean }): Step {
  return {
    op: options.replacing ? "delete-replaced" : "delete",
    urn: old.urn,
    old,
    new: undefined,
    state: old,
    keys: [],
    logical: !options.replacing,
    async apply(context) {
      if (context.dryRun) return undefined;
      if (old.custom && isProviderType(old.type)) {
        context.registry.delete(providerReference(old.urn, old.id));
      } else if (old.custom) {
        await providerFor(context, old).delete(old.urn, old.id, old.inputs, old.outputs);
      }
      // Set only once the delete has succeeded: a failed delete is retried by the next run.
      if (options.pendingReplace) old.pendingReplacement = true;
      return undefined;
    },
  };
}

/** A resource deleted for a replacement whose create never came: it just leaves the state. */
export function removePendingReplaceStep(old: ResourceState): Step {
  return { op: "remove-pending-replace", urn: old.urn, old, new: undefined, state: old, keys: [], logical: false, apply: async () => undefined };
}
