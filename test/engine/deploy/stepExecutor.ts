// The step executor (pkg/resource/deploy/step_executor.go): chains of steps run on at most `parallel`
// workers; the steps of one chain run in order. The first failed step cancels the executor: chains not yet
// started never start, steps in flight finish, and the run fails (ContinueOnError is not modelled). Refresh
// runs its executor with `ignoreErrors`: every read happens, errors are only counted.
//
// Around each step, the snapshot bookkeeping of pkg/backend/snapshot.go: a pending operation while a
// create/update/delete is in flight; afterwards the new state is recorded and the old one retired — also
// after a partial failure, whose resource exists and must not be forgotten.
import { makeSecret, protectSecretInputs } from "../wire/properties";
import { DependencyGraph, scheduleDeletes } from "./graph";
import type { SnapshotManager } from "./snapshot";
import type { OperationType, ResourceState } from "./state";
import type { StepGenerator } from "./stepGenerator";
import { PartialFailure, type Step, type StepContext } from "./steps";

export interface StepOutcome {
  step: Step;
  /** Undefined when the step succeeded. */
  error?: Error;
}

export class StepExecutor {
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private inFlight = new Set<Promise<void>>();
  /** The first error of the run; set once. */
  error: Error | undefined;

  constructor(
    private readonly parallel: number,
    private readonly context: StepContext,
    private readonly snapshot: SnapshotManager | undefined,
    private readonly onOutcome: (outcome: StepOutcome) => void,
    private readonly ignoreErrors = false,
  ) {}

  get cancelled(): boolean {
    return this.error !== undefined && !this.ignoreErrors;
  }

  /** Submits a chain; resolves when it has run (or was skipped because the executor was cancelled). */
  executeChain(chain: readonly Step[]): Promise<void> {
    const run = this.withWorker(async () => {
      for (const step of chain) {
        if (this.cancelled) return;
        if (!(await this.executeStep(step))) return;
      }
    });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  /** Every step on its own, all at once (within the parallelism), as one antichain of deletes or refreshes. */
  async executeParallel(steps: readonly Step[]): Promise<void> {
    await Promise.all(steps.map((step) => this.executeChain([step])));
  }

  /** Resolves once no chain is running or waiting. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  cancel(error: Error): void {
    this.error ??= error;
  }

  private async withWorker(work: () => Promise<void>): Promise<void> {
    if (this.running >= this.parallel) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** Runs one step with its snapshot mutation; false when it failed. */
  private async executeStep(step: Step): Promise<boolean> {
    const operation = pendingOperationOf(step);
    if (operation !== undefined) this.snapshot?.beginOperation(operation.state, operation.type);
    let complete: (() => void) | undefined;
    let error: Error | undefined;
    try {
      complete = await step.apply(this.context);
    } catch (caught) {
      error = caught instanceof Error ? caught : new Error(String(caught));
    }
    if (step.new !== undefined && step.op !== "replace") {
      const state = step.new;
      for (const key of state.additionalSecretOutputs) if (key in state.outputs) state.outputs[key] = makeSecret(state.outputs[key] ?? null);
      state.outputs = protectSecretInputs(state.outputs, state.inputs);
    }
    if (operation !== undefined) this.snapshot?.endOperation(operation.state);
    if (error === undefined || error instanceof PartialFailure) this.recordSuccess(step);
    this.onOutcome(error === undefined ? { step } : { step, error });
    if (error !== undefined) {
      this.cancel(error);
      return false;
    }
    complete?.();
    return true;
  }

  private recordSuccess(step: Step): void {
    const snapshot = this.snapshot;
    if (snapshot === undefined) return;
    switch (step.op) {
      case "same":
      case "update":
        if (step.old !== undefined) snapshot.markDone(step.old);
        if (step.new !== undefined) snapshot.markNew(step.new);
        return;
      case "create":
      case "create-replacement":
        if (step.new !== undefined) snapshot.markNew(step.new);
        if (step.old?.pendingReplacement === true) snapshot.markDone(step.old);
        // A create-before-delete marked the old state for deletion in place.
        snapshot.changed();
        return;
      case "delete":
      case "delete-replaced":
        if (step.old !== undefined && !step.old.pendingReplacement) snapshot.markDone(step.old);
        snapshot.changed();
        return;
      case "remove-pending-replace":
        if (step.old !== undefined) snapshot.markDone(step.old);
        return;
      case "replace":
      case "refresh":
        return;
    }
  }
}

function pendingOperationOf(step: Step): { state: NonNullable<Step["old"]>; type: OperationType } | undefined {
  switch (step.op) {
    case "create":
    case "create-replacement":
      return step.new === undefined ? undefined : { state: step.new, type: "creating" };
    case "update":
      return step.new === undefined ? undefined : { state: step.new, type: "updating" };
    case "delete":
    case "delete-replaced":
      return step.old === undefined ? undefined : { state: step.old, type: "deleting" };
    default:
      return undefined;
  }
}

/**
 * The deletes a run ends with (resources no longer in the program, or all of them for destroy), in reverse
 * dependency order: each antichain in parallel, stopping at the first failure as the engine does.
 */
export async function executeDeletes(generator: StepGenerator, executor: StepExecutor, resources: readonly ResourceState[]): Promise<void> {
  const deletes = generator.generateDeletes();
  await generator.ensureProviders(deletes);
  for (const antichain of scheduleDeletes(new DependencyGraph(resources), deletes)) {
    if (executor.cancelled) break;
    await executor.executeParallel(antichain);
  }
}
