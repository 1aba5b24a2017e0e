// A real overlay: two "hosts" — network namespaces joined by an underlay veth — each with a VXLAN device made by
// the kernel layer, the other host as its one peer, and an address on the overlay; pings cross it, over an IPv4
// and over an IPv6 underlay, at the full MTU the default leaves. Taking the peer away stops the traffic, putting
// it back restores it: the FDB remote is what carries it.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import {
  addPeerEntries,
  closeRtnetlink,
  createVxlan,
  type PeerEntry,
  removePeerEntries,
  rtnetlink,
  vxlanLinkMeanings,
} from "pulumi-tuntap/kernel";
import { floodDestinations } from "../support/bridgeFdb";
import { ip, mustLink } from "../support/ip";
import { pollSync } from "../support/wait";

interface Host {
  netns: string;
  underlayName: string;
  underlay4: string;
  underlay6: string;
}

const A: Host = { netns: "kho-a", underlayName: "ula", underlay4: "192.0.2.1", underlay6: "fd00:1::1" };
const B: Host = { netns: "kho-b", underlayName: "ulb", underlay4: "192.0.2.2", underlay6: "fd00:1::2" };

const context = (operation: string) => ({ operation, step: "" });
const bytes4 = (text: string) => Buffer.from(text.split(".").map(Number));
/** fd00:1::N as 16 bytes. */
const bytes6 = (text: string) => {
  const last = Number(text.slice(text.lastIndexOf(":") + 1));
  const address = Buffer.alloc(16);
  address.writeUInt16BE(0xfd00, 0);
  address.writeUInt16BE(1, 2);
  address.writeUInt16BE(last, 14);
  return address;
};

interface Overlay {
  device: string;
  vni: number;
  family: 4 | 6;
  subnet: string;
}

/** Makes the VXLAN device of `overlay` on `host` with `peer` as its remote, gives it .N of the subnet, brings it up. */
function joinOverlay(host: Host, peer: Host, overlay: Overlay, hostNumber: number): void {
  const netlink = rtnetlink(host.netns);
  const local = overlay.family === 4 ? bytes4(host.underlay4) : bytes6(host.underlay6);
  const created = createVxlan(
    netlink,
    { name: overlay.device, vni: overlay.vni, port: 4789, local, underlayIndex: mustLink(host.underlayName, host.netns).ifindex, ttl: 0, learning: false },
    context(`create ${overlay.device} in ${host.netns}`),
  );
  const remote: PeerEntry = { destination: overlay.family === 4 ? bytes4(peer.underlay4) : bytes6(peer.underlay6) };
  assert.deepEqual(addPeerEntries(netlink, created.index, [remote], context("add peer")).failed, []);
  ip("-n", host.netns, "addr", "add", `${overlay.subnet}.${hostNumber}/24`, "dev", overlay.device);
  netlink.changeLink(created.index, { kind: "up", up: true }, { ...context(`up ${overlay.device}`), meanings: vxlanLinkMeanings });
}

/** One echo request from the host, `size` bytes of ICMP data (busybox ping's default 56 when absent); the replies received. */
function pingOnce(from: Host, address: string, size?: number): number {
  const sizeOption = size === undefined ? [] : ["-s", String(size)];
  const result = spawnSync("ip", ["netns", "exec", from.netns, "/bin/busybox", "ping", "-c", "1", "-W", "2", ...sizeOption, address], { encoding: "utf8" });
  return Number(/(\d+) packets received/.exec(`${result.stdout}${result.stderr}`)?.[1] ?? 0);
}

/** Pings until one answer comes: the first requests may go while the neighbours are still being resolved. */
function pingUntilAnswered(from: Host, address: string, size?: number): void {
  pollSync(() => (pingOnce(from, address, size) > 0 ? true : undefined), `an answer from ${address} to ${from.netns}`, 200);
}

/** How many fragmented packets the host has had to reassemble (IPv4 and IPv6), from its own /proc/net. */
function reassemblies(host: Host): number {
  const snmp = ip("netns", "exec", host.netns, "cat", "/proc/net/snmp").split("\n").filter((line) => line.startsWith("Ip:"));
  const [names, values] = snmp.map((line) => line.split(/\s+/));
  const ipv4 = Number(values?.[names?.indexOf("ReasmReqds") ?? -1] ?? Number.NaN);
  const ipv6 = Number(/Ip6ReasmReqds\s+(\d+)/.exec(ip("netns", "exec", host.netns, "cat", "/proc/net/snmp6"))?.[1] ?? Number.NaN);
  return ipv4 + ipv6;
}

before(() => {
  for (const host of [A, B]) ip("netns", "add", host.netns);
  ip("link", "add", A.underlayName, "netns", A.netns, "type", "veth", "peer", "name", B.underlayName, "netns", B.netns);
  for (const host of [A, B]) {
    ip("-n", host.netns, "link", "set", "lo", "up");
    ip("-n", host.netns, "addr", "add", `${host.underlay4}/24`, "dev", host.underlayName);
    ip("-n", host.netns, "addr", "add", `${host.underlay6}/64`, "dev", host.underlayName, "nodad");
    ip("-n", host.netns, "link", "set", host.underlayName, "up");
  }
});

after(() => {
  for (const host of [A, B]) {
    closeRtnetlink(host.netns);
    ip("netns", "del", host.netns);
  }
});

describe("two hosts joined by an underlay", () => {
  const overlay4: Overlay = { device: "vxo4", vni: 4096, family: 4, subnet: "10.77.0" };
  const overlay6: Overlay = { device: "vxo6", vni: 4097, family: 6, subnet: "10.78.0" };

  test("over IPv4: each host's VXLAN device with the other as its peer, and a ping across the overlay", () => {
    joinOverlay(A, B, overlay4, 1);
    joinOverlay(B, A, overlay4, 2);
    assert.deepEqual(floodDestinations("vxo4", A.netns), [B.underlay4]);
    assert.deepEqual(floodDestinations("vxo4", B.netns), [A.underlay4]);
    assert.equal(mustLink("vxo4", A.netns).mtu, 1450);
    pingUntilAnswered(A, "10.77.0.2");
    pingUntilAnswered(B, "10.77.0.1");
  });

  test("a ping of the full MTU the default leaves (1450: 1422 bytes of ICMP data) crosses unfragmented", () => {
    const before = reassemblies(B);
    assert.ok(Number.isInteger(before), "the reassembly counters are readable");
    pingUntilAnswered(A, "10.77.0.2", 1450 - 28);
    assert.equal(reassemblies(B), before, "the encapsulated packet fit the 1500-byte underlay whole");
  });

  test("without the peer's remote nothing crosses; put back, the overlay works again", () => {
    const netlink = rtnetlink(A.netns);
    const index = mustLink("vxo4", A.netns).ifindex;
    const peer: PeerEntry = { destination: bytes4(B.underlay4) };
    assert.deepEqual(removePeerEntries(netlink, index, [peer], context("remove peer")).failed, []);
    assert.deepEqual(floodDestinations("vxo4", A.netns), []);
    assert.equal(pingOnce(A, "10.77.0.2") + pingOnce(A, "10.77.0.2"), 0, "learning is off and no remote is left: the device drops every frame");
    assert.deepEqual(addPeerEntries(netlink, index, [peer], context("add peer")).failed, []);
    pingUntilAnswered(A, "10.77.0.2");
  });

  test("over IPv6: the same, with the 70-byte encapsulation (MTU 1430)", () => {
    joinOverlay(A, B, overlay6, 1);
    joinOverlay(B, A, overlay6, 2);
    assert.equal(mustLink("vxo6", A.netns).mtu, 1430);
    assert.deepEqual(floodDestinations("vxo6", A.netns), [B.underlay6]);
    pingUntilAnswered(A, "10.78.0.2");
    const before = reassemblies(A);
    pingUntilAnswered(B, "10.78.0.1", 1430 - 28);
    assert.equal(reassemblies(A), before, "1430 bytes and 70 of encapsulation fit the underlay whole");
  });
});
