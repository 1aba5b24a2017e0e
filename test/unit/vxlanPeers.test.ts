// Reconciling a Vxlan's peers: what to add and remove so that the device floods to exactly the declared peers,
// without ever removing a remote this resource did not add.
import assert from "node:assert/strict";
import { test } from "node:test";
import { planPeers } from "pulumi-tuntap/model";

const A = "192.0.2.1";
const B = "192.0.2.2";
const C = "192.0.2.3";
const HAND = "198.51.100.9";

test("a new device: every declared peer is added and owned", () => {
  assert.deepEqual(planPeers([A, B], [], []), { add: [A, B], remove: [], owned: [A, B], shared: [], foreign: [] });
});

test("a peer added to the inventory is added alone; one taken out is removed alone", () => {
  assert.deepEqual(planPeers([A, B, C], [A, B], [A, B]), { add: [C], remove: [], owned: [A, B, C], shared: [], foreign: [] });
  assert.deepEqual(planPeers([A, C], [A, B, C], [A, B, C]), { add: [], remove: [B], owned: [A, C], shared: [], foreign: [] });
});

test("a remote added by hand is reported and left alone, also when our peers change", () => {
  assert.deepEqual(planPeers([A], [A, B], [A, B, HAND]), { add: [], remove: [B], owned: [A], shared: [], foreign: [HAND] });
});

test("a declared peer that was there before us is used, never claimed, so never removed", () => {
  const first = planPeers([A, HAND], [], [HAND]);
  assert.deepEqual(first, { add: [A], remove: [], owned: [A], shared: [HAND], foreign: [] });
  assert.deepEqual(planPeers([A], first.owned, [A, HAND]), { add: [], remove: [], owned: [A], shared: [], foreign: [HAND] });
});

test("an owned peer deleted by hand is added back; one deleted by hand and no longer declared is forgotten", () => {
  assert.deepEqual(planPeers([A, B], [A, B], [A]), { add: [B], remove: [], owned: [A, B], shared: [], foreign: [] });
  assert.deepEqual(planPeers([A], [A, B], [A]), { add: [], remove: [], owned: [A], shared: [], foreign: [] });
});

test("nothing declared, nothing owned: nothing to do, whatever is there", () => {
  assert.deepEqual(planPeers([], [], [HAND]), { add: [], remove: [], owned: [], shared: [], foreign: [HAND] });
});
