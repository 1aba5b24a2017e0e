// The TUN/TAP ioctls, on the real kernel, checked with `ip -j`.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  closeTunQueue,
  createTunDevice,
  DeviceBusyError,
  DeviceExistsError,
  KernelError,
  NoSuchDeviceError,
  openTunQueue,
  rtnetlink,
  setTunOwnership,
} from "pulumi-tuntap/kernel";
import { ip, link, linkNames } from "../support/ip";

const tapFlags = { mode: "tap", multiQueue: false, packetInfo: false, vnetHdr: false } as const;

test("creates a persistent tap with owner and group, as ip sees it", () => {
  const name = createTunDevice({ ...tapFlags, name: "ktap0", owner: 1000, group: 100 }, "create ktap0");
  assert.equal(name, "ktap0");
  const seen = link("ktap0");
  assert.equal(seen?.linkinfo?.info_kind, "tun");
  assert.equal(seen?.linkinfo?.info_data?.type, "tap");
  assert.equal(seen?.linkinfo?.info_data?.persist, true);
  assert.equal(seen?.linkinfo?.info_data?.pi, false);
  assert.equal(seen?.linkinfo?.info_data?.multi_queue, false);
  // ip prints owner/group by name when they resolve; compare through the numeric form it would accept.
  const data = seen?.linkinfo?.info_data ?? {};
  assert.ok(data.user !== undefined && data.group !== undefined, "owner and group are set");
  ip("link", "delete", "ktap0");
});

test("creates a tun with packet information and a multi-queue tap", () => {
  createTunDevice({ mode: "tun", multiQueue: false, packetInfo: true, vnetHdr: false, name: "ktun0" }, "create ktun0");
  createTunDevice({ mode: "tap", multiQueue: true, packetInfo: false, vnetHdr: true, name: "kmq0" }, "create kmq0");
  assert.equal(link("ktun0")?.linkinfo?.info_data?.type, "tun");
  assert.equal(link("ktun0")?.linkinfo?.info_data?.pi, true);
  assert.equal(link("kmq0")?.linkinfo?.info_data?.multi_queue, true);
  assert.equal(link("kmq0")?.linkinfo?.info_data?.vnet_hdr, true);
  ip("link", "delete", "ktun0");
  ip("link", "delete", "kmq0");
});

test("a %d template is filled in by the kernel and the real name is returned", () => {
  ip("tuntap", "add", "dev", "kt0", "mode", "tap");
  const first = createTunDevice({ ...tapFlags, name: "kt%d" }, "create kt%d");
  const second = createTunDevice({ ...tapFlags, name: "kt%d" }, "create kt%d");
  assert.equal(first, "kt1");
  assert.equal(second, "kt2");
  assert.ok(link("kt1") && link("kt2"));
  for (const name of ["kt0", "kt1", "kt2"]) ip("link", "delete", name);
});

test("a name taken by another device (a veth) is refused, and that device is left alone", () => {
  ip("link", "add", "kveth0", "type", "veth", "peer", "name", "kveth1");
  const before = JSON.stringify(link("kveth0"));
  assert.throws(() => createTunDevice({ ...tapFlags, name: "kveth0" }, "create kveth0"), (error: unknown) => {
    assert.ok(error instanceof DeviceExistsError);
    assert.match(error.message, /create kveth0: TUNSETIFF: EBUSY/);
    assert.match(error.message, /already exists/);
    return true;
  });
  assert.equal(JSON.stringify(link("kveth0")), before);
  ip("link", "delete", "kveth0");
});

test("a failure before TUNSETPERSIST leaves nothing behind", () => {
  assert.throws(
    () =>
      createTunDevice({ ...tapFlags, name: "kgone0" }, "create kgone0", () => {
        throw new Error("stamping failed");
      }),
    /stamping failed/,
  );
  assert.equal(link("kgone0"), undefined);
});

test("an owner cannot be cleared once set (the kernel refuses uid -1)", () => {
  createTunDevice({ ...tapFlags, name: "kown0", owner: 1000 }, "create kown0");
  assert.throws(() => setTunOwnership("kown0", tapFlags, { owner: 4294967295 }, "clear owner"), (error: unknown) => {
    assert.ok(error instanceof KernelError);
    assert.equal(error.code, "EINVAL");
    return true;
  });
  setTunOwnership("kown0", tapFlags, { owner: 0, group: 0 }, "set owner");
  const netlink = rtnetlink();
  assert.equal(netlink.getLink("kown0", "read")?.tun?.owner, 0);
  assert.equal(netlink.getLink("kown0", "read")?.tun?.group, 0);
  ip("link", "delete", "kown0");
});

test("attaching as a VMM rewrites packetInfo/vnetHdr, and a held single-queue tap refuses owner changes with EBUSY", () => {
  createTunDevice({ ...tapFlags, name: "kvm0" }, "create kvm0");
  const fd = openTunQueue("kvm0", { ...tapFlags, packetInfo: true, vnetHdr: true }, "attach kvm0");
  try {
    assert.equal(link("kvm0")?.linkinfo?.info_data?.vnet_hdr, true);
    assert.equal(link("kvm0")?.linkinfo?.info_data?.pi, true);
    assert.throws(() => setTunOwnership("kvm0", tapFlags, { owner: 5 }, "set owner kvm0"), (error: unknown) => {
      assert.ok(error instanceof DeviceBusyError);
      assert.match(error.message, /holds the device open/);
      return true;
    });
  } finally {
    closeTunQueue(fd);
  }
  // Persistent: still there after the VMM's descriptor closed, with the VMM's flags.
  assert.equal(link("kvm0")?.linkinfo?.info_data?.vnet_hdr, true);
  ip("link", "delete", "kvm0");
});

test("opening a queue of a device that does not exist fails and creates nothing", () => {
  assert.throws(() => openTunQueue("knone0", tapFlags, "attach knone0"), NoSuchDeviceError);
  assert.ok(!linkNames().includes("knone0"));
});

test("a tun/tap mismatch on attach is EINVAL with an explanation", () => {
  createTunDevice({ ...tapFlags, name: "kmis0" }, "create kmis0");
  assert.throws(() => openTunQueue("kmis0", { ...tapFlags, mode: "tun" }, "attach kmis0"), /not a TUN\/TAP device of this mode/);
  ip("link", "delete", "kmis0");
});

test("names the kernel would truncate are refused before any system call", () => {
  assert.throws(() => createTunDevice({ ...tapFlags, name: "sixteen-bytes-xx" }, "create"), /at most 15/);
  assert.ok(!linkNames().some((name) => name.startsWith("sixteen")));
});
