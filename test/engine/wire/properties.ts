// Property values as they travel in Pulumi's gRPC messages (google.protobuf.Struct as plain JavaScript), and
// the few transformations the engine applies to them. The engine here keeps values in this wire form
// throughout (as `pulumi stack export` shows them), so what a provider or program receives is exactly what
// was stored:
// - an unknown value (preview) is the string UNKNOWN;
// - a secret is { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
// - a resource reference is { [SIGNATURE_KEY]: RESOURCE_REFERENCE_SIGNATURE, urn, id?, packageVersion };
// - an output value is { [SIGNATURE_KEY]: OUTPUT_VALUE_SIGNATURE, value?, secret?, dependencies? }.
// Sources: sdk/go/common/resource/sig, plugin/rpc.go and the Node SDK's runtime/rpc.ts.
import { isDeepStrictEqual } from "node:util";

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };
export type Properties = Record<string, Value>;

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_REFERENCE_SIGNATURE = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_VALUE_SIGNATURE = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const ASSET_SIGNATURES = new Set(["c44067f5952c0a294b673a41bacd8c17", "0def7320c3a5731c473e5ecbe6d01bc7"]);

export function isObject(value: Value | undefined): value is { [key: string]: Value } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function signatureOf(value: Value | undefined): string | undefined {
  if (!isObject(value)) return undefined;
  const signature = value[SIGNATURE_KEY];
  return typeof signature === "string" ? signature : undefined;
}

export function isSecret(value: Value | undefined): value is { [key: string]: Value } {
  return signatureOf(value) === SECRET_SIGNATURE;
}

export function makeSecret(value: Value): Value {
  return isSecret(value) ? value : { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

export function isResourceReference(value: Value | undefined): value is { [key: string]: Value } {
  return signatureOf(value) === RESOURCE_REFERENCE_SIGNATURE;
}

/** Applies `map` to every element of arrays and every member of plain objects, leaving signed values to it. */
function mapChildren(value: Value, map: (child: Value) => Value): Value {
  if (Array.isArray(value)) return value.map(map);
  if (isObject(value) && signatureOf(value) === undefined) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, map(child)]));
  }
  return value;
}

export function mapProperties(properties: Properties, map: (value: Value) => Value): Properties {
  return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, map(value)]));
}

export function containsUnknowns(value: Value): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknowns);
  if (isObject(value)) return Object.values(value).some(containsUnknowns);
  return false;
}

export function containsSecrets(value: Value): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecrets);
  if (isObject(value)) return Object.values(value).some(containsSecrets);
  return false;
}

/**
 * What RegisterResource does to what the SDK sent (source_eval.go `downgradeOutputValues`): an output value
 * becomes its element, unknown when not known, wrapped as a secret when secret. Assets are not supported here.
 */
export function downgradeOutputValues(value: Value): Value {
  const signature = signatureOf(value);
  if (signature !== undefined && ASSET_SIGNATURES.has(signature)) {
    throw new Error("assets and archives are not supported by this engine stand-in");
  }
  if (signature === OUTPUT_VALUE_SIGNATURE && isObject(value)) {
    const element = "value" in value && value.value !== undefined ? downgradeOutputValues(value.value) : UNKNOWN;
    return value.secret === true ? makeSecret(element) : element;
  }
  if (isSecret(value)) return makeSecret(downgradeOutputValues(value.value ?? null));
  return mapChildren(value, downgradeOutputValues);
}

/** The URNs an output value names as its dependencies (source_eval.go `addOutputDependencies`). */
export function outputValueDependencies(value: Value, into: Set<string> = new Set()): Set<string> {
  if (signatureOf(value) === OUTPUT_VALUE_SIGNATURE && isObject(value)) {
    const dependencies = value.dependencies;
    if (Array.isArray(dependencies)) for (const urn of dependencies) if (typeof urn === "string") into.add(urn);
    if (value.value !== undefined) outputValueDependencies(value.value, into);
    return into;
  }
  if (Array.isArray(value)) for (const child of value) outputValueDependencies(child, into);
  else if (isObject(value)) for (const child of Object.values(value)) outputValueDependencies(child, into);
  return into;
}

/**
 * The form a provider that accepts neither secrets nor resource references receives (MarshalProperties with
 * KeepSecrets/KeepResources false): secrets unwrapped, references replaced by the resource's id (custom
 * resources) or its URN.
 */
export function forProviderWithoutSecrets(value: Value): Value {
  if (isSecret(value)) return forProviderWithoutSecrets(value.value ?? null);
  if (isResourceReference(value)) {
    const id = value.id;
    return typeof id === "string" && id !== "" ? id : (value.urn ?? null);
  }
  return mapChildren(value, forProviderWithoutSecrets);
}

/** Unknowns replaced for a message that must not carry them (MarshalProperties with KeepUnknowns false). */
export function withoutUnknowns(value: Value): Value {
  if (value === UNKNOWN) return null;
  return mapChildren(value, withoutUnknowns);
}

/**
 * provider_plugin.go `annotateSecrets`: a provider that cannot accept secrets got plaintext; every output
 * whose input of the same name held a secret is marked secret again (objects member by member).
 */
export function annotateSecrets(outputs: Properties, inputs: Properties): Properties {
  const result: Properties = { ...outputs };
  for (const [key, input] of Object.entries(inputs)) {
    const output = result[key];
    if (output === undefined) continue;
    if (isObject(output) && !isSecret(output) && isObject(input) && !isSecret(input)) {
      result[key] = annotateSecrets(output, input);
    } else if (!isSecret(output) && containsSecrets(input)) {
      result[key] = makeSecret(output);
    }
  }
  return result;
}

/** step_executor.go: an output whose input of the same key is a secret is made secret too. */
export function protectSecretInputs(outputs: Properties, inputs: Properties): Properties {
  const result: Properties = { ...outputs };
  for (const [key, output] of Object.entries(result)) {
    if (!isSecret(output) && isSecret(inputs[key])) result[key] = makeSecret(output);
  }
  return result;
}

export function deepEqual(a: Properties | undefined, b: Properties | undefined): boolean {
  return isDeepStrictEqual(a ?? {}, b ?? {});
}

/** The value with every secret unwrapped, for assertions and display. */
export function plainValue(value: Value): unknown {
  if (isSecret(value)) return plainValue(value.value ?? null);
  if (Array.isArray(value)) return value.map(plainValue);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, plainValue(child)]));
  return value;
}
