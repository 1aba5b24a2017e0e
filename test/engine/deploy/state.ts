// A resource's state as the engine keeps it (pkg/resource/state.go, the fields our resources use). Values
// stay in wire form (see ../wire/properties.ts); secrets are encrypted only when written to the state file.
import type { Properties } from "../wire/properties";

export interface ResourceState {
  urn: string;
  type: string;
  custom: boolean;
  /** "" for component resources; a UUID for providers; the provider's id for custom resources. */
  id: string;
  inputs: Properties;
  outputs: Properties;
  parent: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** "<provider urn>::<provider id>" for custom resources, "" otherwise. */
  provider: string;
  /** Replaced by a create-before-delete replacement and waiting for its delete. */
  delete: boolean;
  /** Deleted by a delete-before-replace replacement whose create has not happened yet. */
  pendingReplacement: boolean;
  protect: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
  /** The reasons a create or update partially failed (ErrorResourceInitFailed). */
  initErrors: string[];
  created?: string;
  modified?: string;
}

export type OperationType = "creating" | "updating" | "deleting" | "reading";

export interface PendingOperation {
  resource: ResourceState;
  type: OperationType;
}

export function copyState(state: ResourceState): ResourceState {
  return {
    ...state,
    dependencies: [...state.dependencies],
    propertyDependencies: Object.fromEntries(Object.entries(state.propertyDependencies).map(([key, urns]) => [key, [...urns]])),
    ignoreChanges: [...state.ignoreChanges],
    replaceOnChanges: [...state.replaceOnChanges],
    additionalSecretOutputs: [...state.additionalSecretOutputs],
    initErrors: [...state.initErrors],
  };
}

/** Every URN this state depends on: parent, dependencies, property dependencies, provider (graph.go). */
export function dependenciesOf(state: ResourceState): string[] {
  const urns = new Set<string>(state.dependencies);
  if (state.parent !== "") urns.add(state.parent);
  for (const list of Object.values(state.propertyDependencies)) for (const urn of list) urns.add(urn);
  if (state.provider !== "") urns.add(state.provider.slice(0, state.provider.lastIndexOf("::")));
  return [...urns];
}
