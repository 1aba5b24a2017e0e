// The Forwarding inputs: schema, defaults, check. Pure; loaded by the first check (zod with it), or by the first
// read of the inputs a state recorded.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import * as fields from "../../model/fields";

const devices = z
  .array(fields.interfaceName({ allowTemplate: false }))
  .superRefine((list, ctx) => {
    if (list.length === 0) ctx.addIssue({ code: "custom", message: "name at least one device, or leave devices out for the global switches" });
    list.forEach((device, index) => {
      const first = list.indexOf(device);
      if (first !== index) ctx.addIssue({ code: "custom", path: [index], message: `"${device}" repeats devices[${first}]` });
    });
  });

export const forwardingInputsSchema = z.strictObject({
  ipv4: z.boolean().default(true),
  ipv6: z.boolean().default(false),
  /**
   * Forward through these devices only (IPv4: net.ipv4.conf.DEV.forwarding on every device packets arrive on, so
   * both the lab's and the uplink; IPv6: net.ipv6.conf.DEV.force_forwarding, Linux 6.17 and later). Absent: the
   * global switches, which turn forwarding on for every device.
   */
  devices: devices.optional(),
  netns: fields.namespaceName.optional(),
  managedBy: fields.managedBy.optional(),
});

export type ForwardingInputs = z.output<typeof forwardingInputsSchema>;

const turnsSomethingOn: CrossFieldRule<ForwardingInputs> = (value, unknown) =>
  value.ipv4 === false && value.ipv6 === false && !unknown.has("ipv4") && !unknown.has("ipv6")
    ? [{ property: "ipv4", reason: "ipv4 and ipv6 are both false: this Forwarding would turn on nothing. Enable one, or remove the resource" }]
    : [];

export function checkForwarding(_olds: Properties, news: Properties): CheckOutcome<ForwardingInputs> {
  return checkInputs(forwardingInputsSchema, news, [turnsSomethingOn]);
}
