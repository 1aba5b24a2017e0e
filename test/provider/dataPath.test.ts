// The devices carry traffic: a test opens the created tap as a VMM would (TUNSETIFF attach) and the host
// stack inside this namespace answers an ARP request; a tun gets its ICMP echo answered the same way.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { readSync, writeSync } from "node:fs";
import { test } from "node:test";
import { tapInterfaceProvider as provider } from "pulumi-tuntap";
import { closeTunQueue, openTunQueue } from "pulumi-tuntap/kernel";
import { create } from "../support/providers";
import { pollSync } from "../support/wait";

const GUEST_MAC = Buffer.from("020000000002", "hex");

function ipv4(text: string): Buffer {
  return Buffer.from(text.split(".").map(Number));
}

/**
 * Sends `request` on a non-blocking queue and reads frames until one satisfies `wanted`, sending the request
 * again every RESEND_POLLS polls as a guest or a VPN daemon would: the kernel attaches the device's queueing
 * discipline only once the link watcher has seen the carrier that attaching brought (a kernel worker, later on
 * a busy machine), and drops what the device sends before that.
 */
function exchange(fd: number, request: Buffer, wanted: (frame: Buffer) => boolean): Buffer {
  const RESEND_POLLS = 20;
  const buffer = Buffer.alloc(65536);
  let polls = 0;
  return pollSync(() => {
    if (polls++ % RESEND_POLLS === 0) writeSync(fd, request);
    try {
      const length = readSync(fd, buffer, 0, buffer.length, null);
      const frame = Buffer.from(buffer.subarray(0, length));
      return wanted(frame) ? frame : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      return undefined;
    }
  }, "an answer to the request");
}

function arpRequest(senderIp: Buffer, targetIp: Buffer): Buffer {
  const frame = Buffer.alloc(42);
  Buffer.from("ffffffffffff", "hex").copy(frame, 0);
  GUEST_MAC.copy(frame, 6);
  frame.writeUInt16BE(0x0806, 12); // ARP
  frame.writeUInt16BE(1, 14); // Ethernet
  frame.writeUInt16BE(0x0800, 16); // IPv4
  frame.writeUInt8(6, 18);
  frame.writeUInt8(4, 19);
  frame.writeUInt16BE(1, 20); // request
  GUEST_MAC.copy(frame, 22);
  senderIp.copy(frame, 28);
  targetIp.copy(frame, 38);
  return frame;
}

function checksum(bytes: Buffer): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] ?? 0) * 256 + (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function icmpEchoRequest(source: Buffer, destination: Buffer, identifier: number): Buffer {
  const icmp = Buffer.alloc(16);
  icmp.writeUInt8(8, 0); // echo request
  icmp.writeUInt16BE(identifier, 4);
  icmp.writeUInt16BE(1, 6);
  icmp.write("tuntap!!", 8);
  icmp.writeUInt16BE(checksum(icmp), 2);
  const header = Buffer.alloc(20);
  header.writeUInt8(0x45, 0);
  header.writeUInt16BE(20 + icmp.length, 2);
  header.writeUInt8(64, 8); // TTL
  header.writeUInt8(1, 9); // ICMP
  source.copy(header, 12);
  destination.copy(header, 16);
  header.writeUInt16BE(checksum(header), 10);
  return Buffer.concat([header, icmp]);
}

test("a VMM attached to the tap gets the host's ARP reply for the tap's address", async () => {
  const tap = await create(provider, { name: "dp0", addresses: ["192.168.0.1/24"], up: true, managedBy: "tuntap-tests/dev/dp" });
  const fd = openTunQueue("dp0", { mode: "tap", multiQueue: false, packetInfo: false, vnetHdr: false }, "attach dp0", { nonBlocking: true });
  try {
    const reply = exchange(fd, arpRequest(ipv4("192.168.0.2"), ipv4("192.168.0.1")), (frame) => frame.length >= 42 && frame.readUInt16BE(12) === 0x0806 && frame.readUInt16BE(20) === 2);
    assert.deepEqual(reply.subarray(0, 6), GUEST_MAC, "addressed to the guest");
    assert.deepEqual([...reply.subarray(28, 32)], [192, 168, 0, 1], "answers for the tap's address");
    const senderMac = reply.subarray(22, 28).toString("hex").replace(/(..)(?!$)/g, "$1:");
    assert.equal(senderMac, tap.outs.macAddress, "with the tap's MAC, as the provider reported it");
  } finally {
    closeTunQueue(fd);
  }
});

test("a VPN daemon attached to the tun gets the host's ICMP echo reply", async () => {
  await create(provider, { name: "dpvpn0", mode: "tun", addresses: ["10.8.0.1/24"], up: true, managedBy: "tuntap-tests/dev/dpvpn" });
  const fd = openTunQueue("dpvpn0", { mode: "tun", multiQueue: false, packetInfo: false, vnetHdr: false }, "attach dpvpn0", { nonBlocking: true });
  try {
    const reply = exchange(fd, icmpEchoRequest(ipv4("10.8.0.2"), ipv4("10.8.0.1"), 0x7475), (packet) => packet.length >= 28 && packet.readUInt8(9) === 1 && packet.readUInt8(20) === 0);
    assert.deepEqual([...reply.subarray(12, 16)], [10, 8, 0, 1], "from the tun's address");
    assert.deepEqual([...reply.subarray(16, 20)], [10, 8, 0, 2], "to the peer");
    assert.equal(reply.readUInt16BE(24), 0x7475, "the echo identifier comes back");
    assert.equal(reply.subarray(28, 36).toString(), "tuntap!!");
  } finally {
    closeTunQueue(fd);
  }
});
