// The veth codec against the real kernel: a pair made in one RTM_NEWLINK, its peer in the same or in another
// named namespace, observed with `ip -j` in both namespaces; IFLA_LINK / IFLA_LINK_NETNSID read back.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { test } from "node:test";
import { createVethPair, DeviceExistsError, NoSuchNamespaceError, rtnetlink } from "pulumi-tuntap/kernel";
import { type IpLink, ip, link, mustLink } from "../support/ip";
import { pollSync } from "../support/wait";

const netlink = rtnetlink();
const context = (operation: string) => ({ operation, step: "" });

test("a pair in one namespace: the echoed first end, each end naming the other", () => {
  const created = createVethPair(netlink, { name: "kv0", peer: { name: "kv0p" } }, context("create kv0"));
  const first = mustLink("kv0");
  const peer = mustLink("kv0p");
  assert.equal(created.name, "kv0");
  assert.equal(created.index, first.ifindex);
  assert.equal(first.linkinfo?.info_kind, "veth");
  assert.equal(peer.linkinfo?.info_kind, "veth");
  const ours = netlink.getLink("kv0", "read kv0");
  const ourPeer = netlink.getLink("kv0p", "read kv0p");
  assert.equal(ours?.linkIndex, peer.ifindex, "IFLA_LINK of one end is the other's ifindex");
  assert.equal(ourPeer?.linkIndex, first.ifindex);
  assert.equal(ours?.linkNetnsId, undefined, "no IFLA_LINK_NETNSID while both ends share a namespace");
  ip("link", "del", "kv0");
  assert.equal(link("kv0p"), undefined, "deleting one end deletes the other");
});

test("a pair whose peer is made in another named namespace (IFLA_NET_NS_FD), seen there by ip -n", () => {
  ip("netns", "add", "kvns");
  const created = createVethPair(netlink, { name: "kv1", peer: { name: "kv1p", netns: "kvns" } }, context("create kv1"));
  assert.equal(link("kv1p"), undefined, "the peer is not in the first end's namespace");
  const peer = mustLink("kv1p", "kvns") as IpLink & { link_index?: number; link_netnsid?: number };
  assert.equal(peer.linkinfo?.info_kind, "veth");
  assert.equal(peer.link_index, created.index, "ip -n sees the peer tied to the first end");
  assert.notEqual(peer.link_netnsid, undefined, "ip -n sees the first end in another namespace");
  assert.notEqual(created.linkNetnsId, undefined, "the first end reports its peer in another namespace (IFLA_LINK_NETNSID)");
  assert.equal(created.linkIndex, peer.ifindex);
  // Nothing of this process holds kvns (no socket opened inside): removing its name lets the kernel destroy it,
  // and the peer with it, and so the pair, on its own time.
  ip("netns", "del", "kvns");
  pollSync(() => (link("kv1") === undefined ? true : undefined), "kv1 going with the peer's namespace");
});

test("the peer read from inside its namespace names the first end", () => {
  ip("netns", "add", "kvns2");
  const created = createVethPair(netlink, { name: "kv5", peer: { name: "kv5p", netns: "kvns2" } }, context("create kv5"));
  const peerSeen = rtnetlink("kvns2").getLink("kv5p", "read kv5p");
  assert.equal(peerSeen?.kind, "veth");
  assert.equal(peerSeen?.linkIndex, created.index);
  assert.notEqual(peerSeen?.linkNetnsId, undefined);
  ip("link", "del", "kv5");
  assert.equal(link("kv5p", "kvns2"), undefined, "deleting the first end deletes the peer in the other namespace");
});

test("a taken name of either end is EEXIST; a missing namespace says how to make it", () => {
  createVethPair(netlink, { name: "kv2", peer: { name: "kv2p" } }, context("create kv2"));
  assert.throws(() => createVethPair(netlink, { name: "kv2", peer: { name: "kv3p" } }, context("create kv2")), DeviceExistsError);
  assert.throws(() => createVethPair(netlink, { name: "kv3", peer: { name: "kv2p" } }, context("create kv3")), DeviceExistsError);
  assert.equal(link("kv3"), undefined, "a refused pair leaves no first end behind");
  assert.throws(() => createVethPair(netlink, { name: "kv4", peer: { name: "kv4p", netns: "nosuchns" } }, context("create kv4")), (error: unknown) => {
    assert.ok(error instanceof NoSuchNamespaceError);
    assert.match(error.message, /ip netns add nosuchns/);
    return true;
  });
  ip("link", "del", "kv2");
});

test("a template first name is filled in by the kernel and echoed back", () => {
  const created = createVethPair(netlink, { name: "kvt%d", peer: { name: "kvtp" } }, context("create kvt%d"));
  assert.match(created.name, /^kvt\d+$/);
  assert.equal(mustLink(created.name).ifindex, created.index);
  ip("link", "del", created.name);
});
