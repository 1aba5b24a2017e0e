// TapInterface diff: which input changes replace the device, which change it in place, and which are no
// change at all. `olds` is the stored state; `news` are inputs as check returns them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type DiffOutcome, UNKNOWN } from "pulumi-tuntap/model";
import { checkTapInterface, diffTapInterface, type ResolvedPrincipals } from "pulumi-tuntap";

/** The device as the last read stored it. */
const STATE = {
  name: "tap0",
  mode: "tap",
  owner: 1000,
  group: 100,
  multiQueue: false,
  packetInfo: false,
  vnetHdr: false,
  mtu: 1500,
  macAddress: "52:54:00:12:34:56",
  addresses: ["10.0.0.1/24", "fd00::1/64"],
  up: true,
  promiscuous: false,
  txQueueLength: 1000,
  description: "vm uplink",
  bridge: "br0",
  adopt: false,
  managedBy: "lab/dev/uplink",
  ifindex: 7,
  stamp: "pulumi:lab:dev:uplink:0123abcd",
};

/** Inputs that match STATE exactly, before check. */
const MATCHING_INPUTS = {
  name: "tap0",
  owner: 1000,
  group: 100,
  mtu: 1500,
  macAddress: "52:54:00:12:34:56",
  addresses: ["10.0.0.1/24", "fd00::1/64"],
  txQueueLength: 1000,
  description: "vm uplink",
  bridge: "br0",
  managedBy: "lab/dev/uplink",
};

function checked(inputs: Record<string, unknown>): Record<string, unknown> {
  const outcome = checkTapInterface({}, inputs);
  assert.deepEqual(outcome.failures, [], "a diff row must start from inputs that pass check");
  return outcome.inputs;
}

/** `id` is the name the device was created under; by default, the name in the state. */
function diffOf(changes: Record<string, unknown>, options: { olds?: Record<string, unknown>; resolved?: ResolvedPrincipals; id?: string } = {}): DiffOutcome {
  const inputs: Record<string, unknown> = { ...MATCHING_INPUTS, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete inputs[key];
  const news = checked(inputs);
  const olds = { ...STATE, ...options.olds };
  return diffTapInterface(options.id ?? String(olds.name), olds, news, options.resolved ?? numericPrincipals(news));
}

/** What the resource layer resolves numeric owner/group inputs to: the numbers themselves. */
function numericPrincipals(news: Record<string, unknown>): ResolvedPrincipals {
  const resolved: ResolvedPrincipals = {};
  if (typeof news.owner === "number") resolved.owner = news.owner;
  if (typeof news.group === "number") resolved.group = news.group;
  return resolved;
}

const NO_CHANGE: DiffOutcome = { changes: false, replaces: [], deleteBeforeReplace: false };
const replaced = (properties: string[], deleteBeforeReplace = true): DiffOutcome => ({ changes: true, replaces: properties, deleteBeforeReplace });
/** An in-place change; Pulumi's dynamic providers report no more than that (the row names the property). */
const updated = (_properties: string[]): DiffOutcome => ({ changes: true, replaces: [], deleteBeforeReplace: false });

describe("TapInterface diff: replacements", () => {
  const rows: [title: string, changes: Record<string, unknown>, expected: DiffOutcome][] = [
    ["a new fixed name replaces, old device first", { name: "tap1" }, replaced(["name"])],
    ["multiQueue on replaces", { multiQueue: true }, replaced(["multiQueue"])],
    ["a netns replaces", { netns: "lab" }, replaced(["netns"])],
    ["a template replaces a fixed name it cannot produce, old device first", { name: "vm%d" }, replaced(["name"])],
    ["an unknown name replaces", { name: UNKNOWN }, replaced(["name"])],
    ["an unknown mode replaces", { mode: UNKNOWN }, replaced(["mode"])],
    ["an unknown multiQueue replaces", { multiQueue: UNKNOWN }, replaced(["multiQueue"])],
    ["an unknown netns replaces", { netns: UNKNOWN }, replaced(["netns"])],
  ];
  for (const [title, changes, expected] of rows) test(title, () => assert.deepEqual(diffOf(changes), expected));

  test("tap → tun replaces", () => {
    assert.deepEqual(diffOf({ mode: "tun", macAddress: undefined, bridge: undefined }, { olds: { bridge: undefined } }), replaced(["mode"]));
  });

  test("the template tap%d against the kernel's tap12 is no change", () => {
    assert.deepEqual(diffOf({ name: "tap%d" }, { olds: { name: "tap12" } }), NO_CHANGE);
  });

  test("with a template name and another replacement, the old device still goes first (a resource owns one device at a time)", () => {
    assert.deepEqual(diffOf({ name: "tap%d", multiQueue: true }, { olds: { name: "tap12" } }), replaced(["multiQueue"]));
  });

  test("leaving a netns for the host's namespace replaces", () => {
    assert.deepEqual(diffOf({}, { olds: { netns: "lab" } }), replaced(["netns"]));
  });

  test("a new name for a device that was renamed by hand replaces", () => {
    assert.deepEqual(diffOf({ name: "tap1" }, { olds: { name: "renamed0" }, id: "tap0" }), replaced(["name"]));
  });
});

describe("TapInterface diff: renamed by hand", () => {
  test("a device whose refreshed name differs from the name it was created under is renamed back in place", () => {
    assert.deepEqual(diffOf({}, { olds: { name: "renamed0" }, id: "tap0" }), updated(["name"]));
  });

  test("a template's device renamed to a name the template could produce is no change", () => {
    assert.deepEqual(diffOf({ name: "tap%d" }, { olds: { name: "tap7" }, id: "tap12" }), NO_CHANGE);
  });

  test("a template's device renamed to a name the template cannot produce is renamed back in place", () => {
    assert.deepEqual(diffOf({ name: "tap%d" }, { olds: { name: "other0" }, id: "tap12" }), updated(["name"]));
  });
});

describe("TapInterface diff: in place", () => {
  const rows: [title: string, changes: Record<string, unknown>, expected: string[]][] = [
    ["mtu", { mtu: 9000 }, ["mtu"]],
    ["macAddress (compared after normalising)", { macAddress: "52:54:00:AA:BB:CC" }, ["macAddress"]],
    ["txQueueLength", { txQueueLength: 500 }, ["txQueueLength"]],
    ["description", { description: "another" }, ["description"]],
    ["one address more", { addresses: ["10.0.0.1/24", "fd00::1/64", "10.0.1.1/24"] }, ["addresses"]],
    ["one address less", { addresses: ["10.0.0.1/24"] }, ["addresses"]],
    ["the same address with another prefix", { addresses: ["10.0.0.1/16", "fd00::1/64"] }, ["addresses"]],
    ["addresses left out: none wanted", { addresses: undefined }, ["addresses"]],
    ["up: false", { up: false }, ["up"]],
    ["promiscuous: true", { promiscuous: true }, ["promiscuous"]],
    ["another bridge", { bridge: "br1" }, ["bridge"]],
    ["bridge left out: leave the bridge", { bridge: undefined }, ["bridge"]],
    ["owner", { owner: 1001 }, ["owner"]],
    ["group", { group: 101 }, ["group"]],
    ["everything in place at once, in a stable order", { owner: 1, group: 2, mtu: 9000, txQueueLength: 1, macAddress: "02:00:00:00:00:01", description: "x", addresses: [], up: false, promiscuous: true, bridge: "br9" }, ["owner", "group", "mtu", "txQueueLength", "macAddress", "description", "addresses", "up", "promiscuous", "bridge"]],
    ["an unknown mtu", { mtu: UNKNOWN }, ["mtu"]],
    ["an unknown MAC", { macAddress: UNKNOWN }, ["macAddress"]],
    ["an unknown description", { description: UNKNOWN }, ["description"]],
    ["an unknown address in the list", { addresses: ["10.0.0.1/24", UNKNOWN] }, ["addresses"]],
    ["an unknown up", { up: UNKNOWN }, ["up"]],
    ["an unknown bridge", { bridge: UNKNOWN }, ["bridge"]],
    ["an unknown owner", { owner: UNKNOWN }, ["owner"]],
  ];
  for (const [title, changes, expected] of rows) test(title, () => assert.deepEqual(diffOf(changes), updated(expected)));

  test("an owner name that resolves to another uid than the device's", () => {
    assert.deepEqual(diffOf({ owner: "qemu" }, { resolved: { owner: 107, group: 100 } }), updated(["owner"]));
  });

  test("an empty description against a device with an alias", () => {
    assert.deepEqual(diffOf({ description: "" }), updated(["description"]));
  });
});

describe("TapInterface diff: no change", () => {
  test("inputs matching the state", () => assert.deepEqual(diffOf({}), NO_CHANGE));

  test("the same addresses in another order and spelling", () => {
    assert.deepEqual(diffOf({ addresses: ["FD00:0::1/64", "10.0.0.1/24"] }), NO_CHANGE);
  });

  test("a MAC in capitals with dashes equal to the device's", () => {
    assert.deepEqual(diffOf({ macAddress: "52-54-00-12-34-56" }), NO_CHANGE);
  });

  for (const key of ["mtu", "macAddress", "txQueueLength", "description", "owner", "group"]) {
    test(`${key} left unset keeps whatever the device has`, () => assert.deepEqual(diffOf({ [key]: undefined }), NO_CHANGE));
  }

  test("an empty description against a device without an alias", () => {
    const { description: _description, ...withoutAlias } = STATE;
    const news = checked({ ...MATCHING_INPUTS, description: "" });
    assert.deepEqual(diffTapInterface(withoutAlias.name, withoutAlias, news, { owner: 1000, group: 100 }), NO_CHANGE);
  });

  test("packetInfo and vnetHdr never diff (the VMM that opens the device sets them)", () => {
    assert.deepEqual(diffOf({ packetInfo: true, vnetHdr: true }), NO_CHANGE);
    assert.deepEqual(diffOf({}, { olds: { packetInfo: true, vnetHdr: true } }), NO_CHANGE);
  });

  test("an owner name that resolves to the device's uid", () => {
    assert.deepEqual(diffOf({ owner: "qemu" }, { resolved: { owner: 1000, group: 100 } }), NO_CHANGE);
  });

  test("a stored state without multiQueue counts as single-queue", () => {
    const { multiQueue: _multiQueue, ...olderState } = STATE;
    assert.deepEqual(diffTapInterface(STATE.name, olderState, checked(MATCHING_INPUTS), { owner: 1000, group: 100 }), NO_CHANGE);
  });
});
