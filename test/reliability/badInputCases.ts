// Bad inputs, one row each: the resource, the raw inputs a program (or a caller skipping check) sends, and
// the property that must be named in the failure.

export type ResourceKind = "TapInterface" | "Bridge";

export interface BadInputCase {
  resource: ResourceKind;
  title: string;
  inputs: Record<string, unknown>;
  property: string;
}

const tap = (title: string, inputs: Record<string, unknown>, property: string): BadInputCase => ({
  resource: "TapInterface",
  title,
  // A valid, unused name unless the row is about the name: if validation ever let the row through,
  // the device it made would show up as a kernel change.
  inputs: { name: "bad0", ...inputs },
  property,
});

const bridge = (title: string, inputs: Record<string, unknown>, property: string): BadInputCase => ({
  resource: "Bridge",
  title,
  inputs: { name: "badbr0", ...inputs },
  property,
});

const seventeenBytes = "abcdefghijklmnopq";

export const badInputCases: BadInputCase[] = [
  // Names, by the kernel's rules.
  tap("name of 16 bytes", { name: "abcdefghijklmnop" }, "name"),
  tap("name of 17 bytes", { name: seventeenBytes }, "name"),
  tap("multi-byte UTF-8 name over 15 bytes", { name: "ééééééééé" }, "name"),
  tap("empty name", { name: "" }, "name"),
  tap('name "."', { name: "." }, "name"),
  tap('name ".."', { name: ".." }, "name"),
  tap("name with /", { name: "a/b" }, "name"),
  tap("name with :", { name: "a:b" }, "name"),
  tap("name with a space", { name: "a b" }, "name"),
  tap("name with a tab", { name: "a\tb" }, "name"),
  tap("name with a newline", { name: "a\nb" }, "name"),
  tap("name whose UTF-8 holds byte 0xA0 (kernel white space)", { name: "tapà" }, "name"),
  tap("name with a lone UTF-16 surrogate (no UTF-8 form)", { name: "tap\uD800" }, "name"),
  tap("name with a NUL", { name: "a\u0000b" }, "name"),
  tap("name with two %d", { name: "tap%d%d" }, "name"),
  tap("name with %s", { name: "tap%s" }, "name"),
  tap("name with a trailing %", { name: "tap%" }, "name"),
  tap("name that is a number", { name: 5 }, "name"),
  // Mode.
  tap('mode "bridge"', { mode: "bridge" }, "mode"),
  tap("mode as a number", { mode: 1 }, "mode"),
  // MTU.
  tap("MTU 0", { mtu: 0 }, "mtu"),
  tap("MTU 67", { mtu: 67 }, "mtu"),
  tap("MTU 65522 on a tap", { mtu: 65522 }, "mtu"),
  tap("MTU 65536 on a tun", { mode: "tun", mtu: 65536 }, "mtu"),
  tap("MTU as a fraction", { mtu: 1500.5 }, "mtu"),
  tap("MTU as a string", { mtu: "1500" }, "mtu"),
  tap("negative MTU", { mtu: -1500 }, "mtu"),
  tap("MTU below 1280 with an IPv6 address", { mtu: 1000, addresses: ["fd00::1/64"] }, "mtu"),
  // MAC addresses.
  tap("multicast MAC", { macAddress: "01:00:5e:00:00:01" }, "macAddress"),
  tap("all-zero MAC", { macAddress: "00:00:00:00:00:00" }, "macAddress"),
  tap("broadcast MAC", { macAddress: "ff:ff:ff:ff:ff:ff" }, "macAddress"),
  tap("MAC with five bytes", { macAddress: "52:54:00:12:34" }, "macAddress"),
  tap("MAC with a non-hex digit", { macAddress: "52:54:00:12:34:zz" }, "macAddress"),
  tap("MAC in Cisco notation", { macAddress: "5254.0012.3456" }, "macAddress"),
  tap("MAC with mixed separators", { macAddress: "52:54-00:12:34:56" }, "macAddress"),
  tap("MAC as a number", { macAddress: 525400123456 }, "macAddress"),
  tap("MAC on a tun", { mode: "tun", macAddress: "52:54:00:12:34:56" }, "macAddress"),
  // Addresses.
  tap("address without prefix", { addresses: ["10.0.0.1"] }, "addresses[0]"),
  tap("IPv4 prefix 33", { addresses: ["10.0.0.1/33"] }, "addresses[0]"),
  tap("IPv6 prefix 129", { addresses: ["fd00::1/129"] }, "addresses[0]"),
  tap("IPv4 octet 256", { addresses: ["10.0.0.256/24"] }, "addresses[0]"),
  tap("IPv4 with a leading zero", { addresses: ["010.0.0.1/24"] }, "addresses[0]"),
  tap("IPv6 with a zone", { addresses: ["fe80::1%eth0/64"] }, "addresses[0]"),
  tap("IPv6 with two ::", { addresses: ["fd00::1::2/64"] }, "addresses[0]"),
  tap("the same IPv4 address twice with other prefixes", { addresses: ["10.0.0.1/24", "10.0.0.1/16"] }, "addresses[1]"),
  tap("the same IPv6 address in two spellings", { addresses: ["fd00::1/64", "FD00:0:0::1/64"] }, "addresses[1]"),
  tap("IPv4 multicast address", { addresses: ["224.0.0.1/24"] }, "addresses[0]"),
  tap("IPv6 multicast address", { addresses: ["ff02::1/64"] }, "addresses[0]"),
  tap("IPv6 loopback on a tap", { addresses: ["::1/128"] }, "addresses[0]"),
  tap("0.0.0.0", { addresses: ["0.0.0.0/0"] }, "addresses[0]"),
  tap("addresses as a string", { addresses: "10.0.0.1/24" }, "addresses"),
  tap("an address as a number", { addresses: [42] }, "addresses[0]"),
  tap("addresses as an object", { addresses: { first: "10.0.0.1/24" } }, "addresses"),
  // Owner and group.
  tap("negative owner", { owner: -1 }, "owner"),
  tap("fractional owner", { owner: 1.5 }, "owner"),
  tap("owner (uid_t)-1", { owner: 4294967295 }, "owner"),
  tap("owner past 2^32", { owner: 4294967296 }, "owner"),
  tap("owner name with a space", { owner: "no such user" }, "owner"),
  tap("owner that does not exist on this host", { owner: "nosuchuser42" }, "owner"),
  tap("owner as a boolean", { owner: true }, "owner"),
  tap("owner digits past the largest id", { owner: "4294967295" }, "owner"),
  tap("negative group", { group: -5 }, "group"),
  tap("group past 2^32", { group: 2 ** 40 }, "group"),
  tap("group that does not exist on this host", { group: "nosuchgroup42" }, "group"),
  // Flags and numbers.
  tap('up as "yes"', { up: "yes" }, "up"),
  tap("promiscuous as 1", { promiscuous: 1 }, "promiscuous"),
  tap('multiQueue as "true"', { multiQueue: "true" }, "multiQueue"),
  tap("vnetHdr as null", { vnetHdr: null }, "vnetHdr"),
  tap("negative txQueueLength", { txQueueLength: -1 }, "txQueueLength"),
  tap("txQueueLength past 2^32", { txQueueLength: 2 ** 32 }, "txQueueLength"),
  tap("txQueueLength past what the kernel's default queue holds", { txQueueLength: 524289 }, "txQueueLength"),
  tap("description with a lone UTF-16 surrogate", { description: "a\uDC00" }, "description"),
  tap("description of 300 bytes", { description: "x".repeat(300) }, "description"),
  tap("description with a NUL", { description: "a\u0000b" }, "description"),
  // Bridge membership, namespaces, adoption.
  tap("bridge name with /", { bridge: "a/b" }, "bridge"),
  tap("bridge name that is a template", { bridge: "br%d" }, "bridge"),
  tap("a tun in a bridge", { mode: "tun", bridge: "br0" }, "bridge"),
  tap("netns that climbs out of /run/netns", { netns: "../../etc" }, "netns"),
  tap("empty netns", { netns: "" }, "netns"),
  tap("netns with a newline", { netns: "lab\nx" }, "netns"),
  tap('adopt as "yes"', { adopt: "yes" }, "adopt"),
  tap("adopt with a template name", { adopt: true, name: "tap%d" }, "name"),
  // Unknown keys and types.
  tap("unknown key", { colour: "red" }, "colour"),
  tap("key in the wrong case", { MTU: 1500 }, "MTU"),
  tap("an output given as an input", { ifindex: 7 }, "ifindex"),
  // Bridges.
  bridge("bridge name of 16 bytes", { name: "abcdefghijklmnop" }, "name"),
  bridge("bridge name with white space", { name: "br 0" }, "name"),
  bridge("bridge MTU 67", { mtu: 67 }, "mtu"),
  bridge("bridge MTU past 65535", { mtu: 70000 }, "mtu"),
  bridge('stp as "on"', { stp: "on" }, "stp"),
  bridge("bridge address without prefix", { addresses: ["192.168.100.1"] }, "addresses[0]"),
  bridge("bridge multicast MAC", { macAddress: "33:33:00:00:00:01" }, "macAddress"),
  bridge("ports is an output, not an input", { ports: ["tap0"] }, "ports"),
  bridge("bridge netns with /", { netns: "a/b" }, "netns"),
  bridge("bridge adopt with a template", { adopt: true, name: "br%d" }, "name"),
];
