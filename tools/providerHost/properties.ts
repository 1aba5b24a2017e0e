// Property values as they travel in Pulumi's gRPC messages (google.protobuf.Struct as plain JavaScript). Signed
// values are objects whose SIGNATURE_KEY member says what they are (sdk/go/common/resource/sig):
// - a secret is { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
// - a resource reference is { [SIGNATURE_KEY]: RESOURCE_REFERENCE_SIGNATURE, urn, id?, packageVersion }.

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };
export type Properties = Record<string, Value>;

const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_REFERENCE_SIGNATURE = "5cf8f73096256a8f31e491e813e4eb8e";

function isObject(value: Value | undefined): value is { [key: string]: Value } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function signatureOf(value: Value | undefined): string | undefined {
  if (!isObject(value)) return undefined;
  const signature = value[SIGNATURE_KEY];
  return typeof signature === "string" ? signature : undefined;
}

/**
 * The form a provider that accepts neither secrets nor resource references receives (the engine's
 * MarshalProperties with KeepSecrets/KeepResources false): secrets unwrapped, references replaced by the
 * resource's id (custom resources) or its URN.
 */
export function forProviderWithoutSecrets(value: Value): Value {
  const signature = signatureOf(value);
  if (signature === SECRET_SIGNATURE && isObject(value)) return forProviderWithoutSecrets(value.value ?? null);
  if (signature === RESOURCE_REFERENCE_SIGNATURE && isObject(value)) {
    const id = value.id;
    return typeof id === "string" && id !== "" ? id : (value.urn ?? null);
  }
  if (Array.isArray(value)) return value.map(forProviderWithoutSecrets);
  if (isObject(value) && signature === undefined) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, forProviderWithoutSecrets(child)]));
  }
  return value;
}
