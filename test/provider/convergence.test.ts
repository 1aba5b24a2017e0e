// Every update converges in one run or is rolled back whole, around what the kernel does on its own between
// our steps (deleting secondaries with their primary, flushing IPv6 below MTU 1280 and on down). Each update
// goes through support/providers' `update`, which asserts that a diff of the same inputs then reports no
// change, against the outputs and against a fresh read; every outcome is checked with `ip -j`.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { describe, test } from "node:test";
import { tapInterfaceProvider as provider, vethPairProvider } from "pulumi-tuntap";
import { closeTunQueue, openTunQueue } from "pulumi-tuntap/kernel";
import { addresses, ip, link, namespaceFingerprint } from "../support/ip";
import * as observe from "../support/ip";
import { checked, create, update } from "../support/providers";

const managedBy = "tuntap-tests/dev/convergence";

/** IPv4 addresses as `ip` lists them, with the kernel's primary/secondary role. */
function ipv4Roles(name: string): string[] {
  return addresses(name)
    .filter((info) => info.family === "inet")
    .map((info) => `${info.local}/${info.prefixlen}${(info as { secondary?: boolean }).secondary === true ? " secondary" : ""}`);
}

/** Holds a single-queue tap open, as a VM would: an owner change then fails with EBUSY, after every other step. */
function heldOpen(name: string): number {
  return openTunQueue(name, { mode: "tap", multiQueue: false, packetInfo: false, vnetHdr: false }, `attach ${name}`);
}

describe("a primary IPv4 address removed together with its secondaries (promote_secondaries=0)", () => {
  test("removing all of them converges", async () => {
    const tap = await create(provider, { name: "sec0", addresses: ["10.20.0.1/24", "10.20.0.2/24", "10.20.0.3/24"], managedBy });
    assert.deepEqual(ipv4Roles("sec0"), ["10.20.0.1/24", "10.20.0.2/24 secondary", "10.20.0.3/24 secondary"]);
    await update(provider, tap, { name: "sec0", addresses: [], managedBy });
    assert.deepEqual(observe.cidrs("sec0"), []);
  });

  test("replacing them by an IPv6 address converges", async () => {
    const tap = await create(provider, { name: "sec1", addresses: ["10.21.0.1/24", "10.21.0.2/24"], managedBy });
    await update(provider, tap, { name: "sec1", addresses: ["fd00:21::1/64"], managedBy });
    assert.deepEqual(observe.cidrs("sec1"), ["fd00:21::1/64"]);
  });

  test("keeping a secondary while its primary goes: the kernel deletes it too, the update puts it back", async () => {
    const tap = await create(provider, { name: "sec2", addresses: ["10.22.0.1/24", "10.22.0.2/24"], managedBy });
    await update(provider, tap, { name: "sec2", addresses: ["10.22.0.2/24", "10.22.0.3/24"], managedBy });
    assert.deepEqual(ipv4Roles("sec2"), ["10.22.0.2/24", "10.22.0.3/24 secondary"]);
  });

  test("dropping the primary while keeping every secondary (nothing to add): the kernel deletes them all, the update puts them back", async () => {
    const tap = await create(provider, { name: "sec5", addresses: ["10.25.0.1/24", "10.25.0.2/24", "10.25.0.3/24"], managedBy });
    const outs = await update(provider, tap, { name: "sec5", addresses: ["10.25.0.2/24", "10.25.0.3/24"], managedBy });
    assert.deepEqual(ipv4Roles("sec5"), ["10.25.0.2/24", "10.25.0.3/24 secondary"]);
    assert.deepEqual(outs.addresses, ["10.25.0.2/24", "10.25.0.3/24"]);
  });

  test("the same on a veth pair's peer", async () => {
    const peer = { name: "sec6p", addresses: ["10.26.0.1/24", "10.26.0.2/24", "10.26.0.3/24"] };
    const pair = await create(vethPairProvider, { name: "sec6", peer, managedBy });
    await update(vethPairProvider, pair, { name: "sec6", peer: { ...peer, addresses: ["10.26.0.2/24", "10.26.0.3/24"] }, managedBy });
    assert.deepEqual(ipv4Roles("sec6p"), ["10.26.0.2/24", "10.26.0.3/24 secondary"]);
  });

  test("with promote_secondaries=1 the kernel promotes instead, and the update converges the same", async () => {
    const tap = await create(provider, { name: "sec3", addresses: ["10.23.0.1/24", "10.23.0.2/24", "10.23.0.3/24"], managedBy });
    // /proc/sys/net shows this test file's own network namespace.
    writeFileSync("/proc/sys/net/ipv4/conf/sec3/promote_secondaries", "1");
    await update(provider, tap, { name: "sec3", addresses: ["10.23.0.2/24", "10.23.0.3/24"], managedBy });
    assert.deepEqual(ipv4Roles("sec3"), ["10.23.0.2/24", "10.23.0.3/24 secondary"]);
  });

  test("a failure after the kernel removed secondaries on its own rolls back to exactly the addresses before, roles included", async () => {
    const tap = await create(provider, { name: "sec4", owner: 0, addresses: ["10.24.0.1/24", "10.24.0.2/24"], managedBy });
    const before = ipv4Roles("sec4");
    const fd = heldOpen("sec4");
    try {
      const news = await checked(provider, { name: "sec4", owner: 1000, addresses: ["10.24.0.2/24", "10.24.0.3/24"], managedBy });
      await assert.rejects(provider.update?.(tap.id, tap.outs, news) ?? Promise.resolve(), /update sec4: TUNSETIFF: EBUSY.*Rolled back: .*restore addresses/s);
    } finally {
      closeTunQueue(fd);
    }
    assert.deepEqual(ipv4Roles("sec4"), before);
    assert.equal(link("sec4")?.linkinfo?.info_data?.user, "root");
  });
});

describe("an MTU below 1280 and IPv6", () => {
  test("lowering the MTU below 1280 while dropping the IPv6 addresses converges", async () => {
    const tap = await create(provider, { name: "mtu0", mtu: 1500, addresses: ["10.30.0.1/24", "fd00:30::1/64"], managedBy });
    await update(provider, tap, { name: "mtu0", mtu: 1200, addresses: ["10.30.0.1/24"], managedBy });
    assert.equal(link("mtu0")?.mtu, 1200);
    assert.deepEqual(observe.cidrs("mtu0"), ["10.30.0.1/24"]);
  });

  test("raising it again while adding IPv6 back converges", async () => {
    const tap = await create(provider, { name: "mtu1", mtu: 1200, addresses: ["10.31.0.1/24"], managedBy });
    await update(provider, tap, { name: "mtu1", mtu: 1500, addresses: ["10.31.0.1/24", "fd00:31::1/64"], managedBy });
    assert.deepEqual(observe.cidrs("mtu1"), ["10.31.0.1/24", "fd00:31::1/64"]);
  });

  test("a failing update that lowered the MTU is rolled back with the IPv6 address it dropped", async () => {
    const tap = await create(provider, { name: "mtu2", owner: 0, mtu: 1500, addresses: ["10.32.0.1/24", "fd00:32::1/64"], managedBy });
    const fd = heldOpen("mtu2");
    try {
      const news = await checked(provider, { name: "mtu2", owner: 1000, mtu: 1200, addresses: ["10.32.0.1/24"], managedBy });
      await assert.rejects(provider.update?.(tap.id, tap.outs, news) ?? Promise.resolve(), /EBUSY.*Rolled back: .*set mtu 1200.*restore addresses/s);
    } finally {
      closeTunQueue(fd);
    }
    assert.equal(link("mtu2")?.mtu, 1500);
    assert.deepEqual(observe.cidrs("mtu2"), ["10.32.0.1/24", "fd00:32::1/64"]);
  });

  test("an IPv6 address on a device whose MTU (not managed) is below 1280 is refused up front, saying why and what to do", async () => {
    const tap = await create(provider, { name: "mtu3", addresses: ["10.33.0.1/24"], managedBy });
    ip("link", "set", "mtu3", "mtu", "1200");
    const read = await provider.read?.(tap.id, tap.outs);
    const current = { id: tap.id, outs: read?.props as Record<string, unknown> };
    const before = namespaceFingerprint();
    const news = await checked(provider, { name: "mtu3", addresses: ["10.33.0.1/24", "fd00:33::1/64"], managedBy });
    await assert.rejects(provider.update?.(current.id, current.outs, news) ?? Promise.resolve(), (error: Error) => {
      assert.equal(error.name, "InvalidInputsError");
      assert.match(error.message, /update mtu3: invalid inputs, nothing was changed/);
      assert.match(error.message, /addresses: IPv6 address fd00:33::1\/64 needs an MTU of at least 1280.*mtu3's MTU is 1200.*set mtu to at least 1280/);
      return true;
    });
    assert.equal(namespaceFingerprint(), before);
  });
});

describe("down flushes IPv6", () => {
  test("taking a device down that keeps an IPv6 address converges: the address is there after the update", async () => {
    const tap = await create(provider, { name: "down0", addresses: ["10.40.0.1/24", "fd00:40::1/64"], managedBy });
    await update(provider, tap, { name: "down0", up: false, addresses: ["10.40.0.1/24", "fd00:40::1/64"], managedBy });
    assert.ok(!link("down0")?.flags.includes("UP"));
    assert.deepEqual(observe.cidrs("down0"), ["10.40.0.1/24", "fd00:40::1/64"]);
  });

  test("a failing update that took the device down is rolled back: up again, with its IPv6 address", async () => {
    const tap = await create(provider, { name: "down1", owner: 0, addresses: ["fd00:41::1/64"], managedBy });
    const fd = heldOpen("down1");
    try {
      const news = await checked(provider, { name: "down1", owner: 1000, up: false, addresses: ["fd00:41::1/64"], managedBy });
      await assert.rejects(provider.update?.(tap.id, tap.outs, news) ?? Promise.resolve(), /EBUSY.*Rolled back: .*set down/s);
    } finally {
      closeTunQueue(fd);
    }
    assert.ok(link("down1")?.flags.includes("UP"));
    assert.deepEqual(observe.cidrs("down1"), ["fd00:41::1/64"]);
  });
});

describe("reads see every change at once", () => {
  test("an alias set with ip on a device that is down (the kernel announces nothing) is read at once", async () => {
    const tap = await create(provider, { name: "fresh0", up: false, managedBy });
    assert.equal((await provider.read?.(tap.id, tap.outs))?.props.description, null, "no alias: recorded as unset");
    ip("link", "set", "fresh0", "alias", "changed behind our back");
    assert.equal((await provider.read?.(tap.id, tap.outs))?.props.description, "changed behind our back");
    ip("tuntap", "del", "dev", "fresh0", "mode", "tap");
    assert.deepEqual(await provider.read?.(tap.id, tap.outs), {});
  });
});
