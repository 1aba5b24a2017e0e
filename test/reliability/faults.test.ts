// Faults a provider running as root on people's hosts must handle: no privilege, no tun driver, a device
// held by a running VM. Every failure says what to do, and nothing changes.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { test } from "node:test";
import { tapInterfaceProvider as provider } from "pulumi-tuntap";
import { closeTunQueue, openTunQueue } from "pulumi-tuntap/kernel";
import { link, namespaceFingerprint } from "../support/ip";
import { checked, create } from "../support/providers";
import { asOrdinaryUser, callProvider, withoutTunDevice } from "./workers/run";

const managedBy = "tuntap-tests/dev/faults";

test("an ordinary user without CAP_NET_ADMIN: every operation fails with the remedy, nothing changes", async () => {
  const existing = await create(provider, { name: "held0", mtu: 1500, addresses: ["10.50.0.1/24"], managedBy });
  const news = await checked(provider, { name: "held0", mtu: 1400, addresses: ["10.50.0.2/24"], managedBy });
  const before = namespaceFingerprint();

  const created = callProvider(asOrdinaryUser, { resource: "TapInterface", method: "create", args: [{ name: "user0", managedBy }] });
  assert.equal(created.ok, false);
  assert.match(created.ok ? "" : created.message, /create user0: open \/dev\/net\/tun: EACCES .*run as root/);

  const updated = callProvider(asOrdinaryUser, { resource: "TapInterface", method: "update", args: ["held0", existing.outs, news] });
  assert.equal(updated.ok, false);
  // Unwanted addresses go first (before an MTU change could drop IPv6 ones): the first change is refused.
  assert.match(updated.ok ? "" : updated.message, /update held0: delete address 10\.50\.0\.1\/24: EPERM .*CAP_NET_ADMIN/);

  const deleted = callProvider(asOrdinaryUser, { resource: "TapInterface", method: "delete", args: ["held0", existing.outs] });
  assert.equal(deleted.ok, false);
  assert.match(deleted.ok ? "" : deleted.message, /delete held0: .*EPERM .*CAP_NET_ADMIN/);

  // Reading needs no privilege.
  const read = callProvider(asOrdinaryUser, { resource: "TapInterface", method: "read", args: ["held0", existing.outs] });
  assert.equal(read.ok, true);
  assert.equal(namespaceFingerprint(), before);
});

test("/dev/net/tun absent: the error says to load the tun module, and nothing is created", () => {
  const before = namespaceFingerprint();
  const outcome = callProvider(withoutTunDevice, { resource: "TapInterface", method: "create", args: [{ name: "notun0", managedBy }] });
  assert.equal(outcome.ok, false);
  assert.equal(outcome.ok ? "" : outcome.name, "TunUnavailableError");
  assert.match(outcome.ok ? "" : outcome.message, /create notun0: open \/dev\/net\/tun: ENOENT .*modprobe tun/);
  assert.equal(namespaceFingerprint(), before);
});

test("a tap held by a VM: an owner change reports EBUSY and is rolled back; delete removes it anyway (as ip link del does)", async () => {
  const tap = await create(provider, { name: "vmtap0", mtu: 1500, owner: 0, managedBy });
  const fd = openTunQueue("vmtap0", { mode: "tap", multiQueue: false, packetInfo: false, vnetHdr: false }, "attach vmtap0");
  try {
    const news = await checked(provider, { name: "vmtap0", mtu: 1400, owner: 1000, managedBy });
    await assert.rejects(provider.update?.(tap.id, tap.outs, news) ?? Promise.resolve(), (error: Error) => {
      assert.equal(error.name, "DeviceBusyError");
      assert.match(error.message, /update vmtap0: TUNSETIFF: EBUSY .*A process holds the device open/);
      assert.match(error.message, /Rolled back: set mtu 1400/);
      return true;
    });
    assert.equal(link("vmtap0")?.mtu, 1500, "the MTU change was undone");
    assert.equal(link("vmtap0")?.linkinfo?.info_data?.user, "root");
    // The documented policy: destroy removes the device even while a process holds it.
    await provider.delete?.(tap.id, tap.outs);
    assert.equal(link("vmtap0"), undefined);
  } finally {
    closeTunQueue(fd);
  }
});
