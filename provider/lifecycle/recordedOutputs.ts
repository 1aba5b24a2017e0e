// How the state records the outputs of this package's resource classes, and how their provider reads them back.
//
// The engine rewrites the whole state after every step (pkg/backend/snapshot.go saveSnapshot), and what that costs
// per entry grows with the number of property values much more than with their bytes: measured through the CLI at
// 1,000 resources, 16 more output values made `pulumi up` 28 s slower, the same 16 values as one JSON text 6.6 s
// slower. So a class's outputs are recorded in two parts:
// - at the top, each property the checked inputs have (those the program gave, and those check derives, such as
//   a name), as the object has it (null when it lacks it): `pulumi stack export` shows them by name, the engine
//   keeps an output secret when the input of the same key is (pkg/resource/plugin/provider_plugin.go
//   annotateSecrets: the dynamic-provider host does not accept secrets), and a preview knows them from the inputs
//   alone. A key whose output is much more than its input (a pool's devices, each with what the kernel reports)
//   can be recorded there as one JSON text, which keeps it under its own name, and so its secrecy;
// - under `observed`, as one JSON text, everything else the provider found or chose: the ifindex, the stamp, the
//   settings the program left to the kernel (null when unset), and the identity (`managedBy`) the class gives
//   every resource, which the class knows without reading it back. Always there once the object is made, so
//   that the class can read those outputs from it, known in a preview too (dynamicResource.ts). It names the top
//   keys recorded as text, so that a state says itself how to read it.
// The providers themselves answer with every output at the top, as `pulumi.dynamic.Resource` expects of them
// (provider.ts); classProviders.ts adapts them for the classes. Outputs recorded by an earlier version hold every
// property at the top and no `observed`: read as they are, kept so by a refresh (which ones the program gave is not
// recorded, and a refresh that only moved them would report a change), and recorded in two parts at the
// resource's next update. A refresh keeps every property in the part, and the form, it was recorded in.
import type { Properties } from "../model/check";
import { PROVIDER_KEY } from "../model/providerKey";
import type { ResourceImplementation } from "./provider";

export const OBSERVED_KEY = "observed";
/** The identity every class gives its resource, "project/stack/resource": recorded under `observed`. */
export const IDENTITY_KEY = "managedBy";
/** Inside `observed`: the top keys recorded as JSON text. */
const AS_TEXT_KEY = "$recordedAsText";

/**
 * Outputs as a provider answers them (every property at the top) as the state records them: `topKeys` at the
 * top (those of `asText` as JSON text), the rest under `observed`. The provider's own text is left out: the
 * dynamic-provider host adds it.
 */
export function inTwoParts(outputs: Properties, topKeys: Iterable<string>, asText: readonly string[] = []): Properties {
  const top: Properties = {};
  const textKeys: string[] = [];
  for (const key of topKeys) {
    if (key === PROVIDER_KEY || key === OBSERVED_KEY) continue;
    const value = outputs[key] ?? null;
    if (value !== null && asText.includes(key)) {
      top[key] = JSON.stringify(value);
      textKeys.push(key);
    } else {
      top[key] = value;
    }
  }
  const observed: Properties = {};
  for (const [key, value] of Object.entries(outputs)) if (value !== undefined && key !== PROVIDER_KEY && !(key in top)) observed[key] = value;
  if (textKeys.length > 0) observed[AS_TEXT_KEY] = textKeys;
  return { ...top, [OBSERVED_KEY]: JSON.stringify(observed) };
}

/** Recorded outputs, in either form, as a provider reads them: every property at the top, none as text. */
export function inOnePart(recorded: Properties): Properties {
  const { [OBSERVED_KEY]: observed, ...top } = recorded;
  if (typeof observed !== "string") return recorded;
  const { [AS_TEXT_KEY]: textKeys, ...found } = JSON.parse(observed) as Properties;
  for (const key of recordedAsText(textKeys)) {
    const text = top[key];
    if (typeof text === "string") top[key] = JSON.parse(text) as unknown;
  }
  return { ...top, ...found };
}

/** What a refresh records: each property in the part, and the form, it was in before; earlier forms as they were. */
export function inPartsAsBefore(outputs: Properties, previous: Properties): Properties {
  const observed = previous[OBSERVED_KEY];
  if (typeof observed !== "string") return outputs;
  return inTwoParts(outputs, Object.keys(previous), recordedAsText((JSON.parse(observed) as Properties)[AS_TEXT_KEY]));
}

function recordedAsText(textKeys: unknown): string[] {
  return Array.isArray(textKeys) ? textKeys.filter((key): key is string => typeof key === "string") : [];
}

/** The top keys of what the engine records for these checked inputs: all of them but the class's identity. */
function topKeysOf(inputs: Properties): string[] {
  return Object.keys(inputs).filter((key) => key !== IDENTITY_KEY);
}

/**
 * A provider that records its outputs in two parts, from one that answers them at the top; the outputs of
 * `asText` as JSON text (at the top).
 */
export function recordingInTwoParts(provider: ResourceImplementation, asText: readonly string[] = []): ResourceImplementation {
  return {
    check: (olds, news) => provider.check(olds, news),
    diff: (id, olds, news) => provider.diff(id, inOnePart(olds), news),
    async create(inputs) {
      try {
        const created = await provider.create(inputs);
        return { ...created, outs: inTwoParts(created.outs, topKeysOf(inputs), asText) };
      } catch (error) {
        throw withPropertiesInTwoParts(error, topKeysOf(inputs), asText);
      }
    },
    async read(id, props) {
      const read = await provider.read(id, inOnePart(props));
      return read.props === undefined ? read : { ...read, props: inPartsAsBefore(read.props, props) };
    },
    async update(id, olds, news) {
      const updated = await provider.update(id, inOnePart(olds), news);
      return updated.outs === undefined ? updated : { ...updated, outs: inTwoParts(updated.outs, topKeysOf(news), asText) };
    },
    delete: (id, props) => provider.delete(id, inOnePart(props)),
  };
}

/**
 * A create that made an object it could not remove again fails with the object's id and outputs, which the host
 * hands to the engine to record (@pulumi/pulumi cmd/dynamic-provider grpcResponseFromError; errors.ts
 * PartialCreateError): recorded in two parts too, the provider's own text kept.
 */
function withPropertiesInTwoParts(error: unknown, topKeys: string[], asText: readonly string[]): unknown {
  if (!(error instanceof Error) || !("id" in error) || !("properties" in error)) return error;
  const failed = error as Error & { properties: Properties };
  failed.properties = { ...inTwoParts(failed.properties, topKeys, asText), [PROVIDER_KEY]: failed.properties[PROVIDER_KEY] ?? null };
  return failed;
}
