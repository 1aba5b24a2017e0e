// A VXLAN device's peers against the real kernel: remotes of the all-zero FDB entry added and removed one at a
// time, each checked with `bridge -j fdb show`, while an entry made by hand with `bridge fdb append` stays
// exactly as it was. Also why no remote can be told apart by who made it: the kernel keeps no mark per remote, so the
// Vxlan kind holds the device's whole all-zero entry as its own flood list (provider/resources/vxlan/kind.ts).
import "../support/privateNetns";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  addPeerEntries,
  appendDefaultRemotePayload,
  createVxlan,
  dumpDeviceFdbPayload,
  listFdbEntries,
  listPeerEntries,
  NDA_PROTOCOL,
  NDMSG_LENGTH,
  netlinkCodec,
  NLM_F_APPEND,
  netlinkConstants,
  PeerFamilyError,
  type PeerEntry,
  removePeerEntries,
  rtnetlink,
  RTM_GETNEIGH,
  RTM_NEWNEIGH,
  samePeerEntry,
} from "pulumi-tuntap/kernel";
import { bridgeCommand, fdbEntries, floodDestinations } from "../support/bridgeFdb";
import { ip, mustLink } from "../support/ip";

const netlink = rtnetlink();
const context = (operation: string) => ({ operation, step: "" });
const v4 = (text: string): PeerEntry => ({ destination: Buffer.from(text.split(".").map(Number)) });
const HAND_MADE = "198.51.100.77";

let index = 0;

/** The entry made by hand, exactly as iproute2 prints it. */
const handMade = () => fdbEntries("kpx0").find((entry) => entry.dst === HAND_MADE);

function addOne(peer: PeerEntry): void {
  const outcome = addPeerEntries(netlink, index, [peer], context("add peer"));
  assert.deepEqual(outcome.failed, []);
}

function removeOne(peer: PeerEntry): void {
  const outcome = removePeerEntries(netlink, index, [peer], context("remove peer"));
  assert.deepEqual(outcome.failed, []);
}

before(() => {
  ip("link", "add", "kpu0", "type", "veth", "peer", "name", "kpu1");
  ip("link", "set", "kpu0", "up");
  ip("addr", "add", "192.0.2.1/24", "dev", "kpu0");
  index = createVxlan(
    netlink,
    { name: "kpx0", vni: 100, port: 4789, local: Buffer.from([192, 0, 2, 1]), underlayIndex: mustLink("kpu0").ifindex, ttl: 0, learning: true },
    context("create kpx0"),
  ).index;
  bridgeCommand(["fdb", "append", "00:00:00:00:00:00", "dst", HAND_MADE, "dev", "kpx0"]);
});

after(() => netlink.close());

describe("one entry at a time", () => {
  test("peers added one by one appear one by one; the hand-made entry is untouched", () => {
    const foreign = handMade();
    assert.ok(foreign, "bridge fdb append made the foreign entry");
    addOne(v4("192.0.2.2"));
    assert.deepEqual(floodDestinations("kpx0"), ["192.0.2.2", HAND_MADE]);
    addOne(v4("192.0.2.3"));
    assert.deepEqual(floodDestinations("kpx0"), ["192.0.2.2", "192.0.2.3", HAND_MADE]);
    assert.deepEqual(handMade(), foreign);
    const read = listPeerEntries(netlink, index, "read peers");
    assert.equal(read.length, 3);
    assert.ok(read.some((peer) => samePeerEntry(peer, v4("192.0.2.3"))));
  });

  test("a peer removed takes its remote alone; the last of ours leaves the hand-made one", () => {
    const foreign = handMade();
    removeOne(v4("192.0.2.2"));
    assert.deepEqual(floodDestinations("kpx0"), ["192.0.2.3", HAND_MADE]);
    removeOne(v4("192.0.2.3"));
    assert.deepEqual(floodDestinations("kpx0"), [HAND_MADE]);
    assert.deepEqual(handMade(), foreign);
  });

  test("a remote that differs in port or VNI only is another remote, and is removed on its own", () => {
    addOne(v4("192.0.2.4"));
    addOne({ ...v4("192.0.2.4"), port: 4790 });
    addOne({ ...v4("192.0.2.4"), vni: 200 });
    const fours = fdbEntries("kpx0").filter((entry) => entry.dst === "192.0.2.4");
    assert.deepEqual(fours.map((entry) => [entry.port ?? "device's", entry.vni ?? "device's"]), [["device's", "device's"], [4790, "device's"], ["device's", 200]]);
    removeOne({ ...v4("192.0.2.4"), port: 4790 });
    assert.deepEqual(fdbEntries("kpx0").filter((entry) => entry.dst === "192.0.2.4").map((entry) => entry.port ?? entry.vni ?? "plain"), ["plain", 200]);
    removeOne({ ...v4("192.0.2.4"), vni: 200 });
    removeOne(v4("192.0.2.4"));
    assert.deepEqual(floodDestinations("kpx0"), [HAND_MADE]);
  });

  test("removing a remote that is not there changes nothing and is not an error, with or without an all-zero entry", () => {
    const before = fdbEntries("kpx0");
    removeOne(v4("192.0.2.99"));
    assert.deepEqual(fdbEntries("kpx0"), before, "the kernel answers success and removes nothing");
    const bare = createVxlan(netlink, { name: "kpx1", vni: 101, port: 4789, ttl: 0, learning: true }, context("create kpx1")).index;
    const outcome = removePeerEntries(netlink, bare, [v4("192.0.2.2")], context("remove peer"));
    assert.deepEqual([outcome.applied.length, outcome.failed.length], [1, 0], "ENOENT: no all-zero entry at all, so nothing to remove");
    ip("link", "del", "kpx1");
  });
});

describe("batches and refusals", () => {
  test("a peer of the other family is refused with a PeerFamilyError; the others of the batch are applied", () => {
    const outcome = addPeerEntries(netlink, index, [v4("192.0.2.5"), { destination: Buffer.from("fd000000000000000000000000000005", "hex") }, v4("192.0.2.6")], context("add peers"));
    assert.deepEqual(outcome.applied.map((peer) => [...peer.destination].join(".")), ["192.0.2.5", "192.0.2.6"]);
    assert.equal(outcome.failed.length, 1);
    assert.ok(outcome.failed[0]?.error instanceof PeerFamilyError);
    assert.match(outcome.failed[0]?.error.message ?? "", /EAFNOSUPPORT.*IPv6 peers to one with an IPv6 local address/);
    removePeerEntries(netlink, index, [v4("192.0.2.5"), v4("192.0.2.6")], context("remove peers"));
    assert.deepEqual(floodDestinations("kpx0"), [HAND_MADE]);
  });

  test("a hundred peers in one batch, read back, and removed in one batch", () => {
    const peers = Array.from({ length: 100 }, (_, n) => v4(`10.${Math.floor(n / 250) + 1}.${n % 250}.9`));
    const added = addPeerEntries(netlink, index, peers, context("add 100 peers"));
    assert.deepEqual([added.applied.length, added.failed.length], [100, 0]);
    assert.equal(floodDestinations("kpx0").length, 101);
    assert.equal(listPeerEntries(netlink, index, "read peers").length, 101);
    const removed = removePeerEntries(netlink, index, peers, context("remove 100 peers"));
    assert.deepEqual([removed.applied.length, removed.failed.length], [100, 0]);
    assert.deepEqual(floodDestinations("kpx0"), [HAND_MADE]);
  });

  test("peers stay across down and up; learned MACs and the bridge's own entries are not peers", () => {
    addOne(v4("192.0.2.7"));
    ip("link", "set", "kpx0", "up");
    ip("link", "set", "kpx0", "down");
    ip("link", "add", "kpbr", "type", "bridge");
    ip("link", "set", "kpx0", "master", "kpbr");
    ip("link", "set", "kpx0", "up");
    bridgeCommand(["fdb", "add", "52:54:00:00:00:aa", "dst", "192.0.2.8", "dev", "kpx0", "self"]);
    const all = listFdbEntries(netlink, index, "read fdb");
    assert.ok(all.some((entry) => entry.master !== undefined), "the bridge's entries for its port are in the dump");
    assert.ok(all.some((entry) => entry.macAddress.toString("hex") === "5254000000aa"));
    assert.deepEqual(
      listPeerEntries(netlink, index, "read peers").map((peer) => [...peer.destination].join(".")).sort(),
      ["192.0.2.7", HAND_MADE],
    );
    removeOne(v4("192.0.2.7"));
    ip("link", "set", "kpx0", "nomaster");
  });
});

describe("who made a remote cannot be marked in the kernel", () => {
  test("NDA_PROTOCOL is accepted on a VXLAN FDB entry and dropped: a dump never carries it", () => {
    const payload = Buffer.concat([
      appendDefaultRemotePayload(index, v4("192.0.2.10")),
      netlinkCodec.encodeAttributes([netlinkCodec.attribute.u8(NDA_PROTOCOL, 238)]),
    ]);
    const [result] = netlink.batch([{ type: RTM_NEWNEIGH, flags: netlinkConstants.NLM_F_CREATE | NLM_F_APPEND, payload, context: context("append with protocol") }]);
    assert.ok(result?.ok, "the kernel takes the request");
    const messages = netlink.dump(RTM_GETNEIGH, dumpDeviceFdbPayload(index), context("dump"));
    const types = messages.flatMap((message) => netlinkCodec.parseAttributes(message.payload.subarray(NDMSG_LENGTH)).map((attribute) => attribute.type));
    assert.ok(types.length > 0);
    assert.ok(!types.includes(NDA_PROTOCOL), "vxlan_fdb_info writes no NDA_PROTOCOL");
    removeOne(v4("192.0.2.10"));
  });

  test("appending a remote that is there already answers success and adds nothing; removing it then removes the hand-made one", () => {
    const foreign = handMade();
    addOne(v4(HAND_MADE));
    assert.deepEqual(floodDestinations("kpx0"), [HAND_MADE], "no second remote");
    assert.deepEqual(handMade(), foreign);
    // One remote per destination, whoever appended it: a declared peer and a hand-made remote to it are one entry.
    removeOne(v4(HAND_MADE));
    assert.deepEqual(floodDestinations("kpx0"), []);
    bridgeCommand(["fdb", "append", "00:00:00:00:00:00", "dst", HAND_MADE, "dev", "kpx0"]);
  });

  test("the entry's state is shared by its remotes: a hand-made `static` append turns ours static, and our append turns all permanent", () => {
    addOne(v4("192.0.2.11"));
    bridgeCommand(["fdb", "append", "00:00:00:00:00:00", "dst", "198.51.100.78", "dev", "kpx0", "static"]);
    assert.deepEqual([...new Set(fdbEntries("kpx0").filter((entry) => entry.mac === "00:00:00:00:00:00").map((entry) => entry.state))], ["static"]);
    addOne(v4("192.0.2.12"));
    assert.deepEqual([...new Set(fdbEntries("kpx0").filter((entry) => entry.mac === "00:00:00:00:00:00").map((entry) => entry.state))], ["permanent"]);
    removePeerEntries(netlink, index, [v4("192.0.2.11"), v4("192.0.2.12"), v4("198.51.100.78")], context("remove peers"));
  });
});
