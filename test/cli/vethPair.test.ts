// A VethPair through the real CLI, its whole life in one stack: preview, up, an unchanged up, an in-place
// change of both ends, a replacement (the peer into another namespace), drift made with `ip` then refresh and
// up, the pair deleted behind the stack's back then refresh and up, destroy. Every outcome is checked with
// `ip -j`, and with `ip -n NS -j` for the peer's namespace.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cidrs, ip, link, namespaceFingerprint } from "../support/ip";
import { assertChanges, assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { assertGone, mustLink } from "./support/kernel";
import { testProgramsDirectory } from "./support/paths";
import { describe as describeRun } from "./support/result";

let stack: CliStack;
const empty = { here: "", cvlab: "", cvlab2: "" };

before(async () => {
  ip("netns", "add", "cvlab");
  ip("netns", "add", "cvlab2");
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "veth-pair") });
  empty.here = namespaceFingerprint();
  empty.cvlab = namespaceFingerprint("cvlab");
  empty.cvlab2 = namespaceFingerprint("cvlab2");
});

after(async () => {
  await stack.destroyAndClose();
});

function assertPair(expected: { peerNetns: string; mtu: number; peerMtu: number }): { first: number; peer: number } {
  const first = mustLink("cvp0");
  const peer = mustLink("cvp0p", expected.peerNetns);
  assert.equal(first.linkinfo?.info_kind, "veth");
  assert.equal(peer.linkinfo?.info_kind, "veth");
  assert.equal(first.mtu, expected.mtu, "first end's MTU");
  assert.equal(peer.mtu, expected.peerMtu, "peer's MTU");
  assert.deepEqual(cidrs("cvp0"), ["10.88.0.1/24"]);
  assert.deepEqual(cidrs("cvp0p", expected.peerNetns), ["10.88.0.2/24"]);
  assert.ok(first.flags.includes("UP") && peer.flags.includes("UP"));
  assert.equal(first.altnames?.length, 1, "the first end carries its stamp");
  assert.match(peer.altnames?.[0] ?? "", /^pulumi:veth-pair:test:pair:peer-[0-9a-f]{8}$/, "the peer carries its own stamp");
  return { first: first.ifindex, peer: peer.ifindex };
}

test("preview on an empty state plans the pair and touches nothing", async () => {
  const result = await stack.preview();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 2 }, describeRun(result));
  assert.equal(namespaceFingerprint(), empty.here);
  assert.equal(namespaceFingerprint("cvlab"), empty.cvlab);
});

let ifindexes = { first: 0, peer: 0 };

test("up makes both ends, the peer in cvlab; an unchanged up changes nothing", async () => {
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 2 }, describeRun(result));
  ifindexes = assertPair({ peerNetns: "cvlab", mtu: 1500, peerMtu: 1500 });
  assert.equal(link("cvp0p"), undefined, "the peer is not here");
  assert.equal(result.outputs.ifindex, ifindexes.first);
  assert.equal((result.outputs.peer as { ifindex: number }).ifindex, ifindexes.peer);
  const again = await stack.up();
  assertOk(again);
  assert.deepEqual(again.changes, { same: 2 }, describeRun(again));
});

test("both MTUs change in place: the same pair", async () => {
  await stack.setConfig("mtu", "9000");
  await stack.setConfig("peerMtu", "9000");
  const result = await stack.up();
  assertOk(result);
  assertChanges(result, ["same", "update"], "an update in place");
  assert.deepEqual(assertPair({ peerNetns: "cvlab", mtu: 9000, peerMtu: 9000 }), ifindexes);
});

test("the peer into another namespace replaces the pair", async () => {
  await stack.setConfig("peerNetns", "cvlab2");
  const result = await stack.up();
  assertOk(result);
  assertChanges(result, ["replace", "same"], "a replacement");
  assertGone("cvp0p", "cvlab");
  assertPair({ peerNetns: "cvlab2", mtu: 9000, peerMtu: 9000 });
  assert.equal(namespaceFingerprint("cvlab"), empty.cvlab, "nothing left in the old peer namespace");
});

test("drift by ip on both ends: refresh reads it, up puts the declared settings back", async () => {
  ip("link", "set", "cvp0", "mtu", "1400");
  ip("-n", "cvlab2", "link", "set", "cvp0p", "down");
  ip("-n", "cvlab2", "link", "set", "cvp0p", "name", "cvp0hand");
  const refreshed = await stack.refresh();
  assertOk(refreshed);
  assert.equal(refreshed.changes.update, 1, describeRun(refreshed));
  const state = (await stack.resources()).find((resource) => resource.urn.endsWith("::pair"));
  assert.equal((state?.outputs?.peer as { name: string } | undefined)?.name, "cvp0hand", "the renamed peer was found by its stamp");
  const result = await stack.up();
  assertOk(result);
  assertChanges(result, ["same", "update"], "drift undone in place");
  assertGone("cvp0hand", "cvlab2");
  assertPair({ peerNetns: "cvlab2", mtu: 9000, peerMtu: 9000 });
});

test("the pair deleted behind the stack's back: refresh forgets it, up makes it again", async () => {
  ip("-n", "cvlab2", "link", "del", "cvp0p");
  assertGone("cvp0");
  const refreshed = await stack.refresh();
  assertOk(refreshed);
  assert.equal(refreshed.changes.delete, 1, describeRun(refreshed));
  const result = await stack.up();
  assertOk(result);
  assertChanges(result, ["create", "same"], "the pair made again");
  assertPair({ peerNetns: "cvlab2", mtu: 9000, peerMtu: 9000 });
});

test("destroy deletes both ends and leaves every namespace as it was", async () => {
  const result = await stack.destroy();
  assertOk(result);
  assert.equal(namespaceFingerprint(), empty.here);
  assert.equal(namespaceFingerprint("cvlab"), empty.cvlab);
  assert.equal(namespaceFingerprint("cvlab2"), empty.cvlab2);
});
