// struct ifreq for TUNSETIFF/TUNGETIFF (40 bytes: a 16-byte name, then ifr_flags at offset 16) and the TUN flags.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  decodeInterfaceRequest,
  encodeInterfaceRequest,
  IFF_MULTI_QUEUE,
  IFF_NO_PI,
  IFF_TAP,
  IFF_TUN,
  IFF_TUN_EXCL,
  IFF_VNET_HDR,
  tunRequestFlags,
} from "pulumi-tuntap/kernel";

const isRangeError = (pattern: RegExp) => (error: unknown) => error instanceof RangeError && pattern.test(error.message);

describe("struct ifreq", () => {
  test("encodes the name NUL-padded and the flags little-endian at offset 16", () => {
    const encoded = encodeInterfaceRequest({ name: "tap0", flags: IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL });
    assert.equal(encoded.length, 40);
    assert.equal(encoded.toString("hex"), "74617030" + "00".repeat(12) + "0290" + "00".repeat(22));
  });

  const roundTrips: [string, number][] = [
    ["tap0", IFF_TAP | IFF_NO_PI],
    ["abcdefghijklmno", IFF_TUN | IFF_MULTI_QUEUE | IFF_VNET_HDR],
    ["tap%d", IFF_TAP],
    ["ééééééé", 0xffff],
    ["", 0],
  ];
  for (const [name, flags] of roundTrips) {
    test(`round-trips "${name}" with flags 0x${flags.toString(16)}`, () => {
      assert.deepEqual(decodeInterfaceRequest(encodeInterfaceRequest({ name, flags })), { name, flags });
    });
  }

  test("flags above 16 bits are dropped (ifr_flags is a short)", () => {
    assert.equal(decodeInterfaceRequest(encodeInterfaceRequest({ name: "t", flags: 0x10002 })).flags, 2);
  });

  test("a 16-byte name is refused rather than silently truncated by the kernel", () => {
    assert.throws(() => encodeInterfaceRequest({ name: "abcdefghijklmnop", flags: 0 }), isRangeError(/16 bytes; the kernel allows at most 15/));
  });

  test("8 two-byte characters (16 bytes) are refused", () => {
    assert.throws(() => encodeInterfaceRequest({ name: "é".repeat(8), flags: 0 }), isRangeError(/16 bytes/));
  });

  test("a name with a NUL byte is refused", () => {
    assert.throws(() => encodeInterfaceRequest({ name: "ta\0p", flags: 0 }), isRangeError(/NUL/));
  });

  test("decoding reads the kernel's answer: a name it filled in for a template", () => {
    const answer = Buffer.alloc(40);
    answer.write("tap12", 0);
    answer.writeUInt16LE(IFF_TAP | 0x0800, 16);
    assert.deepEqual(decodeInterfaceRequest(answer), { name: "tap12", flags: 0x0802 });
  });

  test("a name filling all 16 bytes without a NUL is read as 16 bytes, not into the flags", () => {
    const answer = Buffer.alloc(40);
    answer.write("abcdefghijklmnop", 0);
    answer.writeUInt16LE(0x4142, 16);
    assert.equal(decodeInterfaceRequest(answer).name, "abcdefghijklmnop");
  });

  test("a buffer shorter than 40 bytes is refused", () => {
    assert.throws(() => decodeInterfaceRequest(Buffer.alloc(39)), isRangeError(/needs 40 bytes, got 39/));
  });
});

describe("tunRequestFlags", () => {
  const rows: [string, Parameters<typeof tunRequestFlags>[0], number][] = [
    ["a plain tap: IFF_TAP | IFF_NO_PI", { mode: "tap", multiQueue: false, packetInfo: false, vnetHdr: false }, 0x1002],
    ["a tun with packet info: IFF_TUN alone", { mode: "tun", multiQueue: false, packetInfo: true, vnetHdr: false }, 0x0001],
    ["a multi-queue tap with vnet headers", { mode: "tap", multiQueue: true, packetInfo: false, vnetHdr: true }, 0x5102],
    ["a multi-queue tun with packet info and vnet headers", { mode: "tun", multiQueue: true, packetInfo: true, vnetHdr: true }, 0x4101],
  ];
  for (const [title, flags, expected] of rows) {
    test(title, () => assert.equal(tunRequestFlags(flags), expected));
  }
});
