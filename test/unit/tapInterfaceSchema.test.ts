// TapInterface `check`: one test per table row. Bad inputs (the table test/support/badInputs.ts shares with the
// reliability tests) must name the exact failing property (with the path Pulumi prints) and a reason a user
// recognises; good inputs come back normalised with defaults filled.
import { describe, test } from "node:test";
import { checkTapInterface } from "pulumi-tuntap";
import { badInputs } from "../support/badInputs";
import { type AcceptedRow, assertAccepted, assertRejected } from "./support/checkRows";

/** What check fills in for a device declared with nothing but a name. */
const TAP_DEFAULTS = {
  mode: "tap",
  multiQueue: false,
  packetInfo: false,
  vnetHdr: false,
  addresses: [],
  up: true,
  promiscuous: false,
  adopt: false,
} as const;

const named = (extra: Record<string, unknown>) => ({ name: "tap0", ...extra });
const expectedWith = (extra: Record<string, unknown>) => ({ ...TAP_DEFAULTS, name: "tap0", ...extra });
const longDescription = "d".repeat(255);

const acceptedRows: AcceptedRow[] = [
  { title: "only a name: every default filled", inputs: { name: "tap0" }, expected: expectedWith({}) },
  { title: 'the template "tap%d"', inputs: { name: "tap%d" }, expected: { ...TAP_DEFAULTS, name: "tap%d" } },
  { title: "a template in the middle", inputs: { name: "vm%d-net" }, expected: { ...TAP_DEFAULTS, name: "vm%d-net" } },
  { title: "a 15-byte name", inputs: { name: "abcdefghijklmno" }, expected: { ...TAP_DEFAULTS, name: "abcdefghijklmno" } },
  { title: "7 two-byte characters (14 bytes)", inputs: { name: "é".repeat(7) }, expected: { ...TAP_DEFAULTS, name: "é".repeat(7) } },
  { title: "MTU 68 (the minimum) on a tap", inputs: named({ mtu: 68 }), expected: expectedWith({ mtu: 68 }) },
  { title: "MTU 65521 (the tap maximum)", inputs: named({ mtu: 65521 }), expected: expectedWith({ mtu: 65521 }) },
  { title: "MTU 65522 on a tun", inputs: named({ mode: "tun", mtu: 65522 }), expected: expectedWith({ mode: "tun", mtu: 65522 }) },
  { title: "MTU 65535 on a tun", inputs: named({ mode: "tun", mtu: 65535 }), expected: expectedWith({ mode: "tun", mtu: 65535 }) },
  { title: "an uppercase MAC, lowered", inputs: named({ macAddress: "52:54:00:AB:CD:EF" }), expected: expectedWith({ macAddress: "52:54:00:ab:cd:ef" }) },
  { title: 'a MAC with "-" separators, given colons', inputs: named({ macAddress: "52-54-00-12-34-56" }), expected: expectedWith({ macAddress: "52:54:00:12:34:56" }) },
  { title: "a locally administered unicast MAC", inputs: named({ macAddress: "02:00:00:00:00:01" }), expected: expectedWith({ macAddress: "02:00:00:00:00:01" }) },
  { title: "IPv6 normalised to RFC 5952", inputs: named({ addresses: ["FD00:0:0::1/64"] }), expected: expectedWith({ addresses: ["fd00::1/64"] }) },
  { title: "IPv6 in full form shortened", inputs: named({ addresses: ["2001:0db8:0000:0000:0000:0000:0000:0001/64"] }), expected: expectedWith({ addresses: ["2001:db8::1/64"] }) },
  { title: "the first of two equal zero runs shortened", inputs: named({ addresses: ["2001:db8:0:0:1:0:0:1/64"] }), expected: expectedWith({ addresses: ["2001:db8::1:0:0:1/64"] }) },
  { title: "the longer zero run shortened", inputs: named({ addresses: ["2001:0:0:1:0:0:0:1/64"] }), expected: expectedWith({ addresses: ["2001:0:0:1::1/64"] }) },
  { title: "a lone zero group kept", inputs: named({ addresses: ["2001:db8:0:1:1:1:1:1/64"] }), expected: expectedWith({ addresses: ["2001:db8:0:1:1:1:1:1/64"] }) },
  { title: "an IPv4-mapped address keeps its dotted tail", inputs: named({ addresses: ["::FFFF:a00:1/96"] }), expected: expectedWith({ addresses: ["::ffff:10.0.0.1/96"] }) },
  { title: "IPv4 and IPv6 together, order kept", inputs: named({ addresses: ["fd00::1/64", "10.0.0.1/24"] }), expected: expectedWith({ addresses: ["fd00::1/64", "10.0.0.1/24"] }) },
  { title: "IPv6 on MTU 1280 exactly", inputs: named({ mtu: 1280, addresses: ["fd00::1/64"] }), expected: expectedWith({ mtu: 1280, addresses: ["fd00::1/64"] }) },
  { title: "IPv4 alone on MTU 576", inputs: named({ mtu: 576, addresses: ["10.0.0.1/24"] }), expected: expectedWith({ mtu: 576, addresses: ["10.0.0.1/24"] }) },
  { title: "owner and group 0", inputs: named({ owner: 0, group: 0 }), expected: expectedWith({ owner: 0, group: 0 }) },
  { title: "owner 4294967294, the largest id", inputs: named({ owner: 4294967294 }), expected: expectedWith({ owner: 4294967294 }) },
  // Stack config gives strings: `pulumi config set owner 1000`. A name cannot be all digits, so these are ids.
  { title: "owner and group as digit strings become ids", inputs: named({ owner: "1000", group: "0" }), expected: expectedWith({ owner: 1000, group: 0 }) },
  { title: "txQueueLength 524288, the longest the kernel's default queue holds", inputs: named({ txQueueLength: 524288 }), expected: expectedWith({ txQueueLength: 524288 }) },
  { title: "a description with a well-formed emoji (a surrogate pair)", inputs: named({ description: "uplink 🙂" }), expected: expectedWith({ description: "uplink 🙂" }) },
  // Whether a name exists is the resource layer's question (it asks the host), not the model's.
  { title: "owner and group names the model cannot resolve", inputs: named({ owner: "no-such-user-x", group: "no_such.group$" }), expected: expectedWith({ owner: "no-such-user-x", group: "no_such.group$" }) },
  { title: "a multi-queue tun with packet info and vnet headers", inputs: named({ mode: "tun", multiQueue: true, packetInfo: true, vnetHdr: true }), expected: expectedWith({ mode: "tun", multiQueue: true, packetInfo: true, vnetHdr: true }) },
  { title: "a bridge, a netns and a 255-byte description", inputs: named({ bridge: "br0", netns: "lab", description: longDescription }), expected: expectedWith({ bridge: "br0", netns: "lab", description: longDescription }) },
  { title: "txQueueLength 0 and down, promiscuous", inputs: named({ txQueueLength: 0, up: false, promiscuous: true }), expected: expectedWith({ txQueueLength: 0, up: false, promiscuous: true }) },
  { title: "adopt with an exact name", inputs: named({ adopt: true }), expected: expectedWith({ adopt: true }) },
  { title: "the __provider key is left out", inputs: named({ __provider: "serialized provider text" }), expected: expectedWith({}) },
];

describe("TapInterface check rejects", () => {
  for (const row of badInputs.filter((input) => input.resource === "TapInterface" && input.hostOnly !== true)) {
    test(row.title, () => assertRejected(checkTapInterface({}, row.inputs), row));
  }
});

describe("TapInterface check accepts and normalises", () => {
  for (const row of acceptedRows) {
    test(row.title, () => assertAccepted(checkTapInterface({}, row.inputs), row));
  }
});
