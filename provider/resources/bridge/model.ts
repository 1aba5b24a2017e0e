// The Bridge model: inputs, defaults, state. Pure.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type Properties } from "../../model/check";
import * as fields from "../../model/fields";
import { adoptNeedsExactName, ipv6NeedsMinimumMtu, nameUnnamedLink } from "../../model/linkRules";

export const bridgeInputsSchema = z.strictObject({
  ...fields.linkFields,
  stp: z.boolean().default(false),
});

export type BridgeInputs = z.output<typeof bridgeInputsSchema>;

export interface BridgeState {
  name: string;
  mtu: number;
  macAddress: string;
  addresses: string[];
  up: boolean;
  stp: boolean;
  txQueueLength: number;
  description?: string;
  netns?: string;
  adopt: boolean;
  managedBy?: string;
  ifindex: number;
  stamp: string;
  /** Names of the links that are ports of this bridge now. */
  ports: string[];
}

export function checkBridge(olds: Properties, news: Properties): CheckOutcome<BridgeInputs> {
  const outcome = checkInputs(bridgeInputsSchema, news, [adoptNeedsExactName("bridge"), ipv6NeedsMinimumMtu]);
  return nameUnnamedLink(outcome, olds, "Bridge", "br");
}
