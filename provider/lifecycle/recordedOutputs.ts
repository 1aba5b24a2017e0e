// How the state records the outputs of this package's resource classes, and how their provider reads them back.
//
// The engine rewrites the whole state after every step (pkg/backend/snapshot.go saveSnapshot), and what that costs
// per entry grows with the number of property values much more than with their bytes: measured through the CLI at
// 1,000 resources, 16 more output values made `pulumi up` 28 s slower, the same 16 values as one JSON text 6.6 s
// slower. So a class's outputs are recorded in two parts:
// - at the top, each property the checked inputs have (those the program gave, and those check derives, such as
//   a name), as the object has it (null when it lacks it): `pulumi stack export` shows them by name, the engine
//   keeps an output secret when the input of the same key is, and a preview knows them from the inputs alone;
// - under `observed`, as one JSON text, everything else the provider found or chose: the ifindex, the stamp, the
//   settings the program left to the kernel (null when unset). Always there once the object is made, so that
//   the class can read those outputs from it, known in a preview too (dynamicResource.ts).
// The providers themselves answer with every output at the top, as `pulumi.dynamic.Resource` expects of them
// (provider.ts); classProviders.ts adapts them for the classes. Outputs recorded by an earlier version hold every
// property at the top and no `observed`: read as they are, kept so by a refresh (which ones the program gave is not
// recorded, and a refresh that only moved them would report a change), and recorded in two parts at the
// resource's next update.
import { type Properties, PROVIDER_KEY } from "../model";
import type { ResourceImplementation } from "./provider";

export const OBSERVED_KEY = "observed";

/**
 * Outputs as a provider answers them (every property at the top) as the state records them: `topKeys` at the
 * top, the rest under `observed`. The provider's own text is left out: the dynamic-provider host adds it.
 */
export function inTwoParts(outputs: Properties, topKeys: Iterable<string>): Properties {
  const top: Properties = {};
  for (const key of topKeys) if (key !== PROVIDER_KEY && key !== OBSERVED_KEY) top[key] = outputs[key] ?? null;
  const observed: Properties = {};
  for (const [key, value] of Object.entries(outputs)) if (value !== undefined && key !== PROVIDER_KEY && !(key in top)) observed[key] = value;
  return { ...top, [OBSERVED_KEY]: JSON.stringify(observed) };
}

/** Recorded outputs, in either form, as a provider reads them: every property at the top. */
export function inOnePart(recorded: Properties): Properties {
  const { [OBSERVED_KEY]: observed, ...top } = recorded;
  return typeof observed === "string" ? { ...top, ...(JSON.parse(observed) as Properties) } : recorded;
}

/** What a refresh records: each property in the part it was in before; outputs of the earlier form as they were. */
export function inPartsAsBefore(outputs: Properties, previous: Properties): Properties {
  if (typeof previous[OBSERVED_KEY] !== "string") return outputs;
  return inTwoParts(outputs, Object.keys(previous));
}

/** A provider that records its outputs in two parts, from one that answers them at the top. */
export function recordingInTwoParts(provider: ResourceImplementation): ResourceImplementation {
  return {
    check: (olds, news) => provider.check(olds, news),
    diff: (id, olds, news) => provider.diff(id, inOnePart(olds), news),
    async create(inputs) {
      try {
        const created = await provider.create(inputs);
        return { ...created, outs: inTwoParts(created.outs, Object.keys(inputs)) };
      } catch (error) {
        throw withPropertiesInTwoParts(error, Object.keys(inputs));
      }
    },
    async read(id, props) {
      const read = await provider.read(id, inOnePart(props));
      return read.props === undefined ? read : { ...read, props: inPartsAsBefore(read.props, props) };
    },
    async update(id, olds, news) {
      const updated = await provider.update(id, inOnePart(olds), news);
      return updated.outs === undefined ? updated : { ...updated, outs: inTwoParts(updated.outs, Object.keys(news)) };
    },
    delete: (id, props) => provider.delete(id, inOnePart(props)),
  };
}

/**
 * A create that made an object it could not remove again fails with the object's id and outputs, which the host
 * hands to the engine to record (@pulumi/pulumi cmd/dynamic-provider grpcResponseFromError; errors.ts
 * PartialCreateError): recorded in two parts too, the provider's own text kept.
 */
function withPropertiesInTwoParts(error: unknown, topKeys: string[]): unknown {
  if (!(error instanceof Error) || !("id" in error) || !("properties" in error)) return error;
  const failed = error as Error & { properties: Properties };
  failed.properties = { ...inTwoParts(failed.properties, topKeys), [PROVIDER_KEY]: failed.properties[PROVIDER_KEY] ?? null };
  return failed;
}
