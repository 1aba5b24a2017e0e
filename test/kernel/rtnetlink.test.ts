// The rtnetlink client against the real kernel: reads compared with `ip -j`, changes observed with `ip -j`.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTunDevice, DeviceExistsError, isKernelManaged, rtnetlink } from "pulumi-tuntap/kernel";
import { addresses as ipAddresses, ip, link, links } from "../support/ip";
import { pollSync } from "../support/wait";

const netlink = rtnetlink();
const tap = (name: string) => createTunDevice({ name, mode: "tap", multiQueue: false, packetInfo: false, vnetHdr: false }, `create ${name}`);
const context = (operation: string) => ({ operation, step: "" });

function v4(text: string) {
  const [address = "", prefix = "32"] = text.split("/");
  return { family: 4 as const, address: Buffer.from(address.split(".").map(Number)), prefixLength: Number(prefix) };
}

test("getLink reads what ip reads: kind, flags, mtu, MAC, tun data", () => {
  createTunDevice({ name: "rl0", mode: "tap", multiQueue: true, packetInfo: false, vnetHdr: true, owner: 1000, group: 100 }, "create rl0");
  const ours = netlink.getLink("rl0", "read rl0");
  const theirs = link("rl0");
  assert.ok(ours && theirs);
  assert.equal(ours.index, theirs.ifindex);
  assert.equal(ours.mtu, theirs.mtu);
  assert.equal(ours.txQueueLength, theirs.txqlen);
  assert.equal(ours.hardwareAddress?.toString("hex").replace(/(..)(?!$)/g, "$1:"), theirs.address);
  assert.equal(ours.kind, "tun");
  assert.deepEqual(
    { type: ours.tun?.type, multiQueue: ours.tun?.multiQueue, vnetHdr: ours.tun?.vnetHdr, persist: ours.tun?.persist, owner: ours.tun?.owner, group: ours.tun?.group },
    { type: "tap", multiQueue: true, vnetHdr: true, persist: true, owner: 1000, group: 100 },
  );
  assert.equal(netlink.getLink("no-such-link", "read"), undefined);
  ip("link", "delete", "rl0");
});

test("a link found only through an altname is not returned for that name", () => {
  tap("rl1");
  ip("link", "property", "add", "dev", "rl1", "altname", "rl1alias");
  assert.equal(netlink.getLink("rl1alias", "read"), undefined);
  assert.deepEqual(netlink.getLink("rl1", "read")?.altNames, ["rl1alias"]);
  ip("link", "delete", "rl1");
});

test("link changes (mtu, MAC, txqueuelen, alias, promisc, up) land as ip reports them", () => {
  tap("rl2");
  const index = netlink.getLink("rl2", "read")?.index ?? -1;
  netlink.changeLink(index, { kind: "mtu", mtu: 9000 }, context("mtu"));
  netlink.changeLink(index, { kind: "hardwareAddress", address: Buffer.from("525400123456", "hex") }, context("mac"));
  netlink.changeLink(index, { kind: "txQueueLength", length: 42 }, context("qlen"));
  netlink.changeLink(index, { kind: "alias", alias: "uplink for vm 7" }, context("alias"));
  netlink.changeLink(index, { kind: "promiscuous", promiscuous: true }, context("promisc"));
  netlink.changeLink(index, { kind: "up", up: true }, context("up"));
  const seen = link("rl2");
  assert.equal(seen?.mtu, 9000);
  assert.equal(seen?.address, "52:54:00:12:34:56");
  assert.equal(seen?.txqlen, 42);
  assert.equal(seen?.ifalias, "uplink for vm 7");
  assert.ok(seen?.flags.includes("PROMISC"));
  assert.ok(seen?.flags.includes("UP"));
  netlink.changeLink(index, { kind: "alias", alias: "" }, context("alias"));
  netlink.changeLink(index, { kind: "promiscuous", promiscuous: false }, context("promisc"));
  assert.equal(link("rl2")?.ifalias, undefined);
  assert.ok(!link("rl2")?.flags.includes("PROMISC"));
  ip("link", "delete", "rl2");
});

test("an MTU out of the device's range is refused with the kernel's own words", () => {
  tap("rl3");
  const index = netlink.getLink("rl3", "read")?.index ?? -1;
  assert.throws(() => netlink.changeLink(index, { kind: "mtu", mtu: 65535 }, context("update rl3")), (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.match(error.message, /update rl3: set mtu 65535: EINVAL/);
    assert.match(error.message, /The kernel said: "mtu greater than device maximum"/);
    return true;
  });
  ip("link", "delete", "rl3");
});

test("many IPv4 and IPv6 addresses are added and removed exactly", () => {
  tap("rl4");
  const index = netlink.getLink("rl4", "read")?.index ?? -1;
  netlink.addAddress(index, v4("10.0.0.1/24"), "10.0.0.1/24", context("add"));
  netlink.addAddress(index, v4("10.0.1.1/16"), "10.0.1.1/16", context("add"));
  netlink.addAddress(index, { family: 6, address: Buffer.from("fd000000000000000000000000000001", "hex"), prefixLength: 64 }, "fd00::1/64", context("add"));
  netlink.addAddress(index, { family: 6, address: Buffer.from("fd000000000000010000000000000002", "hex"), prefixLength: 48 }, "fd00:0:0:1::2/48", context("add"));
  const listed = ipAddresses("rl4").map((info) => `${info.local}/${info.prefixlen}`).sort();
  assert.deepEqual(listed, ["10.0.0.1/24", "10.0.1.1/16", "fd00:0:0:1::2/48", "fd00::1/64"]);
  assert.equal(ipAddresses("rl4").find((info) => info.local === "10.0.0.1")?.broadcast, "10.0.0.255");
  assert.equal(netlink.addressesOf(index, "read").length, 4);
  assert.throws(() => netlink.addAddress(index, v4("10.0.0.1/24"), "10.0.0.1/24", context("add again")), DeviceExistsError);
  netlink.deleteAddress(index, v4("10.0.1.1/16"), "10.0.1.1/16", context("delete"));
  assert.deepEqual(ipAddresses("rl4").map((info) => info.local).sort(), ["10.0.0.1", "fd00:0:0:1::2", "fd00::1"]);
  ip("link", "delete", "rl4");
});

test("the kernel's own IPv6 link-local address is recognised as kernel-managed", () => {
  // A veth pair with both ends up gets carrier, and with it a link-local address.
  ip("link", "add", "rlv0", "type", "veth", "peer", "name", "rlv1");
  ip("link", "set", "rlv0", "up");
  ip("link", "set", "rlv1", "up");
  const index = netlink.getLink("rlv0", "read")?.index ?? -1;
  const linkLocal = pollSync(() => netlink.addressesOf(index, "read").find((record) => record.family === 6), "the kernel's IPv6 link-local address on rlv0");
  assert.equal(linkLocal.address.subarray(0, 2).toString("hex"), "fe80");
  assert.ok(isKernelManaged(linkLocal), `IFA_PROTO ${linkLocal.protocol} marks it as the kernel's`);
  ip("link", "delete", "rlv0");
});

test("altnames (the ownership stamp) are added, read and removed", () => {
  tap("rl5");
  const index = netlink.getLink("rl5", "read")?.index ?? -1;
  netlink.addAltName(index, "pulumi:proj:dev:lab:0123abcd", context("stamp"));
  assert.deepEqual(link("rl5")?.altnames, ["pulumi:proj:dev:lab:0123abcd"]);
  assert.deepEqual(netlink.getLink("rl5", "read")?.altNames, ["pulumi:proj:dev:lab:0123abcd"]);
  netlink.deleteAltName(index, "pulumi:proj:dev:lab:0123abcd", context("unstamp"));
  assert.equal(link("rl5")?.altnames, undefined);
  ip("link", "delete", "rl5");
});

test("deleting a link twice is fine: a link already gone counts as deleted", () => {
  tap("rl6");
  const index = netlink.getLink("rl6", "read")?.index ?? -1;
  netlink.deleteLink(index, context("delete"));
  assert.equal(link("rl6"), undefined);
  netlink.deleteLink(index, context("delete again"));
});

test("bridges are created over rtnetlink, a %d template is resolved, and ports join and leave", () => {
  const bridge = netlink.createBridge({ name: "rlbr%d", stpState: 1 }, context("create bridge"));
  assert.equal(bridge.name, "rlbr0");
  assert.equal(link("rlbr0")?.linkinfo?.info_kind, "bridge");
  assert.equal(link("rlbr0")?.linkinfo?.info_data?.stp_state, 1);
  tap("rlp0");
  const port = netlink.getLink("rlp0", "read")?.index ?? -1;
  netlink.changeLink(port, { kind: "master", masterIndex: bridge.index }, context("join"));
  assert.equal(link("rlp0")?.master, "rlbr0");
  assert.equal(netlink.getLink("rlp0", "read")?.portKind, "bridge");
  netlink.changeLink(port, { kind: "master", masterIndex: 0 }, context("leave"));
  assert.equal(link("rlp0")?.master, undefined);
  netlink.changeLink(bridge.index, { kind: "stpState", stpState: 0 }, context("stp off"));
  assert.equal(link("rlbr0")?.linkinfo?.info_data?.stp_state, 0);
  ip("link", "delete", "rlp0");
  ip("link", "delete", "rlbr0");
});

test("every read asks the kernel: changes made with ip are seen at once, even those the kernel does not announce", () => {
  tap("rl7");
  const index = netlink.getLink("rl7", "read")?.index ?? -1;
  assert.equal(netlink.getLink("rl7", "read")?.alias, undefined);
  // On a link that is down the kernel sends no notification for an alias: a cache kept valid by
  // notifications would go on serving the old link.
  ip("link", "set", "rl7", "alias", "set behind our back");
  assert.equal(netlink.getLink("rl7", "read")?.alias, "set behind our back");
  assert.equal(netlink.getLinkByIndex(index, "read")?.alias, "set behind our back");
  ip("link", "set", "rl7", "mtu", "1400");
  assert.equal(netlink.getLink("rl7", "read")?.mtu, 1400);
  ip("addr", "add", "10.7.0.1/24", "dev", "rl7");
  assert.equal(netlink.addressesOf(index, "read").filter((record) => record.family === 4).length, 1);
  ip("link", "delete", "rl7");
  assert.equal(netlink.getLink("rl7", "read"), undefined);
  assert.equal(netlink.getLinkByIndex(index, "read"), undefined);
});

test("a link is found by its altname whatever it is called now; holderOfName finds names and altnames alike", () => {
  tap("rl8");
  const stamp = "pulumi:rtnetlink-tests:dev:rl8:0123abcd";
  ip("link", "property", "add", "dev", "rl8", "altname", stamp);
  ip("link", "set", "rl8", "name", "rl8-renamed");
  const found = netlink.getLinkByAltName(stamp, "read");
  assert.equal(found?.name, "rl8-renamed");
  assert.equal(found?.index, link("rl8-renamed")?.ifindex);
  assert.equal(netlink.getLink("rl8", "read"), undefined);
  assert.equal(netlink.holderOfName(stamp, "read")?.name, "rl8-renamed");
  assert.equal(netlink.holderOfName("rl8-renamed", "read")?.name, "rl8-renamed");
  assert.equal(netlink.getLinkByAltName("pulumi:rtnetlink-tests:dev:rl8:ffffffff", "read"), undefined);
  // A name that is a link's own name is not an altname of it.
  assert.equal(netlink.getLinkByAltName("rl8-renamed", "read"), undefined);
  netlink.changeLink(found?.index ?? -1, { kind: "name", name: "rl8" }, context("rename back"));
  assert.deepEqual(link("rl8")?.altnames, [stamp]);
  ip("link", "delete", "rl8");
});

test("portsOf lists exactly the links whose master is the bridge, as ip does", () => {
  const bridge = netlink.createBridge({ name: "rlbr9", stpState: 0 }, context("create bridge"));
  for (const name of ["rlp90", "rlp91", "rlp92"]) tap(name);
  ip("link", "set", "rlp90", "master", "rlbr9");
  ip("link", "set", "rlp91", "master", "rlbr9");
  const ports = netlink.portsOf(bridge.index, "read").map((port) => port.name).sort();
  assert.deepEqual(ports, links().filter((entry) => entry.master === "rlbr9").map((entry) => entry.ifname).sort());
  assert.deepEqual(ports, ["rlp90", "rlp91"]);
  for (const name of ["rlp90", "rlp91", "rlp92", "rlbr9"]) ip("link", "delete", name);
});

test("indexesInGroup lists exactly the links ip shows in that group; linkExists sees a link until it is deleted", () => {
  for (const name of ["rlg0", "rlg1", "rlg2"]) tap(name);
  ip("link", "add", "rlgveth0", "type", "veth", "peer", "name", "rlgveth1");
  for (const name of ["rlg0", "rlg2", "rlgveth1"]) ip("link", "set", name, "group", "4242");
  const inGroup = netlink.indexesInGroup(4242, "read").sort((a, b) => a - b);
  assert.deepEqual(inGroup, links().filter((entry) => entry.group === "4242").map((entry) => entry.ifindex).sort((a, b) => a - b));
  assert.equal(inGroup.length, 3);
  assert.deepEqual(netlink.indexesInGroup(4243, "read"), []);
  const index = netlink.getLink("rlg1", "read")?.index ?? -1;
  assert.equal(netlink.linkExists(index, "read"), true);
  ip("link", "delete", "rlg1");
  assert.equal(netlink.linkExists(index, "read"), false);
  for (const name of ["rlg0", "rlg2", "rlgveth0"]) ip("link", "delete", name);
});

test("a dump reads 1,000 devices that match ip", () => {
  const names = Array.from({ length: 1000 }, (_, i) => `rd${i}`);
  for (const name of names) tap(name);
  const byName = new Map(netlink.dumpLinks("refresh 1000").map((entry) => [entry.name, entry]));
  const ipIndexes = new Map(links().map((entry) => [entry.ifname, entry.ifindex]));
  for (const name of names) assert.equal(byName.get(name)?.index, ipIndexes.get(name), `${name} in the dump, as ip has it`);
  // No cleanup: this file's namespace, and every device in it, goes away when the file's process ends.
});
