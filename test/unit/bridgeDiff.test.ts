// Bridge diff: name and netns replace, everything else (stp included) changes in place.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type DiffOutcome, nameDiffers, sameAddressSet, UNKNOWN } from "pulumi-tuntap/model";
import { checkBridge, diffBridge } from "pulumi-tuntap";

const STATE = {
  name: "br0",
  mtu: 1500,
  macAddress: "02:aa:bb:cc:dd:ee",
  addresses: ["192.168.10.1/24"],
  up: true,
  stp: false,
  txQueueLength: 1000,
  adopt: false,
  managedBy: "lab/dev/lan",
  ifindex: 3,
  stamp: "pulumi:lab:dev:lan:89abcdef",
  ports: ["tap0"],
};

const MATCHING_INPUTS = { name: "br0", mtu: 1500, macAddress: "02:aa:bb:cc:dd:ee", addresses: ["192.168.10.1/24"], managedBy: "lab/dev/lan" };

/** `id` is the name the bridge was created under; by default, the name in the state. */
function diffOf(changes: Record<string, unknown>, olds: Record<string, unknown> = {}, id?: string): DiffOutcome {
  const outcome = checkBridge({}, { ...MATCHING_INPUTS, ...changes });
  assert.deepEqual(outcome.failures, [], "a diff row must start from inputs that pass check");
  const state = { ...STATE, ...olds };
  return diffBridge(id ?? state.name, state, outcome.inputs);
}

const NO_CHANGE: DiffOutcome = { changes: false, replaces: [], deleteBeforeReplace: false };
/** An in-place change; Pulumi's dynamic providers report no more than that (the test names the property). */
const updated = (_updates: string[]): DiffOutcome => ({ changes: true, replaces: [], deleteBeforeReplace: false });

describe("Bridge diff", () => {
  test("inputs matching the state: no change", () => assert.deepEqual(diffOf({}), NO_CHANGE));
  test("a new fixed name replaces, old bridge first", () => {
    assert.deepEqual(diffOf({ name: "br1" }), { changes: true, replaces: ["name"], deleteBeforeReplace: true });
  });
  test("a netns replaces", () => {
    assert.deepEqual(diffOf({ netns: "lab" }), { changes: true, replaces: ["netns"], deleteBeforeReplace: true });
  });
  test("the template br%d against the kernel's br0 is no change", () => assert.deepEqual(diffOf({ name: "br%d" }), NO_CHANGE));
  test("a template that cannot produce the name replaces, old bridge first", () => {
    assert.deepEqual(diffOf({ name: "lan%d" }), { changes: true, replaces: ["name"], deleteBeforeReplace: true });
  });
  test("an unknown name replaces", () => {
    assert.deepEqual(diffOf({ name: UNKNOWN }), { changes: true, replaces: ["name"], deleteBeforeReplace: true });
  });
  test("stp on changes in place", () => assert.deepEqual(diffOf({ stp: true }), updated(["stp"])));
  test("an unknown stp changes in place", () => assert.deepEqual(diffOf({ stp: UNKNOWN }), updated(["stp"])));
  test("mtu changes in place", () => assert.deepEqual(diffOf({ mtu: 9000 }), updated(["mtu"])));
  test("macAddress changes in place", () => assert.deepEqual(diffOf({ macAddress: "02:aa:bb:cc:dd:ef" }), updated(["macAddress"])));
  test("addresses change in place", () => assert.deepEqual(diffOf({ addresses: ["192.168.10.1/25"] }), updated(["addresses"])));
  test("up: false changes in place", () => assert.deepEqual(diffOf({ up: false }), updated(["up"])));
  test("a description changes in place", () => assert.deepEqual(diffOf({ description: "lab" }), updated(["description"])));
  test("mtu and MAC left unset keep what the bridge has", () => {
    const outcome = checkBridge({}, { name: "br0", addresses: ["192.168.10.1/24"] });
    assert.deepEqual(diffBridge(STATE.name, STATE, outcome.inputs), NO_CHANGE);
  });
  test("ports are not an input and never diff", () => assert.deepEqual(diffOf({}, { ports: ["tap0", "tap1"] }), NO_CHANGE));
  test("a bridge renamed by hand is renamed back in place", () => assert.deepEqual(diffOf({}, { name: "renamed0" }, "br0"), updated(["name"])));
  test("a new name for a bridge renamed by hand replaces", () => {
    assert.deepEqual(diffOf({ name: "br1" }, { name: "renamed0" }, "br0"), { changes: true, replaces: ["name"], deleteBeforeReplace: true });
  });
});

describe("diff helpers", () => {
  test("sameAddressSet ignores order", () => assert.equal(sameAddressSet(["a", "b"], ["b", "a"]), true));
  test("sameAddressSet sees a missing address", () => assert.equal(sameAddressSet(["a"], ["a", "b"]), false));
  test("sameAddressSet sees a replaced address", () => assert.equal(sameAddressSet(["a", "c"], ["a", "b"]), false));
  test("nameDiffers: fixed names compare exactly", () => {
    assert.equal(nameDiffers("tap0", "tap0"), false);
    assert.equal(nameDiffers("tap0", "tap00"), true);
  });
  test("nameDiffers: a template against no stored name differs", () => assert.equal(nameDiffers("tap%d", undefined), true));
});
