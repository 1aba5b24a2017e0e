// Vxlan `check`: one test per table row. A bad input names exactly the failing property with a reason a user
// recognises; a good one comes back normalised with every default filled.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkVxlan, creationMtu, underlayFamily } from "pulumi-tuntap";
import { UNKNOWN } from "pulumi-tuntap/model";
import { type AcceptedRow, assertAccepted, assertRejected, type RejectedRow } from "./support/checkRows";

/** What check fills in for a device declared with a name and a VNI. */
const VXLAN_DEFAULTS = { destinationPort: 4789, learning: true, ttl: 0, peers: [], addresses: [], up: true, adopt: false } as const;

const named = (extra: Record<string, unknown>) => ({ name: "vx0", vni: 42, ...extra });
const expectedWith = (extra: Record<string, unknown>) => ({ ...VXLAN_DEFAULTS, name: "vx0", vni: 42, ...extra });

const acceptedRows: AcceptedRow[] = [
  { title: "a name and a VNI: every default filled", inputs: named({}), expected: expectedWith({}) },
  { title: "VNI 1 and VNI 16777215, the ends of the range", inputs: named({ vni: 16777215 }), expected: expectedWith({ vni: 16777215 }) },
  { title: "port 1 and 65535", inputs: named({ destinationPort: 65535 }), expected: expectedWith({ destinationPort: 65535 }) },
  { title: "Linux's old port 8472", inputs: named({ destinationPort: 8472 }), expected: expectedWith({ destinationPort: 8472 }) },
  {
    title: "IPv4 peers over an IPv4 local address and an underlay device",
    inputs: named({ local: "192.0.2.1", underlay: "eth0", peers: ["192.0.2.2", "192.0.2.3"] }),
    expected: expectedWith({ local: "192.0.2.1", underlay: "eth0", peers: ["192.0.2.2", "192.0.2.3"] }),
  },
  { title: "IPv4 peers without a local address (the kernel sends over IPv4)", inputs: named({ peers: ["198.51.100.7"] }), expected: expectedWith({ peers: ["198.51.100.7"] }) },
  {
    title: "IPv6 peers over an IPv6 local address, normalised to RFC 5952",
    inputs: named({ local: "FD00:0:0::1", peers: ["fd00:0000::2", "FD00::3"] }),
    expected: expectedWith({ local: "fd00::1", peers: ["fd00::2", "fd00::3"] }),
  },
  {
    title: "a multicast group on an underlay device",
    inputs: named({ group: "239.1.1.1", underlay: "eth0" }),
    expected: expectedWith({ group: "239.1.1.1", underlay: "eth0" }),
  },
  {
    title: "an IPv6 group with an IPv6 local address",
    inputs: named({ group: "FF05::1:3", local: "fd00::1", underlay: "eth0" }),
    expected: expectedWith({ group: "ff05::1:3", local: "fd00::1", underlay: "eth0" }),
  },
  { title: "learning off, TTL 64", inputs: named({ learning: false, ttl: 64 }), expected: expectedWith({ learning: false, ttl: 64 }) },
  { title: "TTL 255", inputs: named({ ttl: 255 }), expected: expectedWith({ ttl: 255 }) },
  { title: "a link-local local address on its device", inputs: named({ local: "fe80::1", underlay: "eth0" }), expected: expectedWith({ local: "fe80::1", underlay: "eth0" }) },
  {
    title: "a bridge, an MTU, overlay addresses and a netns, as every link",
    inputs: named({ bridge: "lab0", mtu: 1400, addresses: ["10.10.0.1/24"], netns: "host-a", up: false }),
    expected: expectedWith({ bridge: "lab0", mtu: 1400, addresses: ["10.10.0.1/24"], netns: "host-a", up: false }),
  },
  { title: "the __provider key is left out", inputs: named({ __provider: "serialized provider text" }), expected: expectedWith({}) },
];

const rejectedRows: RejectedRow[] = [
  { title: "VNI 0", inputs: named({ vni: 0 }), property: "vni", reason: /a VNI is a 24-bit number from 1 to 16777215 \(0 is left unused\), got 0/ },
  { title: "VNI 16777216 (25 bits)", inputs: named({ vni: 16777216 }), property: "vni", reason: /from 1 to 16777215 .*got 16777216/ },
  { title: "a fractional VNI", inputs: named({ vni: 4.5 }), property: "vni", reason: /expected a whole number, got the fraction 4\.5/ },
  { title: "no VNI", inputs: { name: "vx0" }, property: "vni", reason: /number/ },
  { title: "port 0 (the kernel would pick 8472)", inputs: named({ destinationPort: 0 }), property: "destinationPort", reason: /1–65535, got 0 \(the kernel would take 0 as its own default, 8472/ },
  { title: "port 65536", inputs: named({ destinationPort: 65536 }), property: "destinationPort", reason: /1–65535, got 65536/ },
  { title: "TTL 256", inputs: named({ ttl: 256 }), property: "ttl", reason: /must be at most 255, got 256/ },
  { title: "a local address with a prefix", inputs: named({ local: "192.0.2.1/24" }), property: "local", reason: /without a prefix length/ },
  { title: "a multicast local address", inputs: named({ local: "239.0.0.1" }), property: "local", reason: /multicast address, which cannot be a source/ },
  { title: "the unspecified local address", inputs: named({ local: "::" }), property: "local", reason: /unspecified/ },
  { title: "a unicast group", inputs: named({ group: "192.0.2.9", underlay: "eth0" }), property: "group", reason: /not a multicast address.*peers/ },
  { title: "a multicast peer", inputs: named({ peers: ["239.1.1.1"] }), property: "peers[0]", reason: /multicast group goes in group/ },
  { title: "the IPv4 broadcast address as a peer", inputs: named({ peers: ["255.255.255.255"] }), property: "peers[0]", reason: /broadcast/ },
  { title: "a peer that is not an address", inputs: named({ peers: ["192.0.2.2", "host-b"] }), property: "peers[1]", reason: /not an IPv4 or IPv6 address/ },
  { title: "the same peer twice, spelled differently", inputs: named({ local: "fd00::1", peers: ["fd00::2", "FD00:0::2"] }), property: "peers[1]", reason: /fd00::2 repeats peers\[0\]/ },
  { title: "a group and peers together", inputs: named({ group: "239.1.1.1", underlay: "eth0", peers: ["192.0.2.2"] }), property: "peers", reason: /either to multicast group 239\.1\.1\.1 or to unicast peers/ },
  { title: "a group without an underlay device", inputs: named({ group: "239.1.1.1" }), property: "underlay", reason: /needs the underlay device to join it on/ },
  { title: "a link-local local address without its device", inputs: named({ local: "fe80::1" }), property: "underlay", reason: /only meaningful on one device/ },
  { title: "an IPv6 group over an IPv4 local address", inputs: named({ local: "192.0.2.1", group: "ff05::1", underlay: "eth0" }), property: "group", reason: /IPv6 but the local address 192\.0\.2\.1 is IPv4/ },
  { title: "an IPv6 peer of an IPv4 device", inputs: named({ local: "192.0.2.1", peers: ["192.0.2.2", "fd00::2"] }), property: "peers[1]", reason: /fd00::2 is IPv6 but the local address 192\.0\.2\.1 is IPv4/ },
  { title: "an IPv6 peer without a local address", inputs: named({ peers: ["fd00::2"] }), property: "peers[0]", reason: /no local address, so it sends over IPv4: give the device an IPv6 local address/ },
  { title: "an IPv4 peer of an IPv6 device", inputs: named({ local: "fd00::1", peers: ["192.0.2.2"] }), property: "peers[0]", reason: /IPv4 but the local address fd00::1 is IPv6/ },
  { title: "the device's own local address as a peer", inputs: named({ local: "192.0.2.1", peers: ["192.0.2.1"] }), property: "peers[0]", reason: /own local address/ },
  { title: "an underlay name with a template", inputs: named({ underlay: "eth%d" }), property: "underlay", reason: /template is not allowed here/ },
  { title: "a name of 16 bytes", inputs: named({ name: "vxlan-sixteen-bb" }), property: "name", reason: /16 bytes/ },
  { title: "MTU 67", inputs: named({ mtu: 67 }), property: "mtu", reason: /68/ },
  { title: "an IPv6 overlay address below MTU 1280", inputs: named({ mtu: 1200, addresses: ["fd10::1/64"] }), property: "mtu", reason: /at least 1280/ },
  { title: "adopt with a template name", inputs: named({ name: "vx%d", adopt: true }), property: "name", reason: /adopt: true takes over one existing VXLAN device/ },
  { title: "remote is not a property", inputs: named({ remote: "192.0.2.2" }), property: "remote", reason: /unknown property "remote"; the properties are: name, vni, destinationPort/ },
];

describe("accepted", () => {
  for (const row of acceptedRows) test(row.title, () => assertAccepted(checkVxlan({}, row.inputs), row));
});

describe("rejected", () => {
  for (const row of rejectedRows) test(row.title, () => assertRejected(checkVxlan({}, row.inputs), row));
});

describe("unknown values (preview)", () => {
  test("rules that need an unknown value wait for it; the known ones still apply", () => {
    const outcome = checkVxlan({}, named({ local: UNKNOWN, peers: ["fd00::2"] }));
    assert.deepEqual(outcome.failures, [], "the family of an unknown local address cannot be judged yet");
    assert.ok(outcome.unknown.has("local"));
    assert.equal(outcome.complete, undefined);
    assertRejected(checkVxlan({}, named({ peers: [UNKNOWN, "239.1.1.1"] })), { title: "", inputs: {}, property: "peers[1]", reason: /multicast/ });
  });

  test("a device declared without a name gets one derived from its identity, prefixed vxlan", () => {
    const outcome = checkVxlan({}, { vni: 5, managedBy: "lab/host-a/overlay" });
    assert.match(String(outcome.inputs.name), /^vxlan|^overlay/);
    assert.equal(checkVxlan(outcome.inputs, { vni: 5, managedBy: "lab/host-a/overlay" }).inputs.name, outcome.inputs.name, "the same name on the next check");
  });
});

describe("the underlay family and the MTU a new device gets", () => {
  test("the family is the local address's, else the group's, else IPv4", () => {
    assert.equal(underlayFamily({ local: "fd00::1" }), 6);
    assert.equal(underlayFamily({ group: "ff05::1" }), 6);
    assert.equal(underlayFamily({ local: "192.0.2.1", group: "239.1.1.1" }), 4);
    assert.equal(underlayFamily({}), 4);
  });

  test("without an underlay device: 1500 less the encapsulation (50 over IPv4, 70 over IPv6); with one, the kernel's choice", () => {
    assert.equal(creationMtu({ mtu: undefined, underlay: undefined, local: undefined, group: undefined }), 1450);
    assert.equal(creationMtu({ mtu: undefined, underlay: undefined, local: "fd00::1", group: undefined }), 1430);
    assert.equal(creationMtu({ mtu: undefined, underlay: "eth0", local: "192.0.2.1", group: undefined }), undefined);
    assert.equal(creationMtu({ mtu: 9000, underlay: "eth0", local: undefined, group: undefined }), 9000);
  });
});
