// The outputs of this package's resource classes are recorded in two parts (provider/lifecycle/recordedOutputs.ts):
// the properties the checked inputs have at the top, everything else as one JSON text under `observed`. Here: the
// conversions, the adapter around a provider, and what a class makes of both parts in a preview (Pulumi's mocks,
// in preview mode: a missing part is unknown there, as the engine's answers make it).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { TapInterface, TapPool } from "pulumi-tuntap";
import { inOnePart, inPartsAsBefore, inTwoParts, recordingInTwoParts } from "../../provider/lifecycle/recordedOutputs";
import type { Properties } from "pulumi-tuntap/model";

const flat: Properties = { __provider: "text", name: "tap0", mtu: 1400, mode: "tap", ifindex: 7, description: null, macAddress: "52:54:00:12:34:56" };

test("the checked inputs' keys at the top, the rest (nulls too) as one JSON text, the provider's text left to the host", () => {
  const recorded = inTwoParts(flat, ["__provider", "name", "mtu", "bridge"]);
  assert.deepEqual(recorded, {
    name: "tap0",
    mtu: 1400,
    bridge: null,
    observed: JSON.stringify({ mode: "tap", ifindex: 7, description: null, macAddress: "52:54:00:12:34:56" }),
  });
  assert.deepEqual(inOnePart({ ...recorded, __provider: "text" }), { name: "tap0", mtu: 1400, bridge: null, __provider: "text", mode: "tap", ifindex: 7, description: null, macAddress: "52:54:00:12:34:56" });
});

test("outputs recorded by an earlier version (all at the top) are read as they are", () => {
  assert.equal(inOnePart(flat), flat);
});

test("a refresh keeps each property in its part, and outputs of the earlier form as they are", () => {
  const before = inTwoParts(flat, ["name", "mtu"]);
  const found = { ...flat, mtu: 1280, ifindex: 8 };
  assert.deepEqual(inPartsAsBefore(found, before), inTwoParts(found, ["name", "mtu"]));
  assert.equal(inPartsAsBefore(found, flat), found);
});

test("the adapter: the provider sees every output at the top, the state gets two parts", async () => {
  const seen: Properties[] = [];
  const provider = recordingInTwoParts({
    check: async (_olds, news) => ({ inputs: news }),
    diff: async (_id, olds) => (seen.push(olds), { changes: false }),
    create: async (inputs) => ({ id: "tap0", outs: { ...inputs, mode: "tap", ifindex: 7 } }),
    read: async (id, props) => (seen.push(props), { id, props: { ...props, ifindex: 9 } }),
    update: async (_id, olds, news) => (seen.push(olds), { outs: { ...news, mode: "tap", ifindex: 7 } }),
    delete: async (_id, props) => void seen.push(props),
  });
  const created = await provider.create({ name: "tap0", mtu: 1400 });
  assert.deepEqual(created.outs, { name: "tap0", mtu: 1400, observed: '{"mode":"tap","ifindex":7}' });
  await provider.diff?.("tap0", created.outs, { name: "tap0" });
  const read = await provider.read?.("tap0", created.outs);
  assert.deepEqual(read?.props, { name: "tap0", mtu: 1400, observed: '{"mode":"tap","ifindex":9}' });
  const updated = await provider.update?.("tap0", created.outs, { name: "tap0", mtu: 9000, up: false });
  assert.deepEqual(updated?.outs, { name: "tap0", mtu: 9000, up: false, observed: '{"mode":"tap","ifindex":7}' });
  await provider.delete?.("tap0", created.outs);
  const whole = { name: "tap0", mtu: 1400, mode: "tap", ifindex: 7 };
  assert.deepEqual(seen, [whole, whole, whole, whole]);
});

test("a create that could not remove what it made: the properties the engine records are in two parts too", async () => {
  const failure = Object.assign(new Error("half made"), { id: "tap0", properties: { __provider: "text", name: "tap0", ifindex: 7 } as Properties });
  const provider = recordingInTwoParts({
    check: async (_olds, news) => ({ inputs: news }),
    diff: async () => ({}),
    create: async () => Promise.reject(failure),
    read: async (id) => ({ id }),
    update: async () => ({}),
    delete: async () => undefined,
  });
  await assert.rejects(provider.create({ name: "tap0" }), (error: unknown) => {
    assert.equal(error, failure);
    assert.deepEqual(failure.properties, { name: "tap0", observed: '{"ifindex":7}', __provider: "text" });
    return true;
  });
});

test("a key recorded as text: one JSON text at the top, named in `observed`, read back whole; a refresh keeps the form", () => {
  const devices = { a: { name: "vm0", ifindex: 7, addresses: ["10.0.0.1/24"] } };
  const outputs: Properties = { devices, mode: "tap", stamp: "s" };
  const recorded = inTwoParts(outputs, ["devices"], ["devices"]);
  assert.deepEqual(recorded, { devices: JSON.stringify(devices), observed: JSON.stringify({ mode: "tap", stamp: "s", $recordedAsText: ["devices"] }) });
  assert.deepEqual(inOnePart(recorded), outputs);
  const found = { ...outputs, devices: { a: { ...devices.a, ifindex: 8 } } };
  assert.deepEqual(inPartsAsBefore(found, recorded), inTwoParts(found, ["devices"], ["devices"]));
  assert.deepEqual(inPartsAsBefore(found, inTwoParts(outputs, ["devices"])), inTwoParts(found, ["devices"]), "recorded as an object before: kept so");
  assert.deepEqual(inTwoParts({ devices: null }, ["devices"], ["devices"]), { devices: null, observed: "{}" }, "null stays null");
});

test("the identity a class gives (managedBy) is recorded with the observed part; a refresh keeps it where it was", async () => {
  const provider = recordingInTwoParts(
    {
      check: async (_olds, news) => ({ inputs: news }),
      diff: async () => ({}),
      create: async (inputs) => ({ id: "pool", outs: { ...inputs, stamp: "s" } }),
      read: async (id, props) => ({ id, props }),
      update: async (_id, _olds, news) => ({ outs: { ...news, stamp: "s" } }),
      delete: async () => undefined,
    },
    ["devices"],
  );
  const inputs = { devices: { a: { name: "vm0" } }, managedBy: "lab/dev/pool" };
  const created = await provider.create(inputs);
  assert.deepEqual(created.outs, { devices: '{"a":{"name":"vm0"}}', observed: '{"managedBy":"lab/dev/pool","stamp":"s","$recordedAsText":["devices"]}' });
  const updated = await provider.update?.("pool", created.outs, inputs);
  assert.deepEqual(updated?.outs, created.outs);
  const earlier = { devices: '{"a":{"name":"vm0"}}', managedBy: "lab/dev/pool", observed: '{"stamp":"s","$recordedAsText":["devices"]}' };
  assert.deepEqual((await provider.read?.("pool", earlier))?.props, earlier, "recorded at the top by an earlier version: stays there");
});

// ------------------------------------------------------------------------------------------ what a class reads

const TWO_PART_PROVIDER = 'exports.handler = () => require("pulumi-tuntap/classProviders").of("tapInterface");\n';
const EARLIER_PROVIDER = 'exports.handler = () => require("pulumi-tuntap/providers/tapInterface");\n';
const POOL_PROVIDER = 'exports.handler = () => require("pulumi-tuntap/classProviders").of("tapPool", ["devices"]);\n';
const POOL_DEVICES = { a: { name: "vm0", ifindex: 7, macAddress: "52:54:00:12:34:56", addresses: ["10.0.0.1/24"] } };

/** Per resource name, what the mocked engine answers in the preview. */
const answers: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {
  // An unchanged resource: the state's two parts, and the text of the provider that recorded them.
  same: () => ({ __provider: TWO_PART_PROVIDER, name: "same0", mtu: 1400, observed: JSON.stringify({ mode: "tap", ifindex: 7, description: null }) }),
  // A resource to be created: the checked inputs only.
  created: (inputs) => ({ ...inputs, name: "created0" }),
  // An unchanged resource whose outputs an earlier version recorded, all at the top.
  earlier: () => ({ __provider: EARLIER_PROVIDER, name: "earlier0", mtu: 1400, mode: "tap", ifindex: 7, description: null }),
  // An unchanged pool: its devices as one text at the top.
  samePool: () => ({ __provider: POOL_PROVIDER, devices: JSON.stringify(POOL_DEVICES), observed: JSON.stringify({ managedBy: "lab/dev/samePool", mode: "tap", stamp: "s", $recordedAsText: ["devices"] }) }),
  // A pool to be created: the checked inputs only (the plan, as given).
  createdPool: (inputs) => inputs,
};

void pulumi.runtime.setMocks(
  {
    newResource: (args) => ({ id: `${args.name}-id`, state: answers[args.name]?.(args.inputs) ?? {} }),
    call: () => ({}),
  },
  "lab",
  "dev",
  true,
);

interface Seen {
  known: boolean;
  value: unknown;
}

async function seen(output: pulumi.Output<unknown>): Promise<Seen> {
  const internal = output as unknown as { isKnown: Promise<boolean>; promise(): Promise<unknown> };
  return { known: await internal.isKnown, value: await internal.promise() };
}

test("in a preview of an unchanged resource, every output is known: given ones from the top, the others from `observed`", async () => {
  const tap = new TapInterface("same", { mtu: 1400 });
  assert.deepEqual(await seen(tap.mtu), { known: true, value: 1400 });
  assert.deepEqual(await seen(tap.name), { known: true, value: "same0" }, "a name check derived is at the top");
  assert.deepEqual(await seen(tap.ifindex), { known: true, value: 7 });
  assert.deepEqual(await seen(tap.description), { known: true, value: undefined }, "null, unset, reads as undefined");
});

test("in a preview of a create, the given outputs are known and the observed ones unknown, as before", async () => {
  const tap = new TapInterface("created", { mtu: 1400 });
  assert.deepEqual(await seen(tap.mtu), { known: true, value: 1400 });
  assert.deepEqual(await seen(tap.name), { known: true, value: "created0" });
  assert.equal((await seen(tap.ifindex)).known, false);
});

test("outputs an earlier version recorded, all at the top, are read from there, known in a preview", async () => {
  const tap = new TapInterface("earlier", { mtu: 1400 });
  assert.deepEqual(await seen(tap.mtu), { known: true, value: 1400 });
  assert.deepEqual(await seen(tap.name), { known: true, value: "earlier0" });
  assert.deepEqual(await seen(tap.ifindex), { known: true, value: 7 });
  assert.deepEqual(await seen(tap.mode), { known: true, value: "tap" });
  assert.deepEqual(await seen(tap.description), { known: true, value: undefined });
});

test("a class's identity is its own: known in every preview, though the state keeps it with the observed part", async () => {
  assert.deepEqual(await seen(new TapInterface("same", { mtu: 1400 }).managedBy), { known: true, value: "lab/dev/same" });
  assert.deepEqual(await seen(new TapInterface("created", { mtu: 1400 }).managedBy), { known: true, value: "lab/dev/created" });
  assert.deepEqual(await seen(new TapPool("samePool", { devices: { a: { name: "vm0" } } }).managedBy), { known: true, value: "lab/dev/samePool" });
});

test("a pool's devices, recorded as one text, read as the objects they are; in a create's preview, the plan as given", async () => {
  const same = new TapPool("samePool", { devices: { a: { name: "vm0" } } });
  assert.deepEqual(await seen(same.devices), { known: true, value: POOL_DEVICES });
  assert.deepEqual(await seen(same.mode), { known: true, value: "tap" });
  const created = new TapPool("createdPool", { devices: { a: { name: "vm0", addresses: ["10.0.0.1/24"] } } });
  assert.deepEqual(await seen(created.devices), { known: true, value: { a: { name: "vm0", addresses: ["10.0.0.1/24"] } } });
});
