// What the dynamic-provider host answers, as plain values.
import type { Properties } from "./properties";

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult {
  inputs: Properties;
  failures: CheckFailure[];
}

export type DiffChanges = "unknown" | "none" | "some";

export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  stables: string[];
  deleteBeforeReplace: boolean;
  /** Changed keys (`diffs`): the Node host never sends them. */
  changedKeys: string[];
}

export interface ConfigureResult {
  acceptSecrets: boolean;
  acceptResources: boolean;
  supportsPreview: boolean;
}
