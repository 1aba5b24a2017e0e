// The Bridge inputs: schema, defaults, check. Pure; loaded by the first check (zod with it), so that a destroy or
// a refresh does without.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type Properties } from "../../model/check";
import * as fields from "../../model/fields";
import { adoptNeedsExactName, ipv6NeedsMinimumMtu, nameUnnamedLink } from "../../model/linkRules";

export const bridgeInputsSchema = z.strictObject({
  ...fields.linkFields,
  stp: z.boolean().default(false),
});

export type BridgeInputs = z.output<typeof bridgeInputsSchema>;

export function checkBridge(olds: Properties, news: Properties): CheckOutcome<BridgeInputs> {
  const outcome = checkInputs(bridgeInputsSchema, news, [adoptNeedsExactName("bridge"), ipv6NeedsMinimumMtu]);
  return nameUnnamedLink(outcome, olds, "Bridge", "br");
}
