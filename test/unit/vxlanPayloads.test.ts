// The VXLAN link codec, byte by byte: the RTM_NEWLINK that makes a device (IFLA_LINKINFO → IFLA_INFO_DATA with
// IFLA_VXLAN_* as include/uapi/linux/if_link.h numbers them, the destination port in network byte order), the
// request that changes one in place, and decoding what vxlan_fill_info reports.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  changeVxlanPayload,
  decodeLink,
  describeVxlanChange,
  IFLA_VXLAN_GROUP6,
  IFLA_VXLAN_ID,
  IFLA_VXLAN_LEARNING,
  IFLA_VXLAN_LINK,
  IFLA_VXLAN_LOCAL,
  IFLA_VXLAN_LOCAL6,
  IFLA_VXLAN_PORT,
  IFLA_VXLAN_TTL,
  linkPayload,
  netlinkCodec,
  netlinkConstants,
  newVxlanPayload,
  type NewVxlanRequest,
} from "pulumi-tuntap/kernel";

const { attribute, attributeMap, NetlinkFormatError } = netlinkCodec;
const C = netlinkConstants;
const hex = (buffer: Buffer) => buffer.toString("hex");

const request: NewVxlanRequest = {
  name: "vx0",
  vni: 0x123456,
  port: 4789,
  local: Buffer.from([192, 0, 2, 1]),
  underlayIndex: 7,
  ttl: 64,
  learning: false,
};

/** The attributes of IFLA_LINKINFO → IFLA_INFO_DATA in a link payload, and the kind. */
function infoData(payload: Buffer): { kind: string; data: Map<number, Buffer> } {
  const top = attributeMap(payload.subarray(C.IFINFOMSG_LENGTH));
  const info = attributeMap(top.get(C.IFLA_LINKINFO) ?? Buffer.alloc(0));
  return { kind: netlinkCodec.readString(info.get(C.IFLA_INFO_KIND) ?? Buffer.alloc(0)), data: attributeMap(info.get(C.IFLA_INFO_DATA) ?? Buffer.alloc(0)) };
}

describe("RTM_NEWLINK type vxlan", () => {
  test("an ifinfomsg of zeros, IFLA_IFNAME, then IFLA_LINKINFO { kind \"vxlan\", data { id, port, local, link, ttl, learning } }", () => {
    const payload = newVxlanPayload(request);
    assert.equal(hex(payload.subarray(0, 16)), "00".repeat(16));
    assert.equal(hex(payload.subarray(16, 24)), "0800" + "0300" + "76783000", "IFLA_IFNAME (3) \"vx0\\0\"");
    const { kind, data } = infoData(payload);
    assert.equal(kind, "vxlan");
    assert.deepEqual(
      [...data.entries()].map(([type, value]) => [type, hex(value)]),
      [
        [IFLA_VXLAN_ID, "56341200"], // host order u32 0x123456
        [IFLA_VXLAN_PORT, "12b5"], // 4789 in network byte order
        [IFLA_VXLAN_LOCAL, "c0000201"],
        [IFLA_VXLAN_LINK, "07000000"],
        [IFLA_VXLAN_TTL, "40"],
        [IFLA_VXLAN_LEARNING, "00"],
      ],
    );
  });

  test("the data attribute is nested (NLA_F_NESTED) and the kind is NUL-terminated", () => {
    const payload = newVxlanPayload(request);
    const linkInfo = payload.subarray(16 + 8); // after IFLA_IFNAME (8 bytes)
    assert.equal(linkInfo.readUInt16LE(2), C.IFLA_LINKINFO | netlinkCodec.NLA_F_NESTED);
    assert.equal(hex(linkInfo.subarray(4, 16)), "0a000100" + "76786c616e000000"); // IFLA_INFO_KIND "vxlan\0" + pad
    assert.equal(linkInfo.readUInt16LE(18), C.IFLA_INFO_DATA | netlinkCodec.NLA_F_NESTED);
  });

  test("IPv6 addresses go in LOCAL6 and GROUP6; an MTU travels at the top level; absent settings are left out", () => {
    const local = Buffer.from("fd000000000000000000000000000001", "hex");
    const group = Buffer.from("ff050000000000000000000000000001", "hex");
    const payload = newVxlanPayload({ name: "vx6", vni: 9, port: 8472, local, group, ttl: 0, learning: true, mtu: 1430 });
    const top = attributeMap(payload.subarray(16));
    assert.equal(top.get(C.IFLA_MTU)?.readUInt32LE(0), 1430);
    const { data } = infoData(payload);
    assert.deepEqual([...data.keys()], [IFLA_VXLAN_ID, IFLA_VXLAN_PORT, IFLA_VXLAN_LOCAL6, IFLA_VXLAN_GROUP6, IFLA_VXLAN_TTL, IFLA_VXLAN_LEARNING]);
    assert.equal(hex(data.get(IFLA_VXLAN_PORT) ?? Buffer.alloc(0)), "2118");
    assert.equal(hex(data.get(IFLA_VXLAN_LOCAL6) ?? Buffer.alloc(0)), hex(local));
    assert.equal(data.get(IFLA_VXLAN_LEARNING)?.readUInt8(0), 1, "learning is always spelled out");
  });

  test("a VNI beyond 24 bits and an address of the wrong length are refused before anything is sent", () => {
    assert.throws(() => newVxlanPayload({ ...request, vni: 1 << 24 }), RangeError);
    assert.throws(() => newVxlanPayload({ ...request, local: Buffer.alloc(5) }), NetlinkFormatError);
  });
});

describe("a change in place", () => {
  test("one RTM_NEWLINK to the ifindex, carrying only the changed attributes inside IFLA_INFO_DATA", () => {
    const payload = changeVxlanPayload(12, [
      { kind: "ttl", ttl: 9 },
      { kind: "learning", learning: true },
      { kind: "local", address: Buffer.alloc(16) },
      { kind: "underlay", index: 3 },
    ]);
    assert.equal(payload.readInt32LE(4), 12);
    const { kind, data } = infoData(payload);
    assert.equal(kind, "vxlan");
    assert.deepEqual(
      [...data.entries()].map(([type, value]) => [type, hex(value)]),
      [
        [IFLA_VXLAN_TTL, "09"],
        [IFLA_VXLAN_LEARNING, "01"],
        [IFLA_VXLAN_LOCAL6, "00".repeat(16)],
        [IFLA_VXLAN_LINK, "03000000"],
      ],
    );
    assert.equal(attributeMap(payload.subarray(16)).has(C.IFLA_MTU), false, "never an MTU beside IFLA_INFO_DATA");
  });

  test("each change reads as the ip command would say it", () => {
    assert.equal(describeVxlanChange({ kind: "local", address: Buffer.from([10, 0, 0, 1]) }), "set local 10.0.0.1");
    assert.equal(describeVxlanChange({ kind: "group", address: Buffer.alloc(4) }), "remove group");
    assert.equal(describeVxlanChange({ kind: "underlay", index: 0 }), "unbind underlay device");
    assert.equal(describeVxlanChange({ kind: "ttl", ttl: 0 }), "set ttl auto");
    assert.equal(describeVxlanChange({ kind: "learning", learning: false }), "set nolearning");
  });
});

describe("decoding IFLA_INFO_DATA", () => {
  /** What decodeLink reads of a link message's VXLAN data (Link.vxlan). */
  const decodeVxlanData = (payload: Buffer) => decodeLink(payload).vxlan;

  /** A link message as vxlan_fill_info would fill it, for the attributes given. */
  function vxlanLink(data: netlinkCodec.AttributeInput[]): Buffer {
    return linkPayload({ index: 5, flags: 0x1003 }, [
      attribute.string(C.IFLA_IFNAME, "vx0"),
      attribute.u32(C.IFLA_MTU, 1450),
      attribute.nested(C.IFLA_LINKINFO, [attribute.string(C.IFLA_INFO_KIND, "vxlan"), attribute.nested(C.IFLA_INFO_DATA, data)]),
    ]);
  }

  test("every setting a create writes reads back the same", () => {
    // A create request is an ifinfomsg and attributes, as a link message is: decodeLink reads it alike.
    const decoded = decodeVxlanData(newVxlanPayload({ ...request, mtu: 1450 }));
    assert.deepEqual(
      decoded && { vni: decoded.vni, port: decoded.port, local: hex(decoded.local ?? Buffer.alloc(0)), underlayIndex: decoded.underlayIndex, ttl: decoded.ttl, learning: decoded.learning, family: decoded.family },
      { vni: 0x123456, port: 4789, local: "c0000201", underlayIndex: 7, ttl: 64, learning: false, family: 4 },
    );
  });

  test("the flags and numbers the kernel reports besides", () => {
    const portRange = Buffer.from([0x80, 0x00, 0x90, 0x00]);
    const decoded = decodeVxlanData(
      vxlanLink([
        attribute.u32(IFLA_VXLAN_ID, 42),
        { type: 16, value: Buffer.from("ff050000000000000000000000000002", "hex") }, // GROUP6
        attribute.u8(5, 0), // TTL
        attribute.u8(28, 1), // TTL_INHERIT
        attribute.u8(6, 3), // TOS
        attribute.u8(29, 2), // DF inherit
        attribute.u8(7, 1), // LEARNING
        attribute.u8(11, 1), // PROXY
        attribute.u8(13, 1), // L2MISS
        attribute.u32(8, 300), // AGEING
        attribute.u32(9, 64), // LIMIT
        { type: 10, value: portRange }, // PORT_RANGE
        { type: IFLA_VXLAN_PORT, value: Buffer.from([0x12, 0xb5]) },
        attribute.u8(18, 1), // UDP_CSUM
        attribute.u8(25, 0), // COLLECT_METADATA
        attribute.u8(31, 1), // LOCALBYPASS
      ]),
    );
    assert.deepEqual(decoded, {
      vni: 42,
      port: 4789,
      ttl: 0,
      learning: true,
      tos: 3,
      ttlInherit: true,
      df: 2,
      ageing: 300,
      limit: 64,
      sourcePortRange: { low: 32768, high: 36864 },
      proxy: true,
      rsc: false,
      l2miss: true,
      l3miss: false,
      udpChecksum: true,
      collectMetadata: false,
      group: Buffer.from("ff050000000000000000000000000002", "hex"),
      family: 6,
      localBypass: true,
    });
  });

  test("a link of another kind, or none, has no VXLAN data; a VXLAN link without its VNI or port is malformed", () => {
    const bridge = linkPayload({ index: 1 }, [
      attribute.string(C.IFLA_IFNAME, "br0"),
      attribute.u32(C.IFLA_MTU, 1500),
      attribute.nested(C.IFLA_LINKINFO, [attribute.string(C.IFLA_INFO_KIND, "bridge"), attribute.nested(C.IFLA_INFO_DATA, [])]),
    ]);
    assert.equal(decodeVxlanData(bridge), undefined);
    assert.equal(decodeVxlanData(linkPayload({ index: 1 }, [attribute.string(C.IFLA_IFNAME, "lo"), attribute.u32(C.IFLA_MTU, 65536)])), undefined);
    assert.throws(() => decodeVxlanData(vxlanLink([{ type: IFLA_VXLAN_PORT, value: Buffer.from([0x12, 0xb5]) }])), NetlinkFormatError);
    assert.throws(() => decodeLink(vxlanLink([attribute.u32(IFLA_VXLAN_ID, 1)])), NetlinkFormatError, "nor without its port");
  });
});
