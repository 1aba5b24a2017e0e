// IP forwarding switches read and written in this or a named network namespace, checked with `sysctl` run inside
// the namespace; and the kernel's behaviour the design rests on: /proc/sys/net belongs to the namespace of the
// thread that opens the file, and the global switches overwrite every device's own.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { closeSync, openSync, writeSync } from "node:fs";
import { before, test } from "node:test";
import { forwardingName, forwardingPath, KernelError, readForwarding, runInNetworkNamespace, writeForwarding } from "pulumi-tuntap/kernel";
import { ip } from "../support/ip";
import { sysctl } from "../support/sysctl";

const OPERATION = "kernel test";

before(() => {
  ip("netns", "add", "fwd-ns");
  ip("link", "add", "lab0", "type", "veth", "peer", "name", "up0", "netns", "fwd-ns");
  ip("-n", "fwd-ns", "link", "set", "up0", "name", "up0.7");
});

test("sysctl names as sysctl(8) prints them, a dot in a device name written as /", () => {
  assert.equal(forwardingName({ version: 4 }), "net.ipv4.ip_forward");
  assert.equal(forwardingName({ version: 6 }), "net.ipv6.conf.all.forwarding");
  assert.equal(forwardingName({ version: 4, device: "eth0.100" }), "net.ipv4.conf.eth0/100.forwarding");
  assert.equal(forwardingName({ version: 6, device: "lab0" }), "net.ipv6.conf.lab0.force_forwarding");
  assert.throws(() => forwardingPath({ version: 4, device: "../../kernel" }), /invalid device name/);
});

test("a new namespace forwards nothing; the global switches are read and written here", () => {
  assert.equal(readForwarding(undefined, { version: 4 }, OPERATION), 0);
  assert.equal(readForwarding(undefined, { version: 6 }, OPERATION), 0);
  assert.equal(writeForwarding(undefined, { version: 4 }, 1, OPERATION), 1);
  assert.equal(sysctl("net.ipv4.ip_forward"), "1");
  assert.equal(sysctl("net.ipv4.conf.lab0.forwarding"), "1", "the kernel sets every device's switch with the global one");
  assert.equal(writeForwarding(undefined, { version: 6 }, 1, OPERATION), 1);
  assert.equal(sysctl("net.ipv6.conf.all.forwarding"), "1");
  writeForwarding(undefined, { version: 4 }, 0, OPERATION);
  writeForwarding(undefined, { version: 6 }, 0, OPERATION);
  assert.equal(sysctl("net.ipv4.conf.lab0.forwarding"), "0", "and lowers every device's with it");
});

test("in a named namespace: written there, not here", () => {
  assert.equal(readForwarding("fwd-ns", { version: 4 }, OPERATION), 0);
  writeForwarding("fwd-ns", { version: 4 }, 1, OPERATION);
  writeForwarding("fwd-ns", { version: 6 }, 1, OPERATION);
  assert.equal(sysctl("net.ipv4.ip_forward", "fwd-ns"), "1");
  assert.equal(sysctl("net.ipv6.conf.all.forwarding", "fwd-ns"), "1");
  assert.equal(sysctl("net.ipv4.ip_forward"), "0");
  assert.equal(sysctl("net.ipv6.conf.all.forwarding"), "0");
  assert.equal(readForwarding("fwd-ns", { version: 4 }, OPERATION), 1);
  writeForwarding("fwd-ns", { version: 4 }, 0, OPERATION);
  writeForwarding("fwd-ns", { version: 6 }, 0, OPERATION);
});

test("one device's switches, IPv4 forwarding and IPv6 force_forwarding, leave the global ones alone", () => {
  assert.equal(writeForwarding("fwd-ns", { version: 4, device: "up0.7" }, 1, OPERATION), 1);
  assert.equal(sysctl("net.ipv4.conf.up0/7.forwarding", "fwd-ns"), "1");
  assert.equal(sysctl("net.ipv4.ip_forward", "fwd-ns"), "0");
  assert.equal(writeForwarding(undefined, { version: 6, device: "lab0" }, 1, OPERATION), 1);
  assert.equal(sysctl("net.ipv6.conf.lab0.force_forwarding"), "1");
  assert.equal(sysctl("net.ipv6.conf.all.forwarding"), "0");
  writeForwarding(undefined, { version: 6, device: "lab0" }, 0, OPERATION);
});

test("a device that is not there: an error that says so, naming the sysctl", () => {
  assert.throws(() => readForwarding("fwd-ns", { version: 4, device: "lab0" }, OPERATION), (error: unknown) => {
    assert.ok(error instanceof KernelError);
    assert.match(error.message, /read net\.ipv4\.conf\.lab0\.forwarding: ENOENT .*The device "lab0" does not exist \(any more\) in this namespace/);
    return true;
  });
  assert.throws(() => writeForwarding(undefined, { version: 6, device: "nope0" }, 1, OPERATION), /kernel is older than 6\.17/);
});

test("the kernel fact underneath: a /proc/sys/net file opened inside a namespace writes that namespace's value, wherever the write happens", () => {
  const descriptor = runInNetworkNamespace("fwd-ns", OPERATION, () => openSync("/proc/sys/net/ipv4/ip_forward", "w"));
  try {
    writeSync(descriptor, "1\n");
  } finally {
    closeSync(descriptor);
  }
  assert.equal(sysctl("net.ipv4.ip_forward", "fwd-ns"), "1");
  assert.equal(sysctl("net.ipv4.ip_forward"), "0");
  writeForwarding("fwd-ns", { version: 4 }, 0, OPERATION);
});
