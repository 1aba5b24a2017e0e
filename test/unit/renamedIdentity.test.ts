// A resource renamed with an alias, or a renamed stack, changes the identity ("project/stack/resource") its
// device is stamped for. The device must stay: the change is an in-place update (which stamps it anew), and a
// device declared without a name keeps the name it was given for the old identity.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { newStamp, siblingResourceOf } from "pulumi-tuntap/model";
import { checkBridge, checkTapInterface, diffBridge, diffTapInterface } from "pulumi-tuntap";

const OLD_IDENTITY = "lab/dev/uplink";
const ALIASED = "lab/dev/vm-uplink";
const RENAMED_STACK = "lab/prod/uplink";

/** Checked inputs as the engine stores them, then the outputs the provider recorded for the same device. */
function tapRecorded(inputs: Record<string, unknown>): { inputs: Record<string, unknown>; outputs: Record<string, unknown> } {
  const checked = checkTapInterface({}, inputs).inputs;
  return { inputs: checked, outputs: { ...checked, ifindex: 7, stamp: "pulumi:lab:dev:uplink:0123abcd" } };
}

describe("TapInterface under a new identity", () => {
  for (const [title, identity] of [
    ["renamed with an alias", ALIASED],
    ["in a renamed stack", RENAMED_STACK],
  ] as const) {
    test(`a named tap ${title} is updated in place (managedBy), never replaced`, () => {
      const old = tapRecorded({ name: "tap0", managedBy: OLD_IDENTITY });
      const news = checkTapInterface(old.inputs, { name: "tap0", managedBy: identity }).inputs;
      // Nothing but the identity differs: an in-place update (it stamps the device anew).
      assert.deepEqual(diffTapInterface("tap0", old.outputs, news, {}), { changes: true, replaces: [], deleteBeforeReplace: false });
    });

    test(`an unnamed tap ${title} keeps the name derived for its old identity`, () => {
      const old = tapRecorded({ managedBy: OLD_IDENTITY });
      assert.match(String(old.inputs.name), /^uplink-[0-9a-f]{6}$/);
      const news = checkTapInterface(old.inputs, { managedBy: identity }).inputs;
      assert.equal(news.name, old.inputs.name);
      assert.deepEqual(diffTapInterface(String(old.outputs.name), old.outputs, news, {}).replaces, []);
    });
  }

  test("the kept name survives later checks and further renames (the identity it came from is carried along)", () => {
    const old = tapRecorded({ managedBy: OLD_IDENTITY });
    const renamed = checkTapInterface(old.inputs, { managedBy: ALIASED }).inputs;
    assert.equal(renamed.nameDerivedFrom, OLD_IDENTITY);
    const nextRun = checkTapInterface(renamed, { managedBy: ALIASED, mtu: 1400 }).inputs;
    assert.equal(nextRun.name, old.inputs.name);
    const stackRenamed = checkTapInterface(nextRun, { managedBy: "lab/prod/vm-uplink" }).inputs;
    assert.equal(stackRenamed.name, old.inputs.name);
    assert.equal(stackRenamed.nameDerivedFrom, OLD_IDENTITY);
  });

  test("renamed back to the first identity, the name is simply derived again", () => {
    const old = tapRecorded({ managedBy: OLD_IDENTITY });
    const renamed = checkTapInterface(old.inputs, { managedBy: ALIASED }).inputs;
    const back = checkTapInterface(renamed, { managedBy: OLD_IDENTITY }).inputs;
    assert.equal(back.name, old.inputs.name);
    assert.equal(back.nameDerivedFrom, undefined);
  });

  test("the same identity is no change", () => {
    const old = tapRecorded({ name: "tap0", managedBy: OLD_IDENTITY });
    assert.equal(diffTapInterface("tap0", old.outputs, checkTapInterface(old.inputs, { name: "tap0", managedBy: OLD_IDENTITY }).inputs, {}).changes, false);
  });

  test("a replacement (checked without olds) derives its name from the new identity", () => {
    const old = tapRecorded({ managedBy: OLD_IDENTITY });
    const replacement = checkTapInterface({}, { managedBy: ALIASED }).inputs;
    assert.notEqual(replacement.name, old.inputs.name);
    assert.match(String(replacement.name), /^vm-uplin-[0-9a-f]{6}$/);
  });

  test("a name the old inputs did not derive (given explicitly, then removed) is not kept", () => {
    const old = tapRecorded({ name: "tap0", managedBy: OLD_IDENTITY });
    assert.match(String(checkTapInterface(old.inputs, { managedBy: ALIASED }).inputs.name), /^vm-uplin-[0-9a-f]{6}$/);
  });
});

describe("Bridge under a new identity", () => {
  test("an unnamed bridge keeps its derived name and is updated in place", () => {
    const oldInputs = checkBridge({}, { managedBy: "lab/dev/lan" }).inputs;
    const outputs = { ...oldInputs, ifindex: 3, stamp: "pulumi:lab:dev:lan:89abcdef", ports: [] };
    const news = checkBridge(oldInputs, { managedBy: "lab/prod/lan" }).inputs;
    assert.equal(news.name, oldInputs.name);
    assert.equal(checkBridge(news, { managedBy: "lab/prod/lan", stp: true }).inputs.name, oldInputs.name, "and keeps it on the next run");
    assert.deepEqual(diffBridge(String(oldInputs.name), outputs, news), { changes: true, replaces: [], deleteBeforeReplace: false });
  });
});

describe("a resource renamed without an alias finds its old device stamped for its old name", () => {
  test("the stamp names the old resource of the same project and stack", () => {
    assert.equal(siblingResourceOf(newStamp(OLD_IDENTITY), ALIASED), "uplink");
  });
  test("encoded characters are given back", () => {
    assert.equal(siblingResourceOf(newStamp("lab/dev/my vm"), ALIASED), "my vm");
  });
  test("another stack's or project's stamp is no sibling", () => {
    assert.equal(siblingResourceOf(newStamp(RENAMED_STACK), ALIASED), undefined);
    assert.equal(siblingResourceOf(newStamp("other/dev/uplink"), ALIASED), undefined);
    assert.equal(siblingResourceOf(newStamp("lab/development/uplink"), ALIASED), undefined, "a stack whose name merely starts alike");
  });
  test("the resource's own stamp is no sibling", () => {
    assert.equal(siblingResourceOf(newStamp(ALIASED), ALIASED), undefined);
  });
});
