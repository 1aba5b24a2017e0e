// Vxlan diff: which input changes need a new device (what the kernel's vxlan_changelink refuses, or accepts
// without doing), which change it in place, and which are no change at all. `olds` is the stored state; `news`
// are inputs as check returns them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkVxlan, diffVxlan, type VxlanState } from "pulumi-tuntap";
import { type DiffOutcome, UNKNOWN } from "pulumi-tuntap/model";

/** The device as the last read stored it. */
const STATE: VxlanState = {
  name: "vx0",
  vni: 42,
  destinationPort: 4789,
  local: "192.0.2.1",
  underlay: "eth0",
  learning: true,
  ttl: 0,
  peers: ["192.0.2.2", "192.0.2.3"],
  mtu: 1450,
  macAddress: "52:54:00:12:34:56",
  addresses: ["10.10.0.1/24"],
  up: true,
  txQueueLength: 1000,
  bridge: "lab0",
  adopt: false,
  managedBy: "lab/host-a/overlay",
  ifindex: 7,
  stamp: "pulumi:lab:host-a:overlay:0123abcd",
};

const MATCHING = { name: "vx0", vni: 42, local: "192.0.2.1", underlay: "eth0", peers: ["192.0.2.2", "192.0.2.3"], addresses: ["10.10.0.1/24"], bridge: "lab0", managedBy: "lab/host-a/overlay" };

function diff(change: Record<string, unknown>, olds: Record<string, unknown> = { ...STATE }): DiffOutcome {
  const inputs = { ...MATCHING, ...change };
  for (const key of Object.keys(inputs)) if (inputs[key as keyof typeof inputs] === undefined) delete inputs[key as keyof typeof inputs];
  const checked = checkVxlan({}, inputs);
  assert.deepEqual(checked.failures, [], "the inputs of a diff row must pass check");
  return diffVxlan("vx0", olds, checked.inputs);
}

const inPlace = (outcome: DiffOutcome) => assert.deepEqual(outcome, { changes: true, replaces: [], deleteBeforeReplace: false });
const replacing = (replaces: string[]) => (outcome: DiffOutcome) => assert.deepEqual(outcome, { changes: true, replaces, deleteBeforeReplace: true });

describe("no change", () => {
  test("inputs matching the state, defaults included", () => assert.deepEqual(diff({}), { changes: false, replaces: [], deleteBeforeReplace: false }));
  test("peers in another order and spelling", () => assert.equal(diff({ peers: ["192.0.2.3", "192.0.2.2"] }).changes, false));
  test("an MTU left out keeps the one found", () => assert.equal(diff({}, { ...STATE, mtu: 1400 }).changes, false));
});

describe("in place", () => {
  const rows: [string, Record<string, unknown>][] = [
    ["a peer added", { peers: ["192.0.2.2", "192.0.2.3", "192.0.2.4"] }],
    ["a peer removed", { peers: ["192.0.2.2"] }],
    ["every peer removed", { peers: [] }],
    ["the local address, same family", { local: "192.0.2.9" }],
    ["the local address removed (the device stays IPv4)", { local: undefined }],
    ["another underlay device", { underlay: "eth1" }],
    ["TTL", { ttl: 64 }],
    ["learning off", { learning: false }],
    ["another bridge", { bridge: "lab1" }],
    ["an MTU declared", { mtu: 1400 }],
    ["overlay addresses", { addresses: ["10.10.0.1/24", "10.10.0.2/24"] }],
    ["down", { up: false }],
    ["from peers to an IPv4 multicast group", { peers: [], group: "239.1.1.1" }],
  ];
  for (const [title, change] of rows) test(title, () => inPlace(diff(change)));

  test("an underlay device bound where there was none", () => inPlace(diff({}, { ...STATE, underlay: undefined })));
  test("a peer deleted by hand (refresh dropped it from the state) is put back", () => inPlace(diff({}, { ...STATE, peers: ["192.0.2.2"] })));
  test("a remote added by hand (refresh added it to the state) is removed", () => inPlace(diff({}, { ...STATE, peers: ["192.0.2.2", "192.0.2.3", "198.51.100.9"] })));
  test("a remote with its own port, added by hand, is another remote", () => inPlace(diff({}, { ...STATE, peers: ["192.0.2.2", "192.0.2.3", "192.0.2.3 port 4790"] })));
  test("a group changed within its family", () => {
    const groupState = { ...STATE, peers: [], group: "239.1.1.1" };
    inPlace(diff({ peers: [], group: "239.1.1.2" }, groupState));
    inPlace(diff({ peers: [] }, groupState));
  });
});

describe("a new device", () => {
  test("another VNI", () => replacing(["vni"])(diff({ vni: 43 })));
  test("another destination port", () => replacing(["destinationPort"])(diff({ destinationPort: 8472 })));
  test("a state with port 8472 and inputs leaving the port out (4789)", () => replacing(["destinationPort"])(diff({}, { ...STATE, destinationPort: 8472 })));
  test("an IPv6 local address on an IPv4 device", () => replacing(["local"])(diff({ local: "fd00::1", peers: ["fd00::2"] })));
  test("an IPv6 local address where there was none (the device is IPv4)", () => replacing(["local"])(diff({ local: "fd00::1", peers: [] }, { ...STATE, local: undefined, peers: [] })));
  test("an IPv6 group replacing the one that made the device IPv6 — removed, so IPv4", () => {
    const v6 = { ...STATE, local: undefined, group: "ff05::1", peers: [] };
    replacing(["group"])(diff({ local: undefined, peers: [] }, v6));
  });
  test("the underlay device unbound: the kernel accepts it and keeps the device bound", () => replacing(["underlay"])(diff({ underlay: undefined })));
  test("another name or network namespace, as every link", () => {
    replacing(["name"])(diff({ name: "vx1" }));
    replacing(["netns"])(diff({ netns: "host-b" }));
  });
});

describe("unknown values (preview)", () => {
  test("an unknown VNI or port may need a new device", () => {
    assert.deepEqual(diffVxlan("vx0", { ...STATE }, { ...MATCHING, vni: UNKNOWN }).replaces, ["vni"]);
    assert.deepEqual(diffVxlan("vx0", { ...STATE }, { ...MATCHING, vni: 42, destinationPort: UNKNOWN }).replaces, ["destinationPort"]);
  });
  test("an unknown local address may be of the other family", () => {
    assert.deepEqual(diffVxlan("vx0", { ...STATE }, { ...MATCHING, vni: 42, local: UNKNOWN }).replaces, ["local"]);
  });
  test("an unknown underlay or bridge — its resource being replaced, which takes this device (or its port) with it — needs a new device", () => {
    assert.deepEqual(diffVxlan("vx0", { ...STATE }, { ...MATCHING, vni: 42, underlay: UNKNOWN }).replaces, ["underlay"]);
    assert.deepEqual(diffVxlan("vx0", { ...STATE }, { ...MATCHING, vni: 42, bridge: UNKNOWN }).replaces, ["bridge"]);
  });
  test("unknown peers are an update, never a new device", () => {
    const outcome = diffVxlan("vx0", { ...STATE }, { ...MATCHING, vni: 42, peers: ["192.0.2.2", UNKNOWN] });
    assert.deepEqual(outcome, { changes: true, replaces: [], deleteBeforeReplace: false });
  });
});
