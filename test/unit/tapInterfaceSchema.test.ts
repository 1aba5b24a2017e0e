// TapInterface `check`: one test per table row. Bad inputs must name the exact failing property (with the
// path Pulumi prints) and a reason a user recognises; good inputs come back normalised with defaults filled.
import { describe, test } from "node:test";
import { checkTapInterface } from "pulumi-tuntap/model";
import { type AcceptedRow, assertAccepted, assertRejected, type RejectedRow } from "./support/checkRows";

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

const nameRows: RejectedRow[] = [
  { title: "a 16-byte name", inputs: { name: "abcdefghijklmnop" }, property: "name", reason: /16 bytes.*at most 15/ },
  { title: "8 two-byte characters (16 bytes in UTF-8)", inputs: { name: "é".repeat(8) }, property: "name", reason: /16 bytes.*at most 15/ },
  { title: "a 4-byte emoji pushing a name to 17 bytes", inputs: { name: "abcdefghijklm😀" }, property: "name", reason: /17 bytes/ },
  { title: "the empty name", inputs: { name: "" }, property: "name", reason: /must not be empty/ },
  { title: 'the name "."', inputs: { name: "." }, property: "name", reason: /reserved/ },
  { title: 'the name ".."', inputs: { name: ".." }, property: "name", reason: /reserved/ },
  { title: "a name with a slash", inputs: { name: "a/b" }, property: "name", reason: /"\/" or ":"/ },
  { title: "a name with a colon", inputs: { name: "a:b" }, property: "name", reason: /"\/" or ":"/ },
  { title: "a name with a space", inputs: { name: "a b" }, property: "name", reason: /white space/ },
  { title: "a name with a tab", inputs: { name: "a\tb" }, property: "name", reason: /white space/ },
  { title: "a name with a newline", inputs: { name: "a\nb" }, property: "name", reason: /white space/ },
  {
    title: '"à", whose UTF-8 (C3 A0) holds the Latin-1 space 0xA0: the reason names the character and the byte',
    inputs: { name: "tapà" },
    property: "name",
    reason: /"tapà" contains "à", whose UTF-8 form \(C3 A0\) holds the byte A0, which the kernel counts as white space/,
  },
  { title: "a lone high surrogate (no UTF-8 form)", inputs: { name: "tap\uD800" }, property: "name", reason: /lone UTF-16 surrogate \(\\uD800 at position 3\).*U\+FFFD/ },
  { title: "a lone low surrogate", inputs: { name: "\uDC00tap" }, property: "name", reason: /lone UTF-16 surrogate \(\\uDC00 at position 0\)/ },
  { title: "a name with a control character, shown escaped", inputs: { name: "a\u0001b" }, property: "name", reason: /^"a\\u0001b" contains a control character$/ },
  { title: "a name with DEL", inputs: { name: "a\u007fb" }, property: "name", reason: /control character/ },
  { title: "a template with two %d", inputs: { name: "tap%d%d" }, property: "name", reason: /one "%d"/ },
  { title: "a template with %x", inputs: { name: "tap%x" }, property: "name", reason: /not a valid template/ },
  { title: "a trailing lone %", inputs: { name: "tap%" }, property: "name", reason: /not a valid template/ },
  { title: "a name that is a number", inputs: { name: 5 }, property: "name", reason: /expected a string, got the number 5/ },
];

const mtuRows: RejectedRow[] = [
  { title: "MTU 0", inputs: named({ mtu: 0 }), property: "mtu", reason: /at least 68, got 0/ },
  { title: "MTU 67", inputs: named({ mtu: 67 }), property: "mtu", reason: /at least 68, got 67/ },
  { title: "MTU 65522 on a tap (tap maximum is 65521)", inputs: named({ mtu: 65522 }), property: "mtu", reason: /tap device's MTU must be between 68 and 65521, got 65522/ },
  { title: "MTU 65536 on a tun", inputs: named({ mode: "tun", mtu: 65536 }), property: "mtu", reason: /at most 65535, got 65536/ },
  { title: "a fractional MTU", inputs: named({ mtu: 1500.5 }), property: "mtu", reason: /whole number, got the fraction 1500.5/ },
  { title: "an MTU given as a string", inputs: named({ mtu: "1500" }), property: "mtu", reason: /expected a number, got the string "1500"/ },
  { title: "IPv6 on an MTU below 1280", inputs: named({ mtu: 1279, addresses: ["fd00::1/64"] }), property: "mtu", reason: /IPv6 address fd00::1\/64 needs an MTU of at least 1280.*got 1279/ },
];

const macRows: RejectedRow[] = [
  { title: "a multicast MAC", inputs: named({ macAddress: "01:00:5e:00:00:01" }), property: "macAddress", reason: /multicast/ },
  { title: "a MAC with only the multicast bit set in a locally administered byte", inputs: named({ macAddress: "03:00:00:00:00:01" }), property: "macAddress", reason: /low bit of the first byte/ },
  { title: "the all-zero MAC", inputs: named({ macAddress: "00:00:00:00:00:00" }), property: "macAddress", reason: /all-zero/ },
  { title: "the broadcast MAC", inputs: named({ macAddress: "ff:ff:ff:ff:ff:ff" }), property: "macAddress", reason: /broadcast/ },
  { title: "a MAC with five bytes", inputs: named({ macAddress: "52:54:00:12:34" }), property: "macAddress", reason: /not a MAC address/ },
  { title: "a MAC with a non-hex digit", inputs: named({ macAddress: "52:54:00:12:34:5g" }), property: "macAddress", reason: /not a MAC address/ },
  { title: "a MAC mixing : and - separators", inputs: named({ macAddress: "52:54-00:12:34:56" }), property: "macAddress", reason: /not a MAC address/ },
  { title: "a MAC without separators", inputs: named({ macAddress: "525400123456" }), property: "macAddress", reason: /not a MAC address/ },
  { title: "a MAC on a tun device", inputs: named({ mode: "tun", macAddress: "52:54:00:12:34:56" }), property: "macAddress", reason: /tun device .* no MAC address/ },
];

const addressRows: RejectedRow[] = [
  { title: "an address without a prefix", inputs: named({ addresses: ["10.0.0.1"] }), property: "addresses[0]", reason: /not an address with a prefix length/ },
  { title: "an IPv4 octet over 255", inputs: named({ addresses: ["10.0.0.256/24"] }), property: "addresses[0]", reason: /valid IPv4 or IPv6 address/ },
  { title: "an IPv4 octet with a leading zero", inputs: named({ addresses: ["010.0.0.1/24"] }), property: "addresses[0]", reason: /valid IPv4 or IPv6 address/ },
  { title: "an IPv4 prefix of 33", inputs: named({ addresses: ["10.0.0.1/33"] }), property: "addresses[0]", reason: /prefix length outside/ },
  { title: "an IPv6 prefix of 129", inputs: named({ addresses: ["fd00::1/129"] }), property: "addresses[0]", reason: /prefix length outside/ },
  { title: "a prefix with a leading zero", inputs: named({ addresses: ["10.0.0.1/024"] }), property: "addresses[0]", reason: /prefix length outside/ },
  { title: "two slashes", inputs: named({ addresses: ["10.0.0.1/24/8"] }), property: "addresses[0]", reason: /not an address with a prefix length/ },
  { title: "three colons in a row", inputs: named({ addresses: ["fd00:::1/64"] }), property: "addresses[0]", reason: /valid IPv4 or IPv6 address/ },
  { title: "two '::' in one address", inputs: named({ addresses: ["fd00::1::2/64"] }), property: "addresses[0]", reason: /valid IPv4 or IPv6 address/ },
  { title: "nine IPv6 groups", inputs: named({ addresses: ["1:2:3:4:5:6:7:8:9/64"] }), property: "addresses[0]", reason: /valid IPv4 or IPv6 address/ },
  { title: "the third entry bad, the others fine", inputs: named({ addresses: ["10.0.0.1/24", "fd00::1/64", "bogus/8"] }), property: "addresses[2]", reason: /bogus/ },
  { title: "0.0.0.0", inputs: named({ addresses: ["0.0.0.0/8"] }), property: "addresses[0]", reason: /0\.0\.0\.0 cannot be/ },
  { title: "an IPv4 multicast address", inputs: named({ addresses: ["224.0.0.1/4"] }), property: "addresses[0]", reason: /multicast/ },
  { title: "the IPv4 limited broadcast", inputs: named({ addresses: ["255.255.255.255/32"] }), property: "addresses[0]", reason: /255\.255\.255\.255 cannot be/ },
  { title: "the IPv6 loopback", inputs: named({ addresses: ["::1/128"] }), property: "addresses[0]", reason: /loopback/ },
  { title: "an IPv6 multicast address", inputs: named({ addresses: ["ff02::1/64"] }), property: "addresses[0]", reason: /multicast/ },
  { title: "the IPv6 unspecified address", inputs: named({ addresses: ["::/0"] }), property: "addresses[0]", reason: /:: cannot be/ },
  { title: "one IPv6 address in two spellings", inputs: named({ addresses: ["fd00::1/64", "FD00:0:0::1/64"] }), property: "addresses[1]", reason: /fd00::1\/64 repeats addresses\[0\]/ },
  { title: "one IPv4 address with two prefixes", inputs: named({ addresses: ["10.0.0.1/24", "10.0.0.1/16"] }), property: "addresses[1]", reason: /repeats addresses\[0\]/ },
  { title: "an IPv4-mapped address repeating the same bytes in full form", inputs: named({ addresses: ["::ffff:10.0.0.1/96", "0:0:0:0:0:ffff:a00:1/96"] }), property: "addresses[1]", reason: /repeats addresses\[0\]/ },
  { title: "a list given as one string", inputs: named({ addresses: "10.0.0.1/24" }), property: "addresses", reason: /expected a list, got the string "10\.0\.0\.1\/24"/ },
  { title: "a number in the list", inputs: named({ addresses: [1] }), property: "addresses[0]", reason: /expected a string, got the number 1/ },
];

const principalRows: RejectedRow[] = [
  { title: "a negative owner", inputs: named({ owner: -1 }), property: "owner", reason: /user id must be between 0 and 4294967294, got -1/ },
  { title: "a fractional owner", inputs: named({ owner: 1000.5 }), property: "owner", reason: /whole number, got 1000.5/ },
  { title: "owner (uid_t)-1, which means none", inputs: named({ owner: 4294967295 }), property: "owner", reason: /between 0 and 4294967294/ },
  { title: "owner 2^32", inputs: named({ owner: 2 ** 32 }), property: "owner", reason: /between 0 and 4294967294/ },
  { title: "an owner name with a space", inputs: named({ owner: "bad name" }), property: "owner", reason: /neither a user id nor a valid user name/ },
  { title: "an owner of digits past the largest id", inputs: named({ owner: "4294967295" }), property: "owner", reason: /user id must be between 0 and 4294967294, got "4294967295"/ },
  { title: "an empty owner name", inputs: named({ owner: "" }), property: "owner", reason: /neither a user id/ },
  { title: "an owner name of 33 characters", inputs: named({ owner: "u".repeat(33) }), property: "owner", reason: /at most 32/ },
  // zod's invalid_union issue reaches the user as "Invalid input": failures.ts has no case for it.
  { title: "a boolean owner", inputs: named({ owner: true }), property: "owner", reason: /user id .* user name.*got the boolean true/ },
  { title: "an owner given as an object", inputs: named({ owner: {} }), property: "owner", reason: /user id .* user name.*got an object$/ },
  { title: "a null group", inputs: named({ group: null }), property: "group", reason: /group id .* group name.*got null/ },
  { title: "a negative group", inputs: named({ group: -5 }), property: "group", reason: /group id must be between 0 and 4294967294, got -5/ },
  { title: "a group past 2^32-2", inputs: named({ group: 4294967295 }), property: "group", reason: /group id must be between/ },
  { title: "a group name with a colon", inputs: named({ group: "kvm:x" }), property: "group", reason: /neither a group id nor a valid group name/ },
];

const otherRows: RejectedRow[] = [
  { title: "an unknown key", inputs: named({ colour: "blue" }), property: "colour", reason: /unknown property "colour"; the properties are: name, mode, owner/ },
  { title: "a key in the wrong case", inputs: named({ MTU: 1500 }), property: "MTU", reason: /unknown property "MTU"/ },
  { title: 'up: "yes"', inputs: named({ up: "yes" }), property: "up", reason: /expected a boolean, got the string "yes"/ },
  { title: "promiscuous: 1", inputs: named({ promiscuous: 1 }), property: "promiscuous", reason: /expected a boolean, got the number 1/ },
  { title: 'multiQueue: "true"', inputs: named({ multiQueue: "true" }), property: "multiQueue", reason: /expected a boolean/ },
  { title: "a mode that is neither tap nor tun", inputs: named({ mode: "tunnel" }), property: "mode", reason: /one of "tap", "tun", got the string "tunnel"/ },
  { title: "a bridge on a tun device", inputs: named({ mode: "tun", bridge: "br0" }), property: "bridge", reason: /cannot join a bridge/ },
  { title: "a bridge name with a template", inputs: named({ bridge: "br%d" }), property: "bridge", reason: /template is not allowed here/ },
  { title: "a bridge name too long", inputs: named({ bridge: "bridge-of-sixteen" }), property: "bridge", reason: /at most 15/ },
  { title: "adopt with a template name", inputs: { name: "tap%d", adopt: true }, property: "name", reason: /exact name/ },
  { title: "adopt without a name", inputs: { adopt: true, managedBy: "p/s/r" }, property: "name", reason: /exact name/ },
  { title: "a netns that is a path", inputs: named({ netns: "a/b" }), property: "netns", reason: /not a path/ },
  { title: "an empty netns", inputs: named({ netns: "" }), property: "netns", reason: /must not be empty/ },
  { title: 'netns ".."', inputs: named({ netns: ".." }), property: "netns", reason: /cannot name a network namespace/ },
  { title: "a description of 256 bytes", inputs: named({ description: "d".repeat(256) }), property: "description", reason: /256 bytes.*at most 255/ },
  { title: "a description of 128 two-byte characters (256 bytes)", inputs: named({ description: "é".repeat(128) }), property: "description", reason: /256 bytes/ },
  { title: "a description with a NUL", inputs: named({ description: "a\0b" }), property: "description", reason: /NUL/ },
  { title: "a negative txQueueLength", inputs: named({ txQueueLength: -1 }), property: "txQueueLength", reason: /at least 0, got -1/ },
  { title: "txQueueLength 2^32", inputs: named({ txQueueLength: 2 ** 32 }), property: "txQueueLength", reason: /at most 524288, got 4294967296/ },
  { title: "txQueueLength 524289, one past what the kernel's default queue holds", inputs: named({ txQueueLength: 524289 }), property: "txQueueLength", reason: /at most 524288, got 524289: the kernel's default queue \(pfifo_fast\) cannot hold more/ },
  { title: "a description with a lone surrogate", inputs: named({ description: "uplink \uD83D" }), property: "description", reason: /lone UTF-16 surrogate/ },
  { title: "a managedBy with a lone surrogate (it becomes the stamp)", inputs: named({ managedBy: "p/s/\uDE00" }), property: "managedBy", reason: /lone UTF-16 surrogate/ },
  { title: "an empty managedBy", inputs: named({ managedBy: "" }), property: "managedBy", reason: /^must not be empty$/ },
];

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
  for (const row of [...nameRows, ...mtuRows, ...macRows, ...addressRows, ...principalRows, ...otherRows]) {
    test(row.title, () => assertRejected(checkTapInterface({}, row.inputs), row));
  }
});

describe("TapInterface check accepts and normalises", () => {
  for (const row of acceptedRows) {
    test(row.title, () => assertAccepted(checkTapInterface({}, row.inputs), row));
  }
});
