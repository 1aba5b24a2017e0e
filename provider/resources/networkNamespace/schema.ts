// The NetworkNamespace inputs: schema, defaults, check. Pure; loaded by the first check (zod with it), so that a
// destroy or a refresh does without.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import * as fields from "../../model/fields";
import { nameUnnamedLink } from "../../model/linkRules";

export const networkNamespaceInputsSchema = z.strictObject({
  name: fields.namespaceName.optional(),
  /** `ip netns add` leaves lo down; nearly everything run inside needs it (127.0.0.1, ::1), so it is up by default. */
  loopbackUp: z.boolean().default(true),
  adopt: z.boolean().default(false),
  managedBy: fields.managedBy.optional(),
  /** Set by check, not by users: the identity a derived name was made from, once the identity has changed. */
  nameDerivedFrom: fields.managedBy.optional(),
});

export type NetworkNamespaceInputs = z.output<typeof networkNamespaceInputsSchema>;

/** adopt takes over one existing namespace, so it must be named: a derived name would adopt whatever has that name. */
const adoptNeedsName: CrossFieldRule<NetworkNamespaceInputs> = (value, unknown) =>
  value.adopt === true && value.name === undefined && !unknown.has("name")
    ? [{ property: "name", reason: "adopt: true takes over one existing network namespace, so name must be given: its exact name" }]
    : [];

export function checkNetworkNamespace(olds: Properties, news: Properties): CheckOutcome<NetworkNamespaceInputs> {
  const outcome = checkInputs(networkNamespaceInputsSchema, news, [adoptNeedsName]);
  return nameUnnamedLink(outcome, olds, "NetworkNamespace", "ns");
}
