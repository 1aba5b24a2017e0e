// VethPair's provider end to end, both ends observed with `ip -j` (and `ip -n NS -j` for a peer in another
// namespace): lifecycle, drift on either end, adopt, refusals of what is not ours, rollback of a failed update.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bridgeProvider, vethPairProvider as provider } from "pulumi-tuntap";
import type { Properties } from "pulumi-tuntap/model";
import * as observe from "../support/ip";
import { ip, link, mustLink } from "../support/ip";
import { checked, create, update } from "../support/providers";

const managedBy = (resource: string) => `tuntap-tests/dev/${resource}`;
const peerOf = (outs: Properties) => outs.peer as Properties;

ip("netns", "add", "vlab");

describe("a pair whose peer is in another namespace", () => {
  const inputs = {
    name: "vp0",
    addresses: ["10.50.0.1/24"],
    peer: { name: "vp0p", netns: "vlab", addresses: ["10.50.0.2/24", "fd00:50::2/64"], macAddress: "02:00:00:00:50:02" },
    managedBy: managedBy("pair"),
  };
  let pair: { id: string; outs: Properties };

  test("create makes both ends, stamped, configured and up, each in its namespace", async () => {
    pair = await create(provider, inputs);
    const first = mustLink("vp0");
    const peer = mustLink("vp0p", "vlab");
    assert.equal(link("vp0p"), undefined, "the peer is not in the first end's namespace");
    assert.equal(first.linkinfo?.info_kind, "veth");
    assert.deepEqual(first.altnames, [pair.outs.stamp]);
    assert.deepEqual(peer.altnames, [peerOf(pair.outs).stamp]);
    assert.match(String(peerOf(pair.outs).stamp), /^pulumi:tuntap-tests:dev:pair:peer-[0-9a-f]{8}$/);
    assert.deepEqual(observe.cidrs("vp0"), ["10.50.0.1/24"]);
    assert.deepEqual(observe.cidrs("vp0p", "vlab"), ["10.50.0.2/24", "fd00:50::2/64"]);
    assert.equal(peer.address, "02:00:00:00:50:02");
    assert.ok(first.flags.includes("UP") && peer.flags.includes("UP"));
    assert.ok(first.flags.includes("LOWER_UP"), "both ends up: the kernel gives the pair a carrier");
    assert.deepEqual(
      { name: peerOf(pair.outs).name, netns: peerOf(pair.outs).netns, ifindex: peerOf(pair.outs).ifindex },
      { name: "vp0p", netns: "vlab", ifindex: peer.ifindex },
    );
  });

  test("settings of both ends and the peer's name change in place", async () => {
    const news = { ...inputs, mtu: 9000, peer: { ...inputs.peer, name: "vp0q", mtu: 9000, addresses: ["10.50.0.3/24"], up: false } };
    pair.outs = await update(provider, pair, news);
    const first = mustLink("vp0");
    const peer = mustLink("vp0q", "vlab");
    assert.equal(first.ifindex, pair.outs.ifindex, "the same pair");
    assert.equal(first.mtu, 9000);
    assert.equal(peer.mtu, 9000);
    assert.deepEqual(observe.cidrs("vp0q", "vlab"), ["10.50.0.3/24"]);
    assert.ok(!peer.flags.includes("UP"));
    assert.ok(!first.flags.includes("LOWER_UP"), "one end down: the other has no carrier");
    assert.equal(peerOf(pair.outs).name, "vp0q");
    inputs.peer = news.peer;
    Object.assign(inputs, { mtu: 9000 });
  });

  test("drift on either end is read back; renames by hand are found by stamp and undone", async () => {
    ip("link", "set", "vp0", "name", "vp0-hand");
    ip("-n", "vlab", "link", "set", "vp0q", "name", "vp0q-hand");
    ip("-n", "vlab", "link", "set", "vp0q-hand", "mtu", "1400");
    const read = await provider.read?.(pair.id, pair.outs);
    assert.equal(read?.props.name, "vp0-hand");
    assert.deepEqual({ name: peerOf(read?.props ?? {}).name, mtu: peerOf(read?.props ?? {}).mtu }, { name: "vp0q-hand", mtu: 1400 });
    const news = await checked(provider, inputs);
    const diff = await provider.diff?.(pair.id, read?.props ?? {}, news);
    assert.deepEqual({ changes: diff?.changes, replaces: diff?.replaces }, { changes: true, replaces: [] });
    pair.outs = (await provider.update?.(pair.id, read?.props ?? {}, news))?.outs as Properties;
    assert.ok(link("vp0"));
    assert.equal(mustLink("vp0q", "vlab").mtu, 9000);
  });

  test("the peer deleted by hand takes the pair with it: read says gone, create makes it again", async () => {
    ip("-n", "vlab", "link", "del", "vp0q");
    assert.equal(link("vp0"), undefined, "the kernel deleted the first end too");
    const read = await provider.read?.(pair.id, pair.outs);
    assert.equal(read?.id, undefined);
    pair = await create(provider, inputs);
    assert.ok(mustLink("vp0q", "vlab"));
  });

  test("delete removes both ends; deleting again is fine", async () => {
    await provider.delete?.(pair.id, pair.outs);
    assert.equal(link("vp0"), undefined);
    assert.equal(link("vp0q", "vlab"), undefined);
    await provider.delete?.(pair.id, pair.outs);
  });
});

describe("the peer in the same namespace, and bridges", () => {
  test("a declared peer name changes in place while both ends are up (Linux renames an up veth)", async () => {
    const pair = await create(provider, { name: "vrn0", peer: { name: "vrn0p" }, managedBy: managedBy("rn") });
    const outs = await update(provider, pair, { name: "vrn0", peer: { name: "vrn0q" }, managedBy: managedBy("rn") });
    const peer = mustLink("vrn0q");
    assert.equal(peer.ifindex, peerOf(pair.outs).ifindex, "the same peer, renamed");
    assert.ok(peer.flags.includes("UP") && peer.flags.includes("LOWER_UP"));
    assert.deepEqual(peer.altnames, [peerOf(outs).stamp]);
    assert.equal(link("vrn0p"), undefined);
    await provider.delete?.(pair.id, outs);
  });


  test("an unnamed pair gets two derived names; each end joins its own bridge", async () => {
    await create(bridgeProvider, { name: "vbr0", managedBy: managedBy("vbr0") });
    await create(bridgeProvider, { name: "vbr1", netns: "vlab", managedBy: managedBy("vbr1") });
    const pair = await create(provider, { bridge: "vbr0", peer: { bridge: "vbr1", netns: "vlab" }, managedBy: managedBy("anon") });
    assert.match(String(pair.outs.name), /^anon-[0-9a-f]{6}$/);
    assert.equal(mustLink(String(pair.outs.name)).master, "vbr0");
    assert.equal(mustLink(String(peerOf(pair.outs).name), "vlab").master, "vbr1");
    assert.equal(peerOf(pair.outs).bridge, "vbr1");
    await provider.delete?.(pair.id, pair.outs);
  });

  test("a bridge that is not in the end's namespace is refused before anything is made, saying so", async () => {
    const news = await checked(provider, { name: "vbad0", peer: { name: "vbad0p", netns: "vlab", bridge: "vbr0" }, managedBy: managedBy("bad") });
    await assert.rejects(provider.create(news), /peer\.bridge: no bridge named vbr0 exists in network namespace vlab \(a port joins a bridge of its own namespace/);
    assert.equal(link("vbad0"), undefined);
  });

  test("a peer name taken in its namespace is refused, naming it; nothing is left behind", async () => {
    ip("link", "add", "vtaken", "type", "bridge");
    const news = await checked(provider, { name: "vtk0", peer: { name: "vtaken" }, managedBy: managedBy("tk") });
    await assert.rejects(provider.create(news), /create vtk0: a bridge named vtaken already exists in the same network namespace \(this stack did not create it\), so the peer cannot be made under that name. Choose another peer.name/);
    assert.equal(link("vtk0"), undefined);
  });
});

describe("adopt and refusals", () => {
  test("an existing pair whose peer is the declared one is adopted: both ends stamped and configured", async () => {
    ip("link", "add", "vad0", "type", "veth", "peer", "name", "vad0p", "netns", "vlab");
    const before = mustLink("vad0").ifindex;
    const pair = await create(provider, { name: "vad0", adopt: true, addresses: ["10.60.0.1/24"], peer: { name: "vad0p", netns: "vlab" }, managedBy: managedBy("adopt") });
    assert.equal(mustLink("vad0").ifindex, before, "taken over, not replaced");
    assert.deepEqual(mustLink("vad0").altnames, [pair.outs.stamp]);
    assert.deepEqual(mustLink("vad0p", "vlab").altnames, [peerOf(pair.outs).stamp]);
    assert.deepEqual(observe.cidrs("vad0"), ["10.60.0.1/24"]);
    await provider.delete?.(pair.id, pair.outs);
    assert.equal(link("vad0p", "vlab"), undefined);
  });

  test("a veth whose peer is not the declared one, or a device that is no veth, is refused with the reason", async () => {
    ip("link", "add", "vmm0", "type", "veth", "peer", "name", "vmm0p");
    const otherPeer = await checked(provider, { name: "vmm0", adopt: true, peer: { name: "elsewhere" }, managedBy: managedBy("mm") });
    await assert.rejects(provider.create(otherPeer), /cannot adopt vmm0: its peer is vmm0p, in the same network namespace, but the declared peer is elsewhere in the same network namespace/);
    const otherNamespace = await checked(provider, { name: "vmm0", adopt: true, peer: { name: "vmm0p", netns: "vlab" }, managedBy: managedBy("mm") });
    await assert.rejects(provider.create(otherNamespace), /cannot adopt vmm0: its peer is vmm0p, in the same network namespace, but the declared peer is vmm0p in network namespace vlab/);
    ip("link", "add", "vnotveth", "type", "bridge");
    const bridge = await checked(provider, { name: "vnotveth", adopt: true, peer: { name: "x0" }, managedBy: managedBy("nv") });
    await assert.rejects(provider.create(bridge), /cannot adopt vnotveth: it is a bridge, not a veth device/);
    assert.deepEqual(mustLink("vmm0").altnames ?? [], [], "nothing was stamped");
  });

  test("a pair of another stack is refused, naming whose it is; without adopt too", async () => {
    const theirs = await create(provider, { name: "vfor0", peer: { name: "vfor0p" }, managedBy: "other-project/prod/pair" });
    const adopt = await checked(provider, { name: "vfor0", adopt: true, peer: { name: "vfor0p" }, managedBy: managedBy("mine") });
    await assert.rejects(provider.create(adopt), /cannot adopt vfor0: it is already managed by another Pulumi stack or resource \(stamp pulumi:other-project:prod:pair:/);
    const plain = await checked(provider, { name: "vfor0", peer: { name: "vfor0p" }, managedBy: managedBy("mine") });
    await assert.rejects(provider.create(plain), /a veth device named vfor0 already exists and this stack did not create it for this resource: .*other-project:prod:pair/);
    assert.deepEqual(mustLink("vfor0").altnames, [theirs.outs.stamp], "theirs, untouched");
  });

  test("a stack's own pair from a run that never recorded it is taken back, peer and all", async () => {
    const lost = await create(provider, { name: "vlost0", peer: { name: "vlost0p", netns: "vlab" }, managedBy: managedBy("lost") });
    const again = await create(provider, { name: "vlost0", peer: { name: "vlost0p", netns: "vlab" }, managedBy: managedBy("lost") });
    assert.equal(again.outs.ifindex, lost.outs.ifindex);
    assert.equal(again.outs.stamp, lost.outs.stamp);
    await provider.delete?.(again.id, again.outs);
  });
});

describe("a peer moved to another namespace by hand", () => {
  test("read refuses to forget a pair whose first end stays, saying what to do; once deleted, it is gone", async () => {
    ip("netns", "add", "vaway");
    const pair = await create(provider, { name: "vmv0", peer: { name: "vmv0p", netns: "vlab" }, managedBy: managedBy("mv") });
    ip("-n", "vlab", "link", "set", "vmv0p", "netns", "vaway");
    await assert.rejects(
      provider.read?.(pair.id, pair.outs) ?? Promise.resolve(),
      /read vmv0: vmv0's peer is not in network namespace vlab any more \(moved elsewhere by hand\?\)\. Move it back \(`ip link set <its name> netns vlab` from where it is\), or delete the pair \(`ip link del vmv0`\)/,
    );
    const news = await checked(provider, { name: "vmv0", mtu: 1400, peer: { name: "vmv0p", netns: "vlab" }, managedBy: managedBy("mv") });
    await assert.rejects(provider.update?.(pair.id, pair.outs, news) ?? Promise.resolve(), /update vmv0: vmv0's peer is not in network namespace vlab any more/);
    assert.equal(mustLink("vmv0").mtu, 1500, "nothing was changed");
    ip("link", "del", "vmv0");
    assert.equal((await provider.read?.(pair.id, pair.outs))?.id, undefined);
  });
});

describe("rollback", () => {
  test("an update failing on the peer rolls back the first end too", async () => {
    const pair = await create(provider, { name: "vrb0", addresses: ["10.70.0.1/24"], peer: { name: "vrb0p", netns: "vlab" }, managedBy: managedBy("rb") });
    ip("netns", "exec", "vlab", "sysctl", "-qw", "net.ipv6.conf.vrb0p.disable_ipv6=1");
    const news = await checked(provider, { name: "vrb0", mtu: 9000, addresses: ["10.70.0.9/24"], peer: { name: "vrb0p", netns: "vlab", addresses: ["fd00:70::2/64"] }, managedBy: managedBy("rb") });
    // Each step names the end it was on.
    await assert.rejects(
      provider.update?.(pair.id, pair.outs, news) ?? Promise.resolve(),
      /update vrb0: add address fd00:70::2\/64 on vrb0p: EACCES .*Rolled back: restore addresses on vrb0p, set mtu 9000 on vrb0, restore addresses on vrb0\.$/s,
    );
    assert.equal(mustLink("vrb0").mtu, 1500);
    assert.deepEqual(observe.cidrs("vrb0"), ["10.70.0.1/24"]);
    assert.deepEqual(observe.cidrs("vrb0p", "vlab"), []);
  });

  test("a resource renamed with an alias restamps both ends in place", async () => {
    const pair = await create(provider, { name: "vid0", peer: { name: "vid0p", netns: "vlab" }, managedBy: managedBy("old-name") });
    const outs = await update(provider, pair, { name: "vid0", peer: { name: "vid0p", netns: "vlab" }, managedBy: managedBy("new-name") });
    assert.match(String(outs.stamp), /:new-name:/);
    assert.deepEqual(mustLink("vid0").altnames, [outs.stamp]);
    assert.deepEqual(mustLink("vid0p", "vlab").altnames, [peerOf(outs).stamp]);
    assert.match(String(peerOf(outs).stamp), /:new-name:peer-/);
  });
});

describe("the peer's namespace left unset", () => {
  test("is the first end's: both ends are made there, and found there", async () => {
    const pair = await create(provider, { name: "vdn0", netns: "vlab", peer: { name: "vdn0p" }, managedBy: managedBy("dn") });
    assert.ok(mustLink("vdn0", "vlab") && mustLink("vdn0p", "vlab"));
    assert.deepEqual([link("vdn0"), link("vdn0p")], [undefined, undefined], "neither end here");
    assert.equal(peerOf(pair.outs).netns, "vlab");
    await provider.delete?.(pair.id, pair.outs);
    assert.equal(link("vdn0p", "vlab"), undefined);
  });
});

describe("ports of bridges the kernel deleted", () => {
  test("an end left outside the bridge it names (its bridge deleted and made again) is a change to the diff, and the update joins it back", async () => {
    ip("link", "add", "vpb0", "type", "bridge");
    ip("-n", "vlab", "link", "add", "vpb1", "type", "bridge");
    const inputs = { name: "vpt0", bridge: "vpb0", peer: { name: "vpt0p", netns: "vlab", bridge: "vpb1" }, managedBy: managedBy("pt") };
    const pair = await create(provider, inputs);
    for (const netns of [undefined, "vlab"]) {
      const bridge = netns === undefined ? "vpb0" : "vpb1";
      ip(...(netns === undefined ? [] : ["-n", netns]), "link", "del", bridge);
      ip(...(netns === undefined ? [] : ["-n", netns]), "link", "add", bridge, "type", "bridge");
    }
    assert.deepEqual([link("vpt0")?.master, link("vpt0p", "vlab")?.master], [undefined, undefined], "the kernel dropped both ports");
    await update(provider, pair, inputs);
    assert.deepEqual([link("vpt0")?.master, link("vpt0p", "vlab")?.master], ["vpb0", "vpb1"]);
    await provider.delete?.(pair.id, pair.outs);
    ip("link", "del", "vpb0");
    ip("-n", "vlab", "link", "del", "vpb1");
  });
});
