// The FDB codec, byte by byte: struct ndmsg (include/uapi/linux/neighbour.h: family u8, pad u8, pad u16,
// ifindex s32, state u16, flags u8, type u8), the attributes `bridge fdb append 00:00:00:00:00:00 dst …` sends
// (iproute2 bridge/fdb.c), and decoding the entries a dump returns.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AF_BRIDGE,
  appendDefaultRemotePayload,
  decodeFdbEntry,
  deleteDefaultRemotePayload,
  dumpDeviceFdbPayload,
  isDefaultRemote,
  NDMSG_LENGTH,
  netlinkCodec,
} from "pulumi-tuntap/kernel";

const { attribute, attributeMap, encodeAttributes, NetlinkFormatError } = netlinkCodec;
const hex = (buffer: Buffer) => buffer.toString("hex");
const peer = Buffer.from([192, 0, 2, 2]);

describe("requests", () => {
  test("append: AF_BRIDGE, the device's ifindex, NUD_NOARP|NUD_PERMANENT, NTF_SELF; then the all-zero MAC and the destination", () => {
    const payload = appendDefaultRemotePayload(0x0102, { destination: peer });
    assert.equal(hex(payload.subarray(0, NDMSG_LENGTH)), "07" + "00" + "0000" + "02010000" + "c000" + "02" + "00");
    assert.equal(
      hex(payload.subarray(NDMSG_LENGTH)),
      "0a00" + "0200" + "000000000000" + "0000" + // NDA_LLADDR (2), six zero bytes, padding
        "0800" + "0100" + "c0000202", // NDA_DST (1)
    );
  });

  test("port (network byte order), VNI and output device travel only when given", () => {
    const payload = appendDefaultRemotePayload(3, { destination: Buffer.from("fd000000000000000000000000000002", "hex"), port: 4790, vni: 77, outputIndex: 9 });
    const attributes = attributeMap(payload.subarray(NDMSG_LENGTH));
    assert.deepEqual(
      [...attributes.entries()].map(([type, value]) => [type, hex(value)]),
      [
        [2, "000000000000"],
        [1, "fd000000000000000000000000000002"],
        [6, "12b6"], // NDA_PORT 4790
        [7, "4d000000"], // NDA_VNI
        [8, "09000000"], // NDA_IFINDEX
      ],
    );
  });

  test("delete names the same remote, with state 0; a destination of the wrong length is refused", () => {
    const payload = deleteDefaultRemotePayload(5, { destination: peer });
    assert.equal(hex(payload.subarray(0, NDMSG_LENGTH)), "07000000" + "05000000" + "0000" + "02" + "00");
    assert.equal(hex(payload.subarray(NDMSG_LENGTH)), hex(appendDefaultRemotePayload(5, { destination: peer }).subarray(NDMSG_LENGTH)));
    assert.throws(() => deleteDefaultRemotePayload(5, { destination: Buffer.alloc(0) }), NetlinkFormatError);
  });

  test("a dump of one device is a bare ndmsg naming it, every other field 0 (strict checking refuses more)", () => {
    assert.equal(hex(dumpDeviceFdbPayload(4)), "07000000" + "04000000" + "0000" + "00" + "00");
  });
});

describe("decoding", () => {
  /** An RTM_NEWNEIGH message as vxlan_fdb_info fills it. */
  function message(family: number, flags: number, attributes: netlinkCodec.AttributeInput[]): Buffer {
    const header = Buffer.alloc(NDMSG_LENGTH);
    header.writeUInt8(family, 0);
    header.writeInt32LE(6, 4);
    header.writeUInt16LE(0x80, 8);
    header.writeUInt8(flags, 10);
    header.writeUInt8(1, 11); // RTN_UNICAST
    return Buffer.concat([header, encodeAttributes(attributes)]);
  }

  test("a peer's remote round-trips, and is one of the default destination's", () => {
    const entry = decodeFdbEntry(appendDefaultRemotePayload(6, { destination: peer, port: 8472 }));
    assert.ok(entry);
    assert.deepEqual({ ...entry, macAddress: hex(entry.macAddress), destination: hex(entry.destination ?? Buffer.alloc(0)) }, {
      index: 6,
      state: 0xc0,
      flags: 0x02,
      macAddress: "000000000000",
      destination: "c0000202",
      port: 8472,
    });
    assert.ok(isDefaultRemote(entry));
  });

  test("a learned MAC, a bridge's entry (NDA_MASTER, no NTF_SELF) and a nexthop entry are not peers", () => {
    const learned = decodeFdbEntry(message(AF_BRIDGE, 0x02, [attribute.bytes(2, Buffer.from("5254000000aa", "hex")), attribute.bytes(1, peer)]));
    const bridges = decodeFdbEntry(message(AF_BRIDGE, 0, [attribute.bytes(2, Buffer.alloc(6)), attribute.u32(9, 4)]));
    const nexthop = decodeFdbEntry(message(AF_BRIDGE, 0x02, [attribute.bytes(2, Buffer.alloc(6)), attribute.u32(13, 1)]));
    assert.equal(learned && isDefaultRemote(learned), false);
    assert.equal(bridges?.master, 4);
    assert.equal(bridges && isDefaultRemote(bridges), false);
    assert.equal(nexthop?.destination, undefined);
    assert.equal(nexthop && isDefaultRemote(nexthop), false);
  });

  test("other families (ARP, NDP) and messages naming no MAC are not FDB entries; a short header is malformed", () => {
    assert.equal(decodeFdbEntry(message(2, 0, [attribute.bytes(1, peer)])), undefined);
    assert.equal(decodeFdbEntry(message(AF_BRIDGE, 0x02, [attribute.bytes(1, peer)])), undefined);
    assert.throws(() => decodeFdbEntry(Buffer.alloc(NDMSG_LENGTH - 1)), NetlinkFormatError);
  });
});
