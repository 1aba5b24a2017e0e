// Reconciling a Vxlan's peers: the device is the stack's, and its all-zero FDB entry's remotes are its declared
// flood list. The plan adds what is declared and missing, removes what is there and not declared — one remote
// each, so that a change touches only the remotes that differ.
import assert from "node:assert/strict";
import { test } from "node:test";
import { planPeers } from "pulumi-tuntap";

const A = "192.0.2.1";
const B = "192.0.2.2";
const C = "192.0.2.3";
const HAND = "198.51.100.9";

test("a new device: every declared peer is added", () => {
  assert.deepEqual(planPeers([A, B], []), { add: [A, B], remove: [] });
});

test("a host added to the inventory is added alone; one taken out is removed alone", () => {
  assert.deepEqual(planPeers([A, B, C], [A, B]), { add: [C], remove: [] });
  assert.deepEqual(planPeers([A, C], [A, B, C]), { add: [], remove: [B] });
});

test("drift: a remote added by hand is removed, one deleted by hand is added back", () => {
  assert.deepEqual(planPeers([A, B], [A, B, HAND]), { add: [], remove: [HAND] });
  assert.deepEqual(planPeers([A, B], [A]), { add: [B], remove: [] });
});

test("a remote with its own port or VNI is not the declared peer of its address", () => {
  assert.deepEqual(planPeers([A], [A, `${A} port 4790`]), { add: [], remove: [`${A} port 4790`] });
});

test("nothing declared: the flood list is emptied; already as declared: nothing to do", () => {
  assert.deepEqual(planPeers([], [HAND]), { add: [], remove: [HAND] });
  assert.deepEqual(planPeers([B, A], [A, B]), { add: [], remove: [] });
});
