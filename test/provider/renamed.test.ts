// A device renamed by hand (`ip link set X name Y`) keeps its altnames, so the provider finds it by its stamp:
// refresh reports the new name as drift, the next up renames it back in place (same ifindex, whatever has it
// open keeps it), destroy deletes it under whatever name it has. Checked with `ip -j`.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bridgeProvider, tapInterfaceProvider as provider } from "pulumi-tuntap";
import { ip, link, namespaceFingerprint } from "../support/ip";
import * as observe from "../support/ip";
import { checked, type Created, create, update } from "../support/providers";

const managedBy = (resource: string) => `tuntap-tests/dev/${resource}`;

/** A refresh: the read's outputs become the recorded state, under the same id. */
async function refreshed(current: Created, read = provider.read): Promise<Created> {
  const result = await read?.(current.id, current.outs);
  assert.equal(result?.id, current.id, "refresh keeps the resource and its id");
  return { id: current.id, outs: result?.props as Record<string, unknown> };
}

describe("TapInterface renamed by hand", () => {
  test("refresh reports the new name; up renames it back in place and converges", async () => {
    const tap = await create(provider, { name: "ren0", addresses: ["10.60.0.1/24", "fd00:60::1/64"], managedBy: managedBy("ren0") });
    ip("link", "set", "ren0", "name", "by-hand0");
    const drifted = await refreshed(tap);
    assert.equal(drifted.outs.name, "by-hand0", "refresh shows the name the device has now");
    assert.equal(drifted.outs.ifindex, tap.outs.ifindex);
    const inputs = { name: "ren0", addresses: ["10.60.0.1/24", "fd00:60::1/64"], managedBy: managedBy("ren0") };
    const diff = await provider.diff?.(drifted.id, drifted.outs, await checked(provider, inputs));
    assert.deepEqual([diff?.changes, diff?.replaces], [true, []], "a rename is drift to undo in place, not a replacement");
    const outs = await update(provider, drifted, inputs);
    assert.equal(outs.name, "ren0");
    const seen = link("ren0");
    assert.equal(seen?.ifindex, tap.outs.ifindex, "the very device, renamed back");
    assert.deepEqual(seen?.altnames, [tap.outs.stamp]);
    assert.equal(link("by-hand0"), undefined);
    assert.deepEqual(observe.cidrs("ren0"), ["10.60.0.1/24", "fd00:60::1/64"]);
  });

  test("a later create of the same resource does not make a second device: the renamed one is still recorded", async () => {
    const tap = await create(provider, { name: "ren1", managedBy: managedBy("ren1") });
    ip("link", "set", "ren1", "name", "by-hand1");
    const drifted = await refreshed(tap);
    await update(provider, drifted, { name: "ren1", managedBy: managedBy("ren1") });
    const stamped = observe.links().filter((entry) => (entry.altnames ?? []).some((name) => name.startsWith("pulumi:tuntap-tests:dev:ren1:")));
    assert.deepEqual(stamped.map((entry) => entry.ifname), ["ren1"], "one device carries the resource's stamp");
  });

  test("delete removes the device under its new name", async () => {
    const tap = await create(provider, { name: "ren2", managedBy: managedBy("ren2") });
    ip("link", "set", "ren2", "name", "by-hand2");
    await provider.delete?.(tap.id, tap.outs);
    assert.equal(link("by-hand2"), undefined);
  });

  test("a template's device renamed to a name the template could produce is no change", async () => {
    const tap = await create(provider, { name: "rt%d", managedBy: managedBy("rt") });
    assert.equal(tap.id, "rt0");
    ip("link", "set", "rt0", "name", "rt7");
    const drifted = await refreshed(tap);
    const diff = await provider.diff?.(drifted.id, drifted.outs, await checked(provider, { name: "rt%d", managedBy: managedBy("rt") }));
    assert.equal(diff?.changes, false);
  });

  test("when the declared name is taken meanwhile, the update refuses, saying by what, and changes nothing", async () => {
    const tap = await create(provider, { name: "ren3", managedBy: managedBy("ren3") });
    ip("link", "set", "ren3", "name", "by-hand3");
    ip("link", "add", "ren3", "type", "veth", "peer", "name", "ren3-peer");
    const drifted = await refreshed(tap);
    const before = namespaceFingerprint();
    const news = await checked(provider, { name: "ren3", managedBy: managedBy("ren3") });
    await assert.rejects(provider.update?.(drifted.id, drifted.outs, news) ?? Promise.resolve(), (error: Error) => {
      assert.match(error.message, /update ren3: by-hand3 was renamed by hand and cannot get its declared name ren3 back: a veth device, ren3, holds that name\./);
      return true;
    });
    assert.equal(namespaceFingerprint(), before);
  });
});

describe("Bridge renamed by hand", () => {
  test("refresh reports the new name, its ports still listed; up renames it back in place", async () => {
    const bridge = await create(bridgeProvider, { name: "rbr0", addresses: ["10.61.0.1/24"], managedBy: managedBy("rbr0") });
    await create(provider, { name: "rbp0", bridge: "rbr0", managedBy: managedBy("rbp0") });
    ip("link", "set", "rbr0", "name", "by-hand-br0");
    const drifted = await refreshed(bridge, bridgeProvider.read);
    assert.equal(drifted.outs.name, "by-hand-br0");
    assert.deepEqual(drifted.outs.ports, ["rbp0"]);
    const outs = await update(bridgeProvider, drifted, { name: "rbr0", addresses: ["10.61.0.1/24"], managedBy: managedBy("rbr0") });
    assert.equal(outs.name, "rbr0");
    assert.equal(link("rbr0")?.ifindex, bridge.outs.ifindex);
    assert.equal(link("rbp0")?.master, "rbr0");
  });
});
