// `pulumi refresh` and `pulumi destroy`, as they run by default: from the state alone, without the program.
//
// Refresh (deployment_executor.go refresh, step.go RefreshStep): every custom resource is Read (components and
// providers are counted as unchanged), all at once within --parallel, errors not stopping the others; a resource whose Read answers no id is gone and leaves
// the state; the others take the outputs read (drift is recorded), keep their inputs unless the provider
// sent new ones, and are then Diffed against the state's inputs to tell "same" from "update". The base
// state is rebuilt without the deleted resources (dependencies on them dropped).
//
// Destroy: every resource deleted, in reverse dependency order, antichain by antichain.
import { type Properties, deepEqual } from "../wire/properties";
import { isProviderType, parseProviderReference } from "../wire/urn";
import { CheckpointWriter, readCheckpoint } from "./checkpoint";
import type { ChangeKind, RunResult } from "./result";
import { Run, type StackSettings } from "./run";
import { SnapshotManager } from "./snapshot";
import { copyState, type ResourceState } from "./state";
import { executeDeletes, StepExecutor } from "./stepExecutor";
import { BailError, StepGenerator } from "./stepGenerator";
import type { Step, StepContext } from "./steps";

interface RefreshStep extends Step {
  /** The resource afterwards: undefined when it is gone. */
  refreshed: ResourceState | undefined;
  resultOp: ChangeKind;
}

function refreshStep(old: ResourceState): RefreshStep {
  const step: RefreshStep = {
    op: "refresh",
    urn: old.urn,
    old,
    new: undefined,
    state: old,
    keys: [],
    logical: true,
    // A failed read leaves the resource as it was.
    refreshed: old,
    resultOp: "same",
    async apply(context: StepContext) {
      // Components, providers and resources waiting for their replacement never change with a refresh.
      if (!old.custom || isProviderType(old.type) || old.pendingReplacement) return undefined;
      const provider = context.registry.get(old.provider);
      const read = await provider.read(old.urn, old.id, old.inputs, old.outputs);
      if (read.id === "") {
        step.refreshed = undefined;
        step.resultOp = "delete";
        return undefined;
      }
      const next = copyState(old);
      next.id = read.id;
      next.outputs = read.outputs;
      next.inputs = read.inputs ?? old.inputs;
      if (!deepEqual(next.inputs, old.inputs) || !deepEqual(next.outputs, old.outputs)) next.modified = new Date().toISOString();
      // The diff of an `up` right after this refresh, inverted: drift shows as an update.
      const diff = await provider.diff(old.urn, next.id, next.inputs, next.outputs, old.inputs, false, old.ignoreChanges);
      step.refreshed = next;
      step.resultOp = diff.changes === "none" ? "same" : "update";
      return undefined;
    },
  };
  return step;
}

async function ensureProviders(run: Run, states: readonly ResourceState[], base: readonly ResourceState[]): Promise<void> {
  for (const state of states) {
    if (!state.custom || isProviderType(state.type) || state.provider === "") continue;
    const providerUrn = parseProviderReference(state.provider).urn;
    await run.registry.ensure(state.provider, base.find((candidate) => candidate.urn === providerUrn && !candidate.delete));
  }
}

/** rebuildBaseState: refreshed states in place of the old, deleted ones out, dangling dependencies dropped. */
function rebuildBaseState(base: readonly ResourceState[], steps: ReadonlyMap<ResourceState, RefreshStep>): ResourceState[] {
  const referenceable = new Set<string>();
  const resources: ResourceState[] = [];
  for (const state of base) {
    const step = steps.get(state);
    const next = step === undefined ? state : step.refreshed;
    if (next === undefined) continue;
    if (next.dependencies.length > 0) next.dependencies = next.dependencies.filter((urn) => referenceable.has(urn));
    for (const [key, urns] of Object.entries(next.propertyDependencies)) next.propertyDependencies[key] = urns.filter((urn) => referenceable.has(urn));
    resources.push(next);
    referenceable.add(next.urn);
  }
  // A parent that is gone hands its children to its own parent (undangleParentResources).
  const parents = new Map(base.map((state) => [state.urn, state.parent]));
  for (const state of resources) {
    while (state.parent !== "" && !referenceable.has(state.parent)) state.parent = parents.get(state.parent) ?? "";
  }
  return resources;
}

export async function runRefresh(settings: StackSettings): Promise<RunResult> {
  const checkpoint = readCheckpoint(settings.statePath, settings.passphrase);
  const run = await Run.start(settings, "refresh");
  const writer = new CheckpointWriter(settings.statePath, settings.passphrase, checkpoint.secretsProvider);
  const snapshot = new SnapshotManager(checkpoint.resources, checkpoint.pendingOperations, (state) => writer.write(state));
  const steps = new Map<ResourceState, RefreshStep>();
  try {
    await ensureProviders(run, checkpoint.resources, checkpoint.resources);
    for (const state of checkpoint.resources) steps.set(state, refreshStep(state));
    const executor = new StepExecutor(settings.parallel, { dryRun: false, registry: run.registry }, snapshot, (outcome) => {
      run.recordOutcome(outcome, outcome.error === undefined ? (outcome.step as RefreshStep).resultOp : undefined);
      if (outcome.error !== undefined) run.fail(new BailError(outcome.error.message));
    }, true);
    await executor.executeParallel([...steps.values()]);
    snapshot.base = rebuildBaseState(checkpoint.resources, steps);
  } catch (error) {
    run.fail(error as Error);
  } finally {
    snapshot.close();
    await run.close();
  }
  return run.result(stackOutputs(snapshot.base));
}

export async function runDestroy(settings: StackSettings): Promise<RunResult> {
  const checkpoint = readCheckpoint(settings.statePath, settings.passphrase);
  const run = await Run.start(settings, "destroy");
  const writer = new CheckpointWriter(settings.statePath, settings.passphrase, checkpoint.secretsProvider);
  const snapshot = new SnapshotManager(checkpoint.resources, checkpoint.pendingOperations, (state) => writer.write(state));
  const generator = new StepGenerator({
    stack: settings.stack,
    project: settings.project.name,
    dryRun: false,
    registry: run.registry,
    base: checkpoint.resources,
    error: (urn, message) => run.error(urn, message),
  });
  const executor = new StepExecutor(settings.parallel, { dryRun: false, registry: run.registry }, snapshot, (outcome) => {
    run.recordOutcome(outcome);
    if (outcome.error !== undefined) run.fail(new BailError(outcome.error.message));
  });
  try {
    await executeDeletes(generator, executor, checkpoint.resources);
  } catch (error) {
    run.fail(error as Error);
  } finally {
    await executor.idle();
    snapshot.close();
    await run.close();
  }
  return run.result({});
}

function stackOutputs(resources: readonly ResourceState[]): Properties | undefined {
  return resources.find((state) => state.type === "pulumi:pulumi:Stack")?.outputs;
}
