// Bridge `check`: one test per table row, as for TapInterface.
import { describe, test } from "node:test";
import { checkBridge } from "pulumi-tuntap";
import { badInputs } from "../support/badInputs";
import { type AcceptedRow, assertAccepted, assertRejected } from "./support/checkRows";

const BRIDGE_DEFAULTS = { addresses: [], up: true, stp: false, adopt: false } as const;

const named = (extra: Record<string, unknown>) => ({ name: "br0", ...extra });
const expectedWith = (extra: Record<string, unknown>) => ({ ...BRIDGE_DEFAULTS, name: "br0", ...extra });

const acceptedRows: AcceptedRow[] = [
  { title: "only a name: every default filled", inputs: { name: "br0" }, expected: expectedWith({}) },
  { title: 'the template "br%d"', inputs: { name: "br%d" }, expected: { ...BRIDGE_DEFAULTS, name: "br%d" } },
  { title: "stp on", inputs: named({ stp: true }), expected: expectedWith({ stp: true }) },
  { title: "MTU 9000 and a MAC in capitals with dashes", inputs: named({ mtu: 9000, macAddress: "02-AA-BB-CC-DD-EE" }), expected: expectedWith({ mtu: 9000, macAddress: "02:aa:bb:cc:dd:ee" }) },
  { title: "addresses normalised", inputs: named({ addresses: ["192.168.10.1/24", "FD00:0:0:0::A/64"] }), expected: expectedWith({ addresses: ["192.168.10.1/24", "fd00::a/64"] }) },
  { title: "a description, a netns, a txQueueLength", inputs: named({ description: "lab uplink", netns: "lab", txQueueLength: 500 }), expected: expectedWith({ description: "lab uplink", netns: "lab", txQueueLength: 500 }) },
  { title: "the __provider key is left out", inputs: named({ __provider: "serialized" }), expected: expectedWith({}) },
  { title: "adopt with an exact name", inputs: named({ adopt: true }), expected: expectedWith({ adopt: true }) },
];

describe("Bridge check rejects", () => {
  for (const row of badInputs.filter((input) => input.resource === "Bridge")) test(row.title, () => assertRejected(checkBridge({}, row.inputs), row));
});

describe("Bridge check accepts and normalises", () => {
  for (const row of acceptedRows) test(row.title, () => assertAccepted(checkBridge({}, row.inputs), row));
});
