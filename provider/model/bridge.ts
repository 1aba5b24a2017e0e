// The Bridge model: inputs, defaults, state. Pure.
import { z } from "zod";
import { type CheckOutcome, checkInputs } from "./check";
import * as fields from "./fields";
import { ipv6NeedsMinimumMtu } from "./linkRules";
import { randomInterfaceName } from "./names";
import { derivedName } from "./tapInterface";
import { randomBytes } from "node:crypto";

export const bridgeInputsSchema = z.strictObject({
  name: fields.interfaceName({ allowTemplate: true }).optional(),
  mtu: fields.mtu.optional(),
  macAddress: fields.macAddress.optional(),
  addresses: fields.cidrList.default([]),
  up: z.boolean().default(true),
  stp: z.boolean().default(false),
  txQueueLength: fields.txQueueLength.optional(),
  description: fields.description.optional(),
  netns: fields.namespaceName.optional(),
  adopt: z.boolean().default(false),
  managedBy: fields.managedBy.optional(),
  /** Set by check, not by users: see derivedName. */
  nameDerivedFrom: fields.managedBy.optional(),
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

export function checkBridge(olds: Record<string, unknown>, news: Record<string, unknown>): CheckOutcome<BridgeInputs> {
  const outcome = checkInputs<BridgeInputs>(bridgeInputsSchema, news, [
    (value, unknown) =>
      value.adopt === true && !unknown.has("name") && (value.name === undefined || value.name.includes("%d"))
        ? [{ property: "name", reason: "adopt: true takes over one existing bridge, so name must be its exact name" }]
        : [],
    ipv6NeedsMinimumMtu,
  ]);
  const value = outcome.value;
  if (value === undefined || value.name !== undefined || outcome.unknown.has("name") || outcome.unknown.has("managedBy")) return outcome;
  const named =
    value.managedBy !== undefined
      ? derivedName(olds, value.managedBy, "Bridge", "br", "br")
      : { name: typeof olds.name === "string" ? olds.name : randomInterfaceName("br", randomBytes(4).toString("hex")) };
  Object.assign(value, named);
  Object.assign(outcome.inputs, named);
  return outcome;
}
