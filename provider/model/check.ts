// The shared shape of every resource's `check`: validate what is known, keep what is not, fill defaults,
// and report failures per property — never throw for a user's mistake. Pure.
import type { z } from "zod";
import { type CheckFailure, failuresFromIssues } from "./failures";
import { PROVIDER_KEY } from "./providerKey";
import { containsUnknown } from "./unknown";

/** Properties as Pulumi passes them to a provider: inputs, or recorded outputs. */
export type Properties = Record<string, unknown>;

export interface CheckOutcome<T> {
  /** Inputs to hand back to the engine: normalised and defaulted, unknown values kept as they came. */
  inputs: Properties;
  failures: CheckFailure[];
  /** The normalised known inputs (undefined when some failed). */
  value: Partial<T> | undefined;
  /** The same inputs when every one is known and valid: what create and update work from. */
  complete: T | undefined;
  /** Properties whose value is not known yet (preview). */
  unknown: ReadonlySet<string>;
  /** Properties not given whose value in `inputs` and `value` is the schema's default. */
  defaulted: ReadonlySet<string>;
}

export type CrossFieldRule<T> = (value: Partial<T>, unknown: ReadonlySet<string>) => CheckFailure[];

export function checkInputs<S extends z.ZodObject>(
  schema: S,
  news: Properties,
  crossFieldRules: readonly CrossFieldRule<z.output<S>>[],
): CheckOutcome<z.output<S>> {
  const given = withoutProviderKey(news);
  const unknown = new Set(Object.keys(given).filter((key) => containsUnknown(given[key])));
  const known = Object.fromEntries(Object.entries(given).filter(([key]) => !unknown.has(key)));
  const knownKeys = Object.keys(schema.shape);
  const parsed = requiredUnlessUnknown(schema, unknown).safeParse(known);
  const partlyKnown = [...unknown].flatMap((key) => knownElementFailures(schema, key, given[key], knownKeys));
  if (!parsed.success || partlyKnown.length > 0) {
    const failures = parsed.success ? [] : failuresFromIssues(parsed.error.issues, known, knownKeys);
    return { inputs: given, failures: [...failures, ...partlyKnown], value: undefined, complete: undefined, unknown, defaulted: new Set() };
  }
  const value: z.output<S> = parsed.data;
  // A default must not stand in for a value that is merely unknown yet.
  for (const key of unknown) Reflect.deleteProperty(value, key);
  const failures = crossFieldRules.flatMap((rule) => rule(value, unknown));
  if (failures.length > 0) return { inputs: given, failures, value: undefined, complete: undefined, unknown, defaulted: new Set() };
  const inputs: Properties = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) inputs[key] = entry;
  for (const key of unknown) inputs[key] = given[key];
  const defaulted = new Set(Object.keys(inputs).filter((key) => !(key in given)));
  return { inputs, failures, value, complete: unknown.size === 0 ? value : undefined, unknown, defaulted };
}

/**
 * The outcome with only the inputs that were given (normalised) and those check derived, such as a name: what
 * the engine records as the resource's inputs. The defaults stay in `value` and `complete`, and a diff reads a
 * missing input as its default, so nothing changes but the size of every state entry — which the engine
 * rewrites whole after each step.
 */
export function withoutDefaultedInputs<T>(outcome: CheckOutcome<T>): CheckOutcome<T> {
  if (outcome.defaulted.size === 0) return outcome;
  const inputs = Object.fromEntries(Object.entries(outcome.inputs).filter(([key]) => !outcome.defaulted.has(key)));
  return { ...outcome, inputs };
}

/**
 * The schema with the keys whose value is not known yet made optional: a required input computed from another
 * resource's output (a Masquerade's `device: bridge.name` during the first preview) must not fail as missing. The
 * outcome is only `complete` when nothing is unknown, that is under the whole schema.
 */
function requiredUnlessUnknown<S extends z.ZodObject>(schema: S, unknown: ReadonlySet<string>): S {
  const deferred = Object.fromEntries(Object.keys(schema.shape).filter((key) => unknown.has(key)).map((key) => [key, true as const]));
  // The same shape with some keys optional; typed as the schema, as what it parses is the schema's output less those keys, which are dropped below.
  return (Object.keys(deferred).length === 0 ? schema : schema.partial(deferred as never)) as unknown as S;
}

/**
 * A list holding some unknown elements ("addresses: [known, other.output]") is still checked element by
 * element for what is known, so a malformed address fails the preview rather than the update.
 */
function knownElementFailures(schema: z.ZodObject, key: string, value: unknown, knownKeys: readonly string[]): CheckFailure[] {
  const field = schema.shape[key];
  if (!Array.isArray(value) || field === undefined) return [];
  const positions = value.flatMap((element, index) => (containsUnknown(element) ? [] : [index]));
  const parsed = field.safeParse(positions.map((index) => value[index]));
  if (parsed.success) return [];
  const issues = parsed.error.issues.map((issue: z.core.$ZodIssue) => {
    const [first, ...rest] = issue.path;
    const original = typeof first === "number" ? (positions[first] ?? first) : first;
    return { ...issue, path: original === undefined ? [key] : [key, original, ...rest] };
  });
  return failuresFromIssues(issues, { [key]: value }, knownKeys);
}

export function withoutProviderKey(properties: Properties): Properties {
  const { [PROVIDER_KEY]: _provider, ...rest } = properties;
  return rest;
}

/** The properties with every undefined value left out: Pulumi's dynamic-provider host cannot serialize undefined in outputs. */
export function withoutUndefined<T extends object>(properties: T): T {
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined)) as T;
}
