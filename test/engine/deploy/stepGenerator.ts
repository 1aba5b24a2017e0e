// The step generator (pkg/resource/deploy/step_generator.go): turns each registration into steps, one
// registration at a time — which is why Check and Diff calls are serialized while the steps themselves run in
// parallel — and, once the program is done, produces the deletes of what the program no longer declares.
//
// Covered: create; same; in-place update; replacement create-before-delete (old marked for deletion, deleted
// at the end) and delete-before-replace (with the dependents that a replacement would force, found by a Diff
// with the affected inputs unknown); a pending replacement finished by the next run; init errors (a partial
// failure) retried as an update; ignoreChanges and replaceOnChanges (as far as the provider's diff allows);
// protect; the provider reference changing; check failures reported per property.
import { randomBytes } from "node:crypto";
import { deepEqual, type Properties, UNKNOWN } from "../wire/properties";
import { isProviderType, makeUrn, parseProviderReference } from "../wire/urn";
import type { DiffResult } from "../providerHost/types";
import type { Goal } from "../services/resourceMonitor";
import { applyReplaceOnChanges, formatValue, nameOf, newState, withIgnoredChanges } from "./goals";
import { DependencyGraph } from "./graph";
import type { ProviderRegistry } from "./providerRegistry";
import type { ResourceProvider } from "./providers";
import type { ResourceState } from "./state";
import { createStep, deleteStep, type Registration, removePendingReplaceStep, replaceStep, sameStep, type Step, updateStep } from "./steps";

/** A failure the generator has already reported as diagnostics: the run stops without another message. */
export class BailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BailError";
  }
}

export interface GeneratorOptions {
  stack: string;
  project: string;
  dryRun: boolean;
  registry: ProviderRegistry;
  /** The base snapshot's resources, in order. */
  base: ResourceState[];
  error(urn: string, message: string): void;
}

type Operation = "create" | "same" | "update" | "replace" | "delete";

export class StepGenerator {
  private readonly olds = new Map<string, ResourceState>();
  private readonly urns = new Set<string>();
  private readonly operated = new Map<string, Set<Operation>>();
  private readonly pendingDeletes = new Set<ResourceState>();
  private readonly graph: DependencyGraph;
  /** New states of this run by URN, e.g. for RegisterResourceOutputs. */
  readonly news = new Map<string, ResourceState>();

  constructor(private readonly options: GeneratorOptions) {
    for (const state of options.base) if (!state.delete) this.olds.set(state.urn, state);
    this.graph = new DependencyGraph(options.base);
  }

  private mark(urn: string, operation: Operation): void {
    const set = this.operated.get(urn) ?? new Set();
    set.add(operation);
    this.operated.set(urn, set);
  }

  private has(urn: string, operation: Operation): boolean {
    return this.operated.get(urn)?.has(operation) ?? false;
  }

  async generate(goal: Goal, registration: Registration): Promise<Step[]> {
    const urn = makeUrn(this.options.stack, this.options.project, goal.parent, goal.type, goal.name);
    if (this.urns.has(urn)) return this.bail(urn, `Duplicate resource URN '${urn}'; try giving it a unique name`);
    if (goal.parent !== "" && !this.urns.has(goal.parent)) return this.bail(urn, `could not find parent resource ${goal.parent}`);
    this.urns.add(urn);
    const old = this.olds.get(urn);
    const next = newState(goal, urn, old);
    this.news.set(urn, next);
    const recreating = this.has(urn, "delete");
    const provider = goal.custom && !isProviderType(goal.type) ? await this.providerOf(next) : undefined;

    if (goal.custom) {
      // A new resource (or one deleted earlier in this run) is checked without old inputs.
      const fresh = recreating || old === undefined;
      const news = fresh ? goal.properties : withIgnoredChanges(next.inputs, old.inputs, goal.ignoreChanges);
      next.inputs = await this.check(urn, next, provider, fresh ? {} : old.inputs, news);
    }

    if (recreating && old !== undefined) {
      this.operated.get(urn)?.delete("delete");
      this.mark(urn, "replace");
      return [replaceStep(old, next, []), createStep(next, registration, { old, keys: [], pendingDelete: false })];
    }
    if (old === undefined) {
      this.mark(urn, "create");
      return [createStep(next, registration)];
    }
    const diff = await this.diff(urn, old, next, provider, goal);
    return this.stepsFromDiff(goal, old, next, provider, diff, registration);
  }

  private async providerOf(state: ResourceState): Promise<ResourceProvider> {
    const { urn } = parseProviderReference(state.provider);
    await this.options.registry.ensure(state.provider, this.olds.get(urn));
    return this.options.registry.get(state.provider);
  }

  /** Check, with failures reported per property as the CLI prints them; any failure makes the resource invalid. */
  private async check(urn: string, next: ResourceState, provider: ResourceProvider | undefined, olds: Properties, news: Properties): Promise<Properties> {
    const result =
      provider === undefined
        ? await this.options.registry.check(urn, olds, news)
        : await provider.check(urn, olds, news, this.options.dryRun, randomBytes(32));
    for (const failure of result.failures) {
      if (failure.property !== "") {
        const value = news[failure.property];
        this.options.error(urn, `${next.type} resource '${nameOf(urn)}': property ${failure.property} value {${formatValue(value)}} has a problem: ${failure.reason}`);
      } else {
        this.options.error(urn, `${next.type} resource '${nameOf(urn)}' has a problem: ${failure.reason}`);
      }
    }
    if (result.failures.length > 0) throw new BailError(`resource ${urn} is invalid`);
    return result.inputs;
  }

  private async diff(urn: string, old: ResourceState, next: ResourceState, provider: ResourceProvider | undefined, goal: Goal): Promise<DiffResult> {
    const none: DiffResult = { changes: "none", replaces: [], stables: [], deleteBeforeReplace: false, changedKeys: [] };
    if (next.custom && old.provider !== next.provider && !isProviderType(next.type)) {
      // The default provider keeps its id across config changes; a different reference means a different provider.
      return { ...none, changes: "some", replaces: ["provider"] };
    }
    if (isProviderType(next.type)) return { ...none, changes: this.options.registry.diff(old.outputs, next.inputs) };
    if (provider === undefined) return { ...none, changes: deepEqual(old.inputs, next.inputs) ? "none" : "some" };
    return provider.diff(urn, old.id, old.inputs, old.outputs, next.inputs, this.options.dryRun, goal.ignoreChanges);
  }

  private async stepsFromDiff(goal: Goal, old: ResourceState, next: ResourceState, provider: ResourceProvider | undefined, rawDiff: DiffResult, registration: Registration): Promise<Step[]> {
    const urn = next.urn;
    const hasInitErrors = old.initErrors.length > 0;
    const diff = applyReplaceOnChanges(rawDiff, goal.replaceOnChanges);
    if (diff.changes === "some" || old.pendingReplacement) {
      if (diff.replaces.length > 0 || old.pendingReplacement) return this.replacement(goal, old, next, provider, diff, registration);
      this.mark(urn, "update");
      return [updateStep(old, next, registration)];
    }
    if (hasInitErrors) {
      // Unchanged but not healthy: an empty update lets the provider finish initialising.
      this.mark(urn, "update");
      return [updateStep(old, next, registration)];
    }
    this.mark(urn, "same");
    return [sameStep(old, next, registration)];
  }

  private async replacement(goal: Goal, old: ResourceState, next: ResourceState, provider: ResourceProvider | undefined, diff: DiffResult, registration: Registration): Promise<Step[]> {
    const urn = next.urn;
    if (next.protect && old.protect) {
      const message = `unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\``;
      this.options.error(urn, message);
      if (!this.options.dryRun) throw new BailError(message);
    }
    this.mark(urn, "replace");
    // A replacement is a new resource: check again without the old inputs, so defaults are chosen afresh.
    if (provider !== undefined) next.inputs = await this.check(urn, next, provider, {}, goal.properties);
    const deleteBeforeReplace = goal.deleteBeforeReplace ?? diff.deleteBeforeReplace;
    if (!deleteBeforeReplace) {
      return [createStep(next, registration, { old, keys: diff.replaces, pendingDelete: true }), replaceStep(old, next, diff.replaces)];
    }
    const steps: Step[] = [];
    const dependents = !this.options.dryRun || this.graph.contains(old) ? await this.dependentReplacements(old) : [];
    for (const dependent of [...dependents].reverse()) {
      if (this.pendingDeletes.has(dependent)) continue;
      steps.push(dependent.delete ? deleteStep(dependent, { replacing: false, pendingReplace: false }) : deleteStep(dependent, { replacing: true, pendingReplace: true }));
      this.mark(dependent.urn, "delete");
      this.pendingDeletes.add(dependent);
    }
    if (!old.pendingReplacement) {
      this.mark(urn, "delete");
      steps.push(deleteStep(old, { replacing: true, pendingReplace: true }));
    }
    return [...steps, replaceStep(old, next, diff.replaces), createStep(next, registration, { old, keys: diff.replaces, pendingDelete: false })];
  }

  /**
   * calculateDependentReplacements: the resources that depend on `root` and would be replaced once it is gone,
   * found by asking each one's provider for a Diff with the inputs that depend on the replaced set unknown.
   */
  private async dependentReplacements(root: ResourceState): Promise<ResourceState[]> {
    const replaceSet = new Set([root.urn]);
    const found: ResourceState[] = [];
    const impossible = new Set([...this.operated.keys()]);
    for (const candidate of this.graph.dependingOn(root, impossible)) {
      if (!candidate.custom) continue;
      let replace = candidate.provider !== "" && replaceSet.has(parseProviderReference(candidate.provider).urn);
      if (!replace) {
        const inputsForDiff: Properties = {};
        let affected = false;
        for (const [key, value] of Object.entries(candidate.inputs)) {
          const dependsOnReplaced = (candidate.propertyDependencies[key] ?? []).some((urn) => replaceSet.has(urn));
          affected ||= dependsOnReplaced;
          inputsForDiff[key] = dependsOnReplaced ? UNKNOWN : value;
        }
        if (affected) {
          const provider = await this.providerOf(candidate);
          const diff = await provider.diff(candidate.urn, candidate.id, candidate.inputs, candidate.outputs, inputsForDiff, true, candidate.ignoreChanges);
          replace = applyReplaceOnChanges(diff, candidate.replaceOnChanges).replaces.length > 0;
        }
      }
      if (replace) {
        found.push(candidate);
        replaceSet.add(candidate.urn);
      }
    }
    return found;
  }

  /** GenerateDeletes: every old resource the program did not register, and every one pending deletion. */
  generateDeletes(): Step[] {
    const steps: Step[] = [];
    for (const state of this.options.base) {
      if (state.delete) {
        if (this.pendingDeletes.has(state)) continue;
        this.mark(state.urn, "delete");
        steps.push(deleteStep(state, { replacing: true, pendingReplace: false }));
      } else if (!this.operated.has(state.urn)) {
        this.mark(state.urn, "delete");
        steps.push(state.pendingReplacement ? removePendingReplaceStep(state) : deleteStep(state, { replacing: false, pendingReplace: false }));
      }
    }
    return steps;
  }

  /** The providers the deletes need, loaded from the old state (EnsureProvider). */
  async ensureProviders(steps: readonly Step[]): Promise<void> {
    for (const step of steps) {
      const state = step.state;
      if (!state.custom || isProviderType(state.type) || state.provider === "") continue;
      await this.options.registry.ensure(state.provider, this.olds.get(parseProviderReference(state.provider).urn));
    }
  }

  private bail(urn: string, message: string): never {
    this.options.error(urn, message);
    throw new BailError(message);
  }
}
