// NetworkNamespace's provider end to end, checked with `ip netns list` and `ip -n NAME -j link`: lifecycle,
// drift, adopt, a lost create taken back, and the refusals (another stack's namespace, one replaced behind our
// back, a plain file, a namespace still holding devices the stack did not put there).
import "../support/privateNetns";
import assert from "node:assert/strict";
import { statSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { test } from "node:test";
import type { Properties } from "pulumi-tuntap/model";
import { networkNamespaceProvider as provider, tapInterfaceProvider, vethPairProvider } from "pulumi-tuntap";
import { ip, link, linkNames, namespaceFingerprint, namespaceNames } from "../support/ip";
import { checked, create, update } from "../support/providers";

const managedBy = (resource: string, stack = "dev") => `tuntap-tests/${stack}/${resource}`;
const loopback = (netns: string) => link("lo", netns);
const inode = (name: string) => statSync(`/run/netns/${name}`).ino;
/** delete as the engine calls it (the method is optional in Pulumi's type, so a plain call would not type-check). */
const remove = async (id: string, outs: Properties): Promise<void> => {
  await provider.delete?.(id, outs);
};

test("a namespace is created with lo up and stamped, read, changed in place and deleted", async () => {
  const ns = await create(provider, { name: "p-life", managedBy: managedBy("life") });
  const made = inode("p-life");
  assert.equal(ns.id, "p-life");
  assert.ok(namespaceNames().includes("p-life"), "ip netns list shows it");
  const lo = loopback("p-life");
  assert.ok(lo?.flags.includes("UP"), "lo is up inside");
  assert.deepEqual(lo?.altnames, [ns.outs.stamp], "lo carries the stamp");
  assert.match(String(ns.outs.stamp), /^pulumi:tuntap-tests:dev:life:[0-9a-f]{8}$/);
  assert.deepEqual(
    { name: ns.outs.name, path: ns.outs.path, loopbackUp: ns.outs.loopbackUp, adopt: ns.outs.adopt },
    { name: "p-life", path: "/run/netns/p-life", loopbackUp: true, adopt: false },
  );
  assert.deepEqual(linkNames("p-life"), ["lo"], "nothing else inside");

  const down = await update(provider, ns, { name: "p-life", loopbackUp: false, managedBy: managedBy("life") });
  assert.equal(down.loopbackUp, false);
  assert.ok(!loopback("p-life")?.flags.includes("UP"), "lo is down inside");
  assert.equal(inode("p-life"), made, "changed in place: the same namespace");

  const restamped = await update(provider, { id: ns.id, outs: down }, { name: "p-life", loopbackUp: false, managedBy: managedBy("life", "prod") });
  assert.match(String(restamped.stamp), /^pulumi:tuntap-tests:prod:life:/, "a renamed stack restamps in place");
  assert.deepEqual(loopback("p-life")?.altnames, [restamped.stamp], "and the old stamp is gone");

  await provider.delete?.(ns.id, restamped);
  assert.ok(!namespaceNames().includes("p-life"), "deleted");
  await provider.delete?.(ns.id, restamped); // gone already is success
});

test("drift: lo taken down by hand is read and brought back; a namespace deleted behind our back is forgotten and made again", async () => {
  const inputs = { name: "p-drift", managedBy: managedBy("drift") };
  const ns = await create(provider, inputs);
  ip("-n", "p-drift", "link", "set", "lo", "down");
  const read = await provider.read?.(ns.id, ns.outs);
  assert.equal(read?.props.loopbackUp, false, "refresh sees lo down");
  const outs = await update(provider, { id: ns.id, outs: read?.props as Properties }, inputs);
  assert.equal(outs.loopbackUp, true);
  assert.ok(loopback("p-drift")?.flags.includes("UP"), "up repaired it");

  ip("netns", "del", "p-drift");
  assert.deepEqual(await provider.read?.(ns.id, outs), {}, "refresh forgets a namespace that is gone");
  const again = await create(provider, inputs);
  assert.ok(namespaceNames().includes("p-drift"), "up makes it again");
  await provider.delete?.(again.id, again.outs);
});

test("a namespace re-created by hand under our name is not ours: read forgets it, update and delete refuse, nothing changes", async () => {
  const ns = await create(provider, { name: "p-swap", managedBy: managedBy("swap") });
  ip("netns", "del", "p-swap");
  ip("netns", "add", "p-swap");
  const before = namespaceFingerprint("p-swap");
  assert.deepEqual(await provider.read?.(ns.id, ns.outs), {});
  await assert.rejects(remove(ns.id, ns.outs), /refusing to touch network namespace p-swap: it is not the one this stack created; its lo carries no pulumi-tuntap ownership stamp/);
  const inputs = await checked(provider, { name: "p-swap", loopbackUp: false, managedBy: managedBy("swap") });
  await assert.rejects(async () => provider.update?.(ns.id, ns.outs, inputs), /update network namespace p-swap: refusing to touch network namespace p-swap/);
  assert.ok(namespaceNames().includes("p-swap"), "still there");
  assert.equal(namespaceFingerprint("p-swap"), before, "unchanged");
  ip("netns", "del", "p-swap");
});

test("a namespace made by `ip netns add` is refused without adopt, adopted with it, and then managed", async () => {
  ip("netns", "add", "p-adopt");
  const before = namespaceFingerprint("p-adopt");
  const inputs = await checked(provider, { name: "p-adopt", managedBy: managedBy("adopt") });
  await assert.rejects(
    provider.create(inputs),
    /create network namespace p-adopt: network namespace p-adopt already exists and this stack did not create it; .*set `adopt: true` to manage it\. Nothing was changed\./,
  );
  assert.equal(namespaceFingerprint("p-adopt"), before, "nothing changed");
  const owned = inode("p-adopt");
  const adopted = await create(provider, { name: "p-adopt", adopt: true, managedBy: managedBy("adopt") });
  assert.equal(inode("p-adopt"), owned, "the same namespace, taken over");
  assert.equal(adopted.outs.adopt, true);
  assert.ok(loopback("p-adopt")?.flags.includes("UP"), "lo brought up as declared");
  assert.deepEqual(loopback("p-adopt")?.altnames, [adopted.outs.stamp]);
  await provider.delete?.(adopted.id, adopted.outs);
  assert.ok(!namespaceNames().includes("p-adopt"));
});

test("another stack's namespace is refused, with or without adopt, saying whose it is (a sibling resource by its name)", async () => {
  const theirs = await create(provider, { name: "p-theirs", managedBy: managedBy("lab", "other") });
  const before = namespaceFingerprint("p-theirs");
  for (const adopt of [false, true]) {
    const inputs = await checked(provider, { name: "p-theirs", adopt, managedBy: managedBy("lab") });
    await assert.rejects(
      provider.create(inputs),
      /network namespace p-theirs already exists and it is already managed by another Pulumi stack or resource \(stamp pulumi:tuntap-tests:other:lab:[0-9a-f]{8} on its lo.*ip -n p-theirs link property del dev lo altname/,
    );
  }
  const renamed = await checked(provider, { name: "p-theirs", managedBy: managedBy("lab2", "other") });
  await assert.rejects(
    provider.create(renamed),
    /it is the network namespace of this stack's resource "lab" \(stamp pulumi:tuntap-tests:other:lab:[0-9a-f]{8} on its lo\)\. If you renamed that resource, declare its old name as an alias/,
  );
  assert.equal(namespaceFingerprint("p-theirs"), before, "nothing changed");
  await provider.delete?.(theirs.id, theirs.outs);
});

test("a create whose run was never recorded takes its own namespace back, without adopt", async () => {
  const first = await create(provider, { name: "p-lost", managedBy: managedBy("lost") });
  const owned = inode("p-lost");
  const again = await create(provider, { name: "p-lost", managedBy: managedBy("lost") });
  assert.equal(inode("p-lost"), owned, "the same namespace");
  assert.equal(again.outs.stamp, first.outs.stamp, "with the same stamp");
  await provider.delete?.(again.id, again.outs);
});

test("a plain file at /run/netns/NAME is refused and left alone", async () => {
  writeFileSync("/run/netns/p-file", "mine\n");
  const inputs = await checked(provider, { name: "p-file", adopt: true, managedBy: managedBy("file") });
  await assert.rejects(provider.create(inputs), /\/run\/netns\/p-file exists but is not a namespace \(a plain file or a directory\), so no network namespace can be made or adopted there\. .*ip netns del p-file/);
  assert.equal(readFileSync("/run/netns/p-file", "utf8"), "mine\n");
  rmSync("/run/netns/p-file");
});

test("deleting a namespace that still holds devices the stack did not put there is refused, naming them", async () => {
  const ns = await create(provider, { name: "p-busy", managedBy: managedBy("busy") });
  ip("-n", "p-busy", "link", "add", "busy0", "type", "veth", "peer", "name", "busy1");
  const before = namespaceFingerprint("p-busy");
  await assert.rejects(
    remove(ns.id, ns.outs),
    /delete network namespace p-busy: refusing to delete network namespace p-busy: it still holds busy(0|1), busy(0|1), which this stack did not put there.*ip -n p-busy link del DEVICE.*Nothing was changed\./,
  );
  assert.equal(namespaceFingerprint("p-busy"), before, "nothing changed inside");
  ip("-n", "p-busy", "link", "del", "busy0");
  await provider.delete?.(ns.id, ns.outs);
  assert.ok(!namespaceNames().includes("p-busy"));
});

test("a tap placed in the namespace by its name: made inside; the namespace goes only after the tap", async () => {
  const ns = await create(provider, { managedBy: managedBy("vm-ns") });
  assert.match(ns.id, /^vm-ns-[0-9a-f]{6}$/, "an unnamed namespace gets a derived name");
  const tap = await create(tapInterfaceProvider, { name: "nstap0", netns: ns.outs.name, managedBy: managedBy("vm-tap") });
  assert.ok(link("nstap0", ns.id), "the tap is inside");
  assert.equal(link("nstap0"), undefined, "not here");
  await assert.rejects(
    remove(ns.id, ns.outs),
    /refusing to delete network namespace vm-ns-[0-9a-f]{6}: it still holds nstap0 \(this stack's resource vm-tap\), which Pulumi did not delete first: .*the device's netns is this namespace's name output.*Nothing was changed\.$/,
  );
  await tapInterfaceProvider.delete?.(tap.id, tap.outs);
  await provider.delete?.(ns.id, ns.outs);
  assert.ok(!namespaceNames().includes(ns.id));
});

test("a veth pair's peer of this stack left inside is named with its pair's resource, apart from a device of someone else", async () => {
  const ns = await create(provider, { name: "p-mixed", managedBy: managedBy("mixed") });
  const pair = await create(vethPairProvider, { name: "mix0", peer: { name: "mix0p", netns: "p-mixed" }, managedBy: managedBy("mixed-pair") });
  ip("-n", "p-mixed", "link", "add", "other0", "type", "veth", "peer", "name", "other1");
  await assert.rejects(
    remove(ns.id, ns.outs),
    /it still holds mix0p \(this stack's resource mixed-pair\), which Pulumi did not delete first: .*; and other[01], other[01], which this stack did not put there: .*Nothing was changed\.$/,
  );
  await vethPairProvider.delete?.(pair.id, pair.outs);
  ip("-n", "p-mixed", "link", "del", "other0");
  await provider.delete?.(ns.id, ns.outs);
  assert.ok(!namespaceNames().includes("p-mixed"));
});
