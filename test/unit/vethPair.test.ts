// VethPair's model: check (the shared bad-input rows, peer.* included; defaults; derived peer names; a peer
// partly unknown in a preview), the peer's stamp, and diff (what changes in place, on either end, and what
// replaces the pair).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { findStamp, isStampFor, newStamp, UNKNOWN } from "pulumi-tuntap/model";
import { checkVethPair, diffVethPair, peerStampOf } from "pulumi-tuntap";
import { badInputs } from "../support/badInputs";
import { assertAccepted, assertRejected } from "./support/checkRows";

const PEER_DEFAULTS = { addresses: [], up: true };
const DEFAULTS = { addresses: [], up: true, adopt: false };

describe("VethPair check rejects", () => {
  for (const row of badInputs.filter((input) => input.resource === "VethPair")) test(row.title, () => assertRejected(checkVethPair({}, row.inputs), row));
});

describe("VethPair check accepts and normalises", () => {
  test("both ends named: every default filled, on the peer too", () => {
    assertAccepted(checkVethPair({}, { name: "v0", peer: { name: "v0p" } }), {
      title: "",
      inputs: {},
      expected: { ...DEFAULTS, name: "v0", peer: { ...PEER_DEFAULTS, name: "v0p" } },
    });
  });

  test("the peer's settings normalised like the first end's", () => {
    const outcome = checkVethPair({}, { name: "v0", peer: { name: "v0p", netns: "lab", macAddress: "02-AA-BB-CC-DD-EE", addresses: ["FD00:0::2/64"], mtu: 9000, up: false, bridge: "br0" } });
    assertAccepted(outcome, {
      title: "",
      inputs: {},
      expected: { ...DEFAULTS, name: "v0", peer: { name: "v0p", netns: "lab", macAddress: "02:aa:bb:cc:dd:ee", addresses: ["fd00::2/64"], mtu: 9000, up: false, bridge: "br0" } },
    });
  });

  test("one name for both ends is fine in two namespaces", () => {
    assert.deepEqual(checkVethPair({}, { name: "v0", peer: { name: "v0", netns: "lab" } }).failures, []);
  });
});

describe("VethPair names", () => {
  test("an unnamed pair gets two stable derived names, one per end, from its identity", () => {
    const first = checkVethPair({}, { managedBy: "lab/dev/uplink" });
    const again = checkVethPair({}, { managedBy: "lab/dev/uplink", peer: {} });
    const name = first.inputs.name as string;
    const peer = (first.inputs.peer as { name: string }).name;
    assert.match(name, /^uplink-[0-9a-f]{6}$/);
    assert.match(peer, /^uplink-[0-9a-f]{6}$/);
    assert.notEqual(peer, name);
    assert.equal(again.inputs.name, name);
    assert.equal((again.inputs.peer as { name: string }).name, peer);
  });

  test("without an identity the peer's random name is kept from the previous check", () => {
    const first = checkVethPair({}, { name: "v0" });
    const peer = (first.inputs.peer as { name: string }).name;
    assert.match(peer, /^veth-[0-9a-f]{6}$/);
    assert.equal((checkVethPair(first.inputs, { name: "v0" }).inputs.peer as { name: string }).name, peer);
  });

  test("a declared peer name wins over a derived one", () => {
    assert.equal((checkVethPair({}, { managedBy: "lab/dev/uplink", peer: { name: "up-peer" } }).inputs.peer as { name: string }).name, "up-peer");
  });
});

describe("VethPair check in a preview", () => {
  test("a peer whose netns is not known yet keeps it unknown and is not named yet", () => {
    const outcome = checkVethPair({}, { name: "v0", peer: { name: "v0p", netns: UNKNOWN } });
    assert.deepEqual(outcome.failures, []);
    assert.ok(outcome.unknown.has("peer"));
    assert.deepEqual(outcome.inputs.peer, { name: "v0p", netns: UNKNOWN });
  });

  test("the known part of such a peer is still checked, its failures named peer.*", () => {
    const outcome = checkVethPair({}, { name: "v0", peer: { name: "v0p", netns: UNKNOWN, addresses: ["10.0.0.1"], mtu: 10 } });
    assert.deepEqual(outcome.failures.map((failure) => failure.property).sort(), ["peer.addresses[0]", "peer.mtu"]);
  });
});

describe("the peer's stamp", () => {
  test("has the first end's owner and nonce, marked, and is never a stamp for the identity", () => {
    const stamp = newStamp("lab/dev/uplink", "0123abcd");
    const peer = peerStampOf(stamp);
    assert.equal(peer, "pulumi:lab:dev:uplink:peer-0123abcd");
    assert.equal(isStampFor(stamp, "lab/dev/uplink"), true);
    assert.equal(isStampFor(peer, "lab/dev/uplink"), false, "a peer can never be taken for the first end");
    assert.equal(findStamp(["x", peer]), peer, "it is a stamp: devices carrying it are nobody else's");
  });

  test("fits an altname (127 bytes) even when the first end's stamp nearly fills one", () => {
    const identity = `p/s/${"r".repeat(127 - "pulumi:p:s::01234567".length)}`;
    const stamp = newStamp(identity, "01234567");
    assert.equal(Buffer.byteLength(stamp), 127);
    const peer = peerStampOf(stamp);
    assert.ok(Buffer.byteLength(peer) <= 127, peer);
    assert.match(peer, /^pulumi:#[0-9a-f]{40}:peer-01234567$/);
    assert.notEqual(peerStampOf(newStamp(`${identity.slice(0, -1)}x`, "01234567")), peer, "the hash still tells owners apart");
  });
});

const STATE = {
  name: "v0",
  mtu: 1500,
  macAddress: "02:aa:bb:cc:dd:01",
  addresses: ["10.0.0.1/24"],
  up: true,
  txQueueLength: 1000,
  adopt: false,
  managedBy: "lab/dev/pair",
  ifindex: 4,
  stamp: "pulumi:lab:dev:pair:0123abcd",
  peer: { name: "v0p", netns: "lab", mtu: 1500, macAddress: "02:aa:bb:cc:dd:02", addresses: ["10.0.0.2/24"], up: true, txQueueLength: 1000, ifindex: 2, stamp: "pulumi:lab:dev:pair:peer-0123abcd" },
};
const MATCHING = { name: "v0", addresses: ["10.0.0.1/24"], managedBy: "lab/dev/pair", peer: { name: "v0p", netns: "lab", addresses: ["10.0.0.2/24"] } };

function diffOf(inputs: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const outcome = checkVethPair({}, inputs);
  assert.deepEqual(outcome.failures, [], "a diff row starts from inputs that pass check");
  return diffVethPair("v0", { ...STATE, ...olds }, outcome.inputs);
}

describe("VethPair diff", () => {
  test("the same inputs: no change", () => {
    assert.deepEqual(diffOf(MATCHING), { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  for (const [title, peer] of [
    ["the peer's MTU", { mtu: 9000 }],
    ["the peer's MAC", { macAddress: "02:aa:bb:cc:dd:99" }],
    ["the peer's addresses", { addresses: ["10.0.0.3/24"] }],
    ["the peer down", { up: false }],
    ["the peer into a bridge", { bridge: "br0" }],
    ["the peer's name (renamed in place: it is not the resource's id)", { name: "v0q" }],
  ] as const) {
    test(`${title} changes in place`, () => {
      assert.deepEqual(diffOf({ ...MATCHING, peer: { ...MATCHING.peer, ...peer } }), { changes: true, replaces: [], deleteBeforeReplace: false });
    });
  }

  test("the first end's settings and bridge change in place", () => {
    assert.deepEqual(diffOf({ ...MATCHING, mtu: 9000, bridge: "br0", up: false }).replaces, []);
    assert.equal(diffOf({ ...MATCHING, mtu: 9000 }).changes, true);
    assert.equal(diffOf({ ...MATCHING, bridge: "br0" }).changes, true);
  });

  test("the peer's namespace, the first end's namespace or name replace the pair, deleting it first", () => {
    assert.deepEqual(diffOf({ ...MATCHING, peer: { ...MATCHING.peer, netns: "other" } }), { changes: true, replaces: ["peer.netns"], deleteBeforeReplace: true });
    assert.deepEqual(diffOf({ ...MATCHING, peer: { name: "v0p", addresses: ["10.0.0.2/24"] } }).replaces, ["peer.netns"], "the peer back into the first end's namespace");
    assert.deepEqual(diffOf({ ...MATCHING, netns: "lab2" }).replaces, ["netns"]);
    assert.deepEqual(diffOf({ ...MATCHING, name: "v1" }).replaces, ["name"]);
  });

  test("a peer renamed by hand is renamed back in place", () => {
    assert.deepEqual(diffOf(MATCHING, { peer: { ...STATE.peer, name: "byhand" } }), { changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("in a preview, an unknown peer netns may replace; an unknown peer name renames in place", () => {
    assert.deepEqual(diffVethPair("v0", STATE, { ...MATCHING, peer: { ...MATCHING.peer, netns: UNKNOWN } }).replaces, ["peer.netns"]);
    assert.deepEqual(diffVethPair("v0", STATE, { ...MATCHING, peer: { ...MATCHING.peer, name: UNKNOWN } }), { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(diffVethPair("v0", STATE, { ...MATCHING, peer: UNKNOWN }).replaces, ["peer"]);
  });
});
