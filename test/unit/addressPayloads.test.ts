// RTM_*ADDR payloads: an 8-byte ifaddrmsg, then IFA_LOCAL, IFA_ADDRESS and (IPv4, prefix < 31) IFA_BROADCAST;
// and the decoding of address records.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  addAddressPayload,
  decodeAddress,
  decodeAddressHeader,
  deleteAddressPayload,
  dumpAddressesPayload,
  encodeAddressHeader,
  ipv4Broadcast,
  isKernelManaged,
  netlinkCodec,
  netlinkConstants,
} from "pulumi-tuntap/kernel";

const { attribute, encodeAttributes, NetlinkFormatError } = netlinkCodec;
const C = netlinkConstants;
const v4 = (text: string) => Buffer.from(text.split(".").map(Number));
const hex = (buffer: Buffer) => buffer.toString("hex");

describe("ifaddrmsg", () => {
  test("is 8 bytes: family, prefix, flags, scope, then the index (u32) at offset 4", () => {
    const encoded = encodeAddressHeader({ family: C.AF_INET6, prefixLength: 64, flags: 0x80, scope: C.RT_SCOPE_LINK, index: 0x0a0b0c0d });
    assert.equal(hex(encoded), "0a" + "40" + "80" + "fd" + "0d0c0b0a");
  });
  test("round-trips", () => {
    const header = { family: C.AF_INET, prefixLength: 24, flags: 0, scope: 0, index: 300 };
    assert.deepEqual(decodeAddressHeader(encodeAddressHeader(header)), header);
  });
  test("a dump of every family is an all-zero header", () => assert.equal(hex(dumpAddressesPayload()), "0000000000000000"));
  test("a dump of IPv6 only sets the family", () => assert.equal(hex(dumpAddressesPayload(6)), "0a00000000000000"));
  test("a payload shorter than 8 bytes is refused", () => assert.throws(() => decodeAddressHeader(Buffer.alloc(7)), NetlinkFormatError));
});

describe("ipv4Broadcast: the host bits set, as ifconfig and networkd do", () => {
  const rows: [cidr: string, broadcast: string | undefined][] = [
    ["192.168.1.10/24", "192.168.1.255"],
    ["10.1.2.3/8", "10.255.255.255"],
    ["172.16.5.4/12", "172.31.255.255"],
    ["10.0.0.1/30", "10.0.0.3"],
    ["10.0.0.1/1", "127.255.255.255"],
    ["200.0.0.1/1", "255.255.255.255"],
    ["10.0.0.1/0", "255.255.255.255"],
    ["10.0.0.0/31", undefined],
    ["10.0.0.1/32", undefined],
  ];
  for (const [cidr, broadcast] of rows) {
    test(`${cidr} → ${broadcast ?? "none"}`, () => {
      const [address = "", prefix = ""] = cidr.split("/");
      const computed = ipv4Broadcast(v4(address), Number(prefix));
      assert.equal(computed === undefined ? undefined : [...computed].join("."), broadcast);
    });
  }
});

describe("add and delete payloads", () => {
  test("IPv4 /24: header, IFA_LOCAL, IFA_ADDRESS, IFA_BROADCAST", () => {
    const payload = addAddressPayload(7, { family: 4, address: v4("10.0.0.1"), prefixLength: 24 });
    assert.equal(hex(payload), "0218000007000000" + "080002000a000001" + "080001000a000001" + "080004000a0000ff");
  });
  test("IPv4 /31 has no broadcast", () => {
    const payload = addAddressPayload(7, { family: 4, address: v4("10.0.0.0"), prefixLength: 31 });
    assert.equal(hex(payload), "021f000007000000" + "080002000a000000" + "080001000a000000");
  });
  test("IPv4 /32 has no broadcast", () => {
    assert.equal(addAddressPayload(1, { family: 4, address: v4("10.9.9.9"), prefixLength: 32 }).length, 8 + 8 + 8);
  });
  test("IPv6: 20-byte IFA_LOCAL and IFA_ADDRESS, no broadcast", () => {
    const address = Buffer.from("fd000000000000000000000000000001", "hex");
    const payload = addAddressPayload(2, { family: 6, address, prefixLength: 64 });
    assert.equal(hex(payload), "0a40000002000000" + "14000200" + hex(address) + "14000100" + hex(address));
  });
  test("delete carries the address without a broadcast", () => {
    const payload = deleteAddressPayload(7, { family: 4, address: v4("10.0.0.1"), prefixLength: 24 });
    assert.equal(hex(payload), "0218000007000000" + "080002000a000001" + "080001000a000001");
  });
});

describe("decodeAddress", () => {
  const record = (family: number, attributes: ReturnType<typeof attribute.u32>[], header: Partial<{ prefixLength: number; flags: number; scope: number; index: number }> = {}) =>
    Buffer.concat([
      encodeAddressHeader({ family, prefixLength: header.prefixLength ?? 24, flags: header.flags ?? 0x80, scope: header.scope ?? 0, index: header.index ?? 4 }),
      encodeAttributes(attributes),
    ]);

  test("IPv4 prefers IFA_LOCAL over the peer in IFA_ADDRESS", () => {
    const decoded = decodeAddress(record(C.AF_INET, [attribute.bytes(C.IFA_ADDRESS, v4("10.0.0.2")), attribute.bytes(C.IFA_LOCAL, v4("10.0.0.1"))]));
    assert.deepEqual(decoded, { index: 4, family: 4, address: v4("10.0.0.1"), prefixLength: 24, flags: 0x80, scope: 0 });
  });
  test("IPv6 reads IFA_ADDRESS", () => {
    const address = Buffer.from("fe800000000000000000000000000001", "hex");
    const decoded = decodeAddress(record(C.AF_INET6, [attribute.bytes(C.IFA_ADDRESS, address)], { prefixLength: 64, scope: C.RT_SCOPE_LINK }));
    assert.deepEqual(decoded?.address, address);
    assert.equal(decoded?.scope, C.RT_SCOPE_LINK);
  });
  test("IFA_FLAGS (32 bits) overrides the 8-bit ifa_flags", () => {
    const decoded = decodeAddress(record(C.AF_INET, [attribute.bytes(C.IFA_LOCAL, v4("10.0.0.1")), attribute.u32(C.IFA_FLAGS, 0x280)]));
    assert.equal(decoded?.flags, 0x280);
  });
  test("IFA_PROTO is read, and kernel-made addresses are recognised by it", () => {
    const address = Buffer.from("fe800000000000000000000000000001", "hex");
    const made = (protocol: number) => decodeAddress(record(C.AF_INET6, [attribute.bytes(C.IFA_ADDRESS, address), attribute.u8(C.IFA_PROTO, protocol)]));
    const byProtocol = [0, 1, 2, 3, 4].map((protocol) => {
      const decoded = made(protocol);
      assert.ok(decoded);
      return [decoded.protocol, isKernelManaged(decoded)];
    });
    assert.deepEqual(byProtocol, [[0, false], [1, true], [2, true], [3, true], [4, false]]);
  });
  test("without IFA_PROTO the protocol is absent and the address counts as the user's", () => {
    const decoded = decodeAddress(record(C.AF_INET, [attribute.bytes(C.IFA_LOCAL, v4("10.0.0.1"))]));
    assert.ok(decoded);
    assert.equal(Object.hasOwn(decoded, "protocol"), false);
    assert.equal(isKernelManaged(decoded), false);
  });
  test("other families are skipped", () => assert.equal(decodeAddress(record(17, [])), undefined));
  test("an IPv4 record without an address is refused", () => {
    assert.throws(() => decodeAddress(record(C.AF_INET, [attribute.u32(C.IFA_FLAGS, 0)])), NetlinkFormatError);
  });
  test("an IPv6 record with a 4-byte address is refused", () => {
    assert.throws(() => decodeAddress(record(C.AF_INET6, [attribute.bytes(C.IFA_ADDRESS, v4("10.0.0.1"))])), /IPv6 address record on ifindex 4/);
  });
});
