// Required inputs that are not known yet. Pure.
//
// During a preview an input computed from another resource's output (a Masquerade's `device: bridge.name` on the
// first `pulumi up`) reaches check as an unknown value, and checkInputs validates only what is known: a required
// key left out that way must not fail as missing. This makes such keys optional for that one check; once they
// are known, the whole schema applies again.
import type { z } from "zod";
import type { Properties } from "./check";
import { containsUnknown } from "./unknown";

export function requiredUnlessUnknown<S extends z.ZodObject>(schema: S, news: Properties): S {
  const unknown = Object.fromEntries(Object.keys(schema.shape).filter((key) => containsUnknown(news[key])).map((key) => [key, true as const]));
  // Same shape with some keys optional: the outcome is only `complete` when nothing is unknown, i.e. under `schema` itself.
  return (Object.keys(unknown).length === 0 ? schema : schema.partial(unknown as never)) as unknown as S;
}
