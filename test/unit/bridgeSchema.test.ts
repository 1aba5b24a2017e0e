// Bridge `check`: one test per table row, as for TapInterface.
import { describe, test } from "node:test";
import { checkBridge } from "pulumi-tuntap/model";
import { type AcceptedRow, assertAccepted, assertRejected, type RejectedRow } from "./support/checkRows";

const BRIDGE_DEFAULTS = { addresses: [], up: true, stp: false, adopt: false } as const;

const named = (extra: Record<string, unknown>) => ({ name: "br0", ...extra });
const expectedWith = (extra: Record<string, unknown>) => ({ ...BRIDGE_DEFAULTS, name: "br0", ...extra });

const rejectedRows: RejectedRow[] = [
  { title: "a 16-byte name", inputs: { name: "bridge-sixteen-b" }, property: "name", reason: /16 bytes/ },
  { title: "a name with a space", inputs: { name: "br 0" }, property: "name", reason: /white space/ },
  { title: "a name with a colon", inputs: { name: "br:0" }, property: "name", reason: /"\/" or ":"/ },
  { title: "a template with %s", inputs: { name: "br%s" }, property: "name", reason: /not a valid template/ },
  { title: "mode is not a bridge property", inputs: named({ mode: "tun" }), property: "mode", reason: /unknown property "mode"; the properties are: name, mtu/ },
  { title: "multiQueue is not a bridge property", inputs: named({ multiQueue: true }), property: "multiQueue", reason: /unknown property "multiQueue"/ },
  { title: "owner is not a bridge property", inputs: named({ owner: 0 }), property: "owner", reason: /unknown property "owner"/ },
  { title: 'stp: "on"', inputs: named({ stp: "on" }), property: "stp", reason: /expected a boolean, got the string "on"/ },
  { title: "MTU 67", inputs: named({ mtu: 67 }), property: "mtu", reason: /at least 68/ },
  { title: "MTU 65536", inputs: named({ mtu: 65536 }), property: "mtu", reason: /at most 65535/ },
  { title: "a fractional MTU", inputs: named({ mtu: 9000.25 }), property: "mtu", reason: /whole number/ },
  { title: "a multicast MAC", inputs: named({ macAddress: "33:33:00:00:00:01" }), property: "macAddress", reason: /multicast/ },
  { title: "a malformed MAC", inputs: named({ macAddress: "52:54:00:12:34:567" }), property: "macAddress", reason: /not a MAC address/ },
  { title: "duplicate addresses in two spellings", inputs: named({ addresses: ["2001:db8::1/64", "2001:DB8:0:0:0:0:0:1/48"] }), property: "addresses[1]", reason: /repeats addresses\[0\]/ },
  { title: "an IPv4 prefix of 40", inputs: named({ addresses: ["192.168.1.1/40"] }), property: "addresses[0]", reason: /prefix length outside/ },
  { title: "IPv6 on MTU 1000", inputs: named({ mtu: 1000, addresses: ["10.0.0.1/24", "fd00::1/64"] }), property: "mtu", reason: /IPv6 address fd00::1\/64 needs an MTU of at least 1280/ },
  { title: "adopt with a template name", inputs: { name: "br%d", adopt: true }, property: "name", reason: /exact name/ },
  { title: "adopt without a name", inputs: { adopt: true, managedBy: "p/s/r" }, property: "name", reason: /exact name/ },
  { title: "a netns with a slash", inputs: named({ netns: "/run/netns/lab" }), property: "netns", reason: /not a path/ },
  { title: "a negative txQueueLength", inputs: named({ txQueueLength: -3 }), property: "txQueueLength", reason: /at least 0/ },
  { title: "up as a number", inputs: named({ up: 0 }), property: "up", reason: /expected a boolean, got the number 0/ },
  { title: "addresses as an object", inputs: named({ addresses: { a: "10.0.0.1/24" } }), property: "addresses", reason: /expected a list, got an object/ },
];

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
  for (const row of rejectedRows) test(row.title, () => assertRejected(checkBridge({}, row.inputs), row));
});

describe("Bridge check accepts and normalises", () => {
  for (const row of acceptedRows) test(row.title, () => assertAccepted(checkBridge({}, row.inputs), row));
});
