// Property values as they travel in Pulumi's gRPC messages (google.protobuf.Struct as plain JavaScript), and what
// the dynamic-provider host answers, as plain values.

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };
export type Properties = Record<string, Value>;

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
