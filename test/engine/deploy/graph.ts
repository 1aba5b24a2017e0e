// The dependency graph of a snapshot (pkg/resource/graph/dependency_graph.go). A snapshot lists resources in
// a valid topological order, so "who depends on X" is a forward scan from X, and "what X depends on" a
// backward one. Edges: dependencies, property dependencies and the provider; parents count for
// DependenciesOf (a resource needs its parent) but not for DependingOn.
import { parseProviderReference } from "../wire/urn";
import type { ResourceState } from "./state";

function directDependencies(state: ResourceState): Set<string> {
  const urns = new Set<string>(state.dependencies);
  for (const list of Object.values(state.propertyDependencies)) for (const urn of list) urns.add(urn);
  if (state.provider !== "") urns.add(parseProviderReference(state.provider).urn);
  return urns;
}

export class DependencyGraph {
  private readonly index = new Map<ResourceState, number>();

  constructor(private readonly resources: readonly ResourceState[]) {
    resources.forEach((state, position) => this.index.set(state, position));
  }

  contains(state: ResourceState): boolean {
    return this.index.has(state);
  }

  /** Every resource that depends on `state`, directly or not, in topological order, skipping `ignore`d URNs. */
  dependingOn(state: ResourceState, ignore: ReadonlySet<string> = new Set()): ResourceState[] {
    const start = this.position(state);
    const dependents: ResourceState[] = [];
    const dependentUrns = new Set([state.urn]);
    for (const candidate of this.resources.slice(start + 1)) {
      if (ignore.has(candidate.urn)) continue;
      if ([...directDependencies(candidate)].some((urn) => dependentUrns.has(urn))) {
        dependents.push(candidate);
        dependentUrns.add(candidate.urn);
      }
    }
    return dependents;
  }

  /** The resources `state` depends on directly, its parent included. */
  dependenciesOf(state: ResourceState): Set<ResourceState> {
    const urns = directDependencies(state);
    const result = new Set<ResourceState>();
    for (const candidate of this.resources.slice(0, this.position(state))) {
      if (urns.has(candidate.urn) || candidate.urn === state.parent) result.add(candidate);
    }
    return result;
  }

  /** Everything `state` depends on, transitively. */
  transitiveDependenciesOf(state: ResourceState): Set<ResourceState> {
    const result = new Set<ResourceState>();
    const pending = [state];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      for (const dependency of this.dependenciesOf(next)) {
        if (result.has(dependency)) continue;
        result.add(dependency);
        pending.push(dependency);
      }
    }
    return result;
  }

  private position(state: ResourceState): number {
    const position = this.index.get(state);
    if (position === undefined) throw new Error(`${state.urn} is not in the dependency graph`);
    return position;
  }
}

/**
 * ScheduleDeletes (step_generator.go): splits the condemned resources into antichains — sets with no
 * dependency between their members — ordered so that a resource is deleted only after everything that
 * depends on it.
 */
export function scheduleDeletes<T extends { state: ResourceState }>(graph: DependencyGraph, steps: readonly T[]): T[][] {
  const condemned = new Map(steps.map((step) => [step.state, step]));
  const antichains: T[][] = [];
  while (condemned.size > 0) {
    const ready = [...condemned.values()].filter((step) => ![...graph.dependenciesOf(step.state)].some((dependency) => condemned.has(dependency)));
    if (ready.length === 0) throw new Error("the resources to delete have a dependency cycle");
    for (const step of ready) condemned.delete(step.state);
    antichains.push(ready);
  }
  return antichains.reverse();
}
