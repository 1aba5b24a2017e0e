// Named network namespaces: devices are created and changed inside them, and the process never stays there.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { readlinkSync } from "node:fs";
import { test } from "node:test";
import { createTunDevice, NoSuchNamespaceError, rtnetlink, runInNetworkNamespace } from "pulumi-tuntap/kernel";
import { ip, link, linkNames } from "../support/ip";

const ownNamespace = () => readlinkSync("/proc/thread-self/ns/net");

test("a tap created for a named namespace lives there, and this thread comes back to its own", () => {
  ip("netns", "add", "lab-a");
  const before = ownNamespace();
  createTunDevice({ name: "nstap0", mode: "tap", multiQueue: false, packetInfo: false, vnetHdr: false, netns: "lab-a" }, "create nstap0");
  assert.equal(ownNamespace(), before);
  assert.ok(link("nstap0", "lab-a"), "in lab-a");
  assert.equal(link("nstap0"), undefined, "not here");
  const netlink = rtnetlink("lab-a");
  const inside = netlink.getLink("nstap0", "read");
  assert.ok(inside);
  netlink.changeLink(inside.index, { kind: "mtu", mtu: 1400 }, { operation: "update nstap0", step: "" });
  assert.equal(link("nstap0", "lab-a")?.mtu, 1400);
  assert.equal(ownNamespace(), before);
});

test("a namespace that does not exist is a clear error", () => {
  assert.throws(() => rtnetlink("no-such-ns"), (error: unknown) => {
    assert.ok(error instanceof NoSuchNamespaceError);
    assert.match(error.message, /ip netns add no-such-ns/);
    return true;
  });
});

test("a namespace deleted and re-created under the same name gets a fresh client", () => {
  ip("netns", "add", "lab-b");
  const first = rtnetlink("lab-b");
  ip("netns", "delete", "lab-b");
  ip("netns", "add", "lab-b");
  const second = rtnetlink("lab-b");
  assert.notEqual(second, first);
  createTunDevice({ name: "nstap1", mode: "tap", multiQueue: false, packetInfo: false, vnetHdr: false, netns: "lab-b" }, "create nstap1");
  assert.ok(second.getLink("nstap1", "read"));
  assert.ok(!linkNames().includes("nstap1"));
});

test("the work in another namespace must be synchronous", () => {
  ip("netns", "add", "lab-c");
  const before = ownNamespace();
  assert.throws(() => runInNetworkNamespace("lab-c", "async work", () => Promise.resolve(1)), /synchronous/);
  assert.equal(ownNamespace(), before);
});

test("a namespace name can never point outside /run/netns", () => {
  assert.throws(() => rtnetlink("../../proc/1/ns/net"), /invalid network namespace name/);
});
