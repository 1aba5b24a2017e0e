// Outputs for settings an object does not have (a device with no alias, a route without a gateway) are recorded
// as null rather than left out. The Node SDK resolves an output whose key the state lacks as *unknown* during a
// preview (@pulumi/pulumi runtime/rpc.ts, resolveProperties: a missing key is known to be absent only outside a
// preview), so a program that passes such an output on — a device's unset description into NetworkdFiles, its
// netns into a Route — would plan a change in every preview that the next `pulumi up` finds to be none. A key
// held with null is known in a preview too. The provider reads recorded outputs without those nulls, so no
// kind sees them; each resource class hands them to the program as undefined (dynamicResource.ts).
import type { Properties } from "../model";

/** The outputs as the state records them: every key of `unset` the object does not have, held as null. */
export function withUnsetAsNull<State extends object>(state: State, unset: readonly string[]): Properties {
  const recorded: Properties = { ...(state as Properties) };
  for (const key of unset) if (recorded[key] === undefined) recorded[key] = null;
  return recorded;
}

/** Recorded outputs as the kinds read them: an unset setting is absent, as it is in checked inputs. */
export function withoutNulls(props: Properties): Properties {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== null));
}
