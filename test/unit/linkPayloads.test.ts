// RTM_*LINK request payloads: the bytes the kernel expects — a 16-byte ifinfomsg, then attributes — and the
// decoding of a link built by hand.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  altNamePayload,
  decodeInterfaceInfo,
  decodeLink,
  decodeLinkGroupMembership,
  deleteLinkGroupPayload,
  deleteLinkPayload,
  describeLinkChange,
  dumpLinksPayload,
  encodeInterfaceInfo,
  getLinkByIndexPayload,
  getLinkByNamePayload,
  type LinkChange,
  linkPayload,
  netlinkCodec,
  netlinkConstants,
  newBridgePayload,
  setLinkPayload,
} from "pulumi-tuntap/kernel";

const { attribute, NetlinkFormatError } = netlinkCodec;
const C = netlinkConstants;

/** ifinfomsg: family u8, pad u8, type u16, index s32, flags u32, change u32. */
function ifinfomsg(index: number, flags = 0, change = 0): string {
  const header = Buffer.alloc(16);
  header.writeInt32LE(index, 4);
  header.writeUInt32LE(flags, 8);
  header.writeUInt32LE(change, 12);
  return header.toString("hex");
}

const hex = (buffer: Buffer) => buffer.toString("hex");
const SKIP_STATS = "08001d0008000000"; // IFLA_EXT_MASK (29) = RTEXT_FILTER_SKIP_STATS (8)
/** IFLA_LINKINFO (28 bytes, nested) { IFLA_INFO_KIND "bridge\0" + pad, IFLA_INFO_DATA (nested) { IFLA_BR_STP_STATE u32 = … } }. */
const STP_LINKINFO_HEAD = "1c001280" + "0b000100" + "6272696467650000" + "0c000280" + "08000500";

describe("ifinfomsg", () => {
  test("is 16 bytes with the index at offset 4, flags at 8, change at 12", () => {
    const encoded = encodeInterfaceInfo({ family: 7, deviceType: 0x1ff, index: 0x01020304, flags: 0x80000001, change: 0xffffffff });
    assert.equal(hex(encoded), "07" + "00" + "ff01" + "04030201" + "01000080" + "ffffffff");
  });
  test("round-trips", () => {
    const header = { family: 0, deviceType: 1, index: 12, flags: 0x11043, change: 0 };
    assert.deepEqual(decodeInterfaceInfo(encodeInterfaceInfo(header)), header);
  });
  test("a payload shorter than 16 bytes is refused", () => {
    assert.throws(() => decodeInterfaceInfo(Buffer.alloc(15)), NetlinkFormatError);
  });
});

describe("request payloads", () => {
  test("get by name: ifinfomsg, IFLA_IFNAME, then the skip-statistics mask", () => {
    assert.equal(hex(getLinkByNamePayload("tap0")), ifinfomsg(0) + "0900030074617030" + "00000000" + SKIP_STATS);
  });
  test("get by index puts the index in the header", () => assert.equal(hex(getLinkByIndexPayload(9)), ifinfomsg(9) + SKIP_STATS));
  test("a dump asks for no statistics", () => assert.equal(hex(dumpLinksPayload()), ifinfomsg(0) + SKIP_STATS));
  test("delete by index is a bare ifinfomsg", () => assert.equal(hex(deleteLinkPayload(42)), ifinfomsg(42)));
  test("delete by group: index 0 and IFLA_GROUP", () => assert.equal(hex(deleteLinkGroupPayload(7)), ifinfomsg(0) + "08001b0007000000"));
  test("delete by group refuses group 0 (every link's group)", () => {
    assert.throws(() => deleteLinkGroupPayload(0), (error: unknown) => error instanceof RangeError && /group 0/.test(error.message));
  });
  test("an altname goes nested in IFLA_PROP_LIST", () => {
    const payload = altNamePayload(5, "pulumi:a:b:c:00000000");
    assert.equal(hex(payload.subarray(0, 16)), ifinfomsg(5));
    assert.equal(payload.readUInt16LE(18), C.IFLA_PROP_LIST | netlinkCodec.NLA_F_NESTED);
    assert.equal(payload.readUInt16LE(22), C.IFLA_ALT_IFNAME);
    assert.equal(payload.toString("utf8", 24, 24 + 21), "pulumi:a:b:c:00000000");
    assert.equal(payload[24 + 21], 0);
  });
  test("a new bridge: name, then IFLA_LINKINFO { kind bridge, data { stp_state } }", () => {
    const expected = linkPayload({}, [
      attribute.string(C.IFLA_IFNAME, "br0"),
      attribute.nested(C.IFLA_LINKINFO, [attribute.string(C.IFLA_INFO_KIND, "bridge"), attribute.nested(C.IFLA_INFO_DATA, [attribute.u32(C.IFLA_BR_STP_STATE, 1)])]),
    ]);
    assert.equal(hex(newBridgePayload({ name: "br0", stpState: 1 })), hex(expected));
    assert.equal(
      hex(expected.subarray(16)),
      "0800030062723000" + STP_LINKINFO_HEAD + "01000000",
    );
  });
});

describe("link changes: one attribute (or flag) each", () => {
  const rows: [LinkChange, string, string][] = [
    [{ kind: "mtu", mtu: 9000 }, ifinfomsg(3) + "0800040028230000", "set mtu 9000"],
    [{ kind: "hardwareAddress", address: Buffer.from("525400123456", "hex") }, ifinfomsg(3) + "0a000100525400123456" + "0000", "set address 52:54:00:12:34:56"],
    [{ kind: "txQueueLength", length: 500 }, ifinfomsg(3) + "08000d00f4010000", "set txqueuelen 500"],
    [{ kind: "alias", alias: "vm" }, ifinfomsg(3) + "06001400766d" + "0000", "set alias"],
    [{ kind: "alias", alias: "" }, ifinfomsg(3) + "04001400", "remove alias"],
    [{ kind: "master", masterIndex: 4 }, ifinfomsg(3) + "08000a0004000000", "set master (ifindex 4)"],
    [{ kind: "master", masterIndex: 0 }, ifinfomsg(3) + "08000a0000000000", "leave bridge"],
    [{ kind: "group", group: 77 }, ifinfomsg(3) + "08001b004d000000", "set group 77"],
    [{ kind: "up", up: true }, ifinfomsg(3, C.IFF_UP, C.IFF_UP), "set up"],
    [{ kind: "up", up: false }, ifinfomsg(3, 0, C.IFF_UP), "set down"],
    [{ kind: "promiscuous", promiscuous: true }, ifinfomsg(3, C.IFF_PROMISC, C.IFF_PROMISC), "set promisc on"],
    [{ kind: "promiscuous", promiscuous: false }, ifinfomsg(3, 0, C.IFF_PROMISC), "set promisc off"],
    [{ kind: "stpState", stpState: 0 }, ifinfomsg(3) + STP_LINKINFO_HEAD + "00000000", "set stp_state 0"],
  ];
  for (const [change, expected, description] of rows) {
    test(description, () => {
      assert.equal(hex(setLinkPayload(3, change)), expected);
      assert.equal(describeLinkChange(change), description);
    });
  }
});

describe("decodeLink on a hand-built tap", () => {
  const payload = linkPayload({ index: 8, deviceType: 1, flags: C.IFF_UP | C.IFF_PROMISC }, [
    attribute.string(C.IFLA_IFNAME, "tap8"),
    attribute.u32(C.IFLA_MTU, 1400),
    attribute.u32(C.IFLA_TXQLEN, 1000),
    attribute.bytes(C.IFLA_ADDRESS, Buffer.from("525400000008", "hex")),
    attribute.u32(C.IFLA_MASTER, 2),
    attribute.u32(C.IFLA_GROUP, 9),
    { type: C.IFLA_IFALIAS, value: Buffer.from("vm 8") },
    attribute.nested(C.IFLA_PROP_LIST, [attribute.string(C.IFLA_ALT_IFNAME, "first"), attribute.string(C.IFLA_ALT_IFNAME, "pulumi:p:s:r:01234567")]),
    attribute.nested(C.IFLA_LINKINFO, [
      attribute.string(C.IFLA_INFO_KIND, "tun"),
      attribute.nested(C.IFLA_INFO_DATA, [
        attribute.u8(C.IFLA_TUN_TYPE, 2),
        attribute.u8(C.IFLA_TUN_PI, 0),
        attribute.u8(C.IFLA_TUN_VNET_HDR, 1),
        attribute.u8(C.IFLA_TUN_PERSIST, 1),
        attribute.u32(C.IFLA_TUN_OWNER, 1000),
        attribute.u8(C.IFLA_TUN_MULTI_QUEUE, 0),
        attribute.u32(C.IFLA_TUN_NUM_QUEUES, 0),
      ]),
      attribute.string(C.IFLA_INFO_SLAVE_KIND, "bridge"),
    ]),
  ]);

  test("every field lands where it belongs", () => {
    assert.deepEqual(decodeLink(payload), {
      index: 8,
      name: "tap8",
      flags: C.IFF_UP | C.IFF_PROMISC,
      deviceType: 1,
      mtu: 1400,
      txQueueLength: 1000,
      hardwareAddress: Buffer.from("525400000008", "hex"),
      alias: "vm 8",
      master: 2,
      group: 9,
      altNames: ["first", "pulumi:p:s:r:01234567"],
      kind: "tun",
      portKind: "bridge",
      tun: { type: "tap", packetInfo: false, vnetHdr: true, persist: true, multiQueue: false, owner: 1000, numQueues: 0 },
    });
  });

  test("the group membership reader takes only the ifindex and IFLA_GROUP, found among the other attributes", () => {
    assert.deepEqual(decodeLinkGroupMembership(payload), { index: 8, group: 9 });
  });

  test("without IFLA_GROUP a link is in group 0, as decodeLink says", () => {
    const ungrouped = linkPayload({ index: 3 }, [attribute.string(C.IFLA_IFNAME, "x"), attribute.u32(C.IFLA_MTU, 1500)]);
    assert.deepEqual(decodeLinkGroupMembership(ungrouped), { index: 3, group: decodeLink(ungrouped).group });
  });

  test("the group membership reader refuses a payload shorter than an ifinfomsg", () => {
    assert.throws(() => decodeLinkGroupMembership(Buffer.alloc(15)), NetlinkFormatError);
  });

  test("a link without IFLA_MTU is refused", () => {
    assert.throws(() => decodeLink(linkPayload({ index: 1 }, [attribute.string(C.IFLA_IFNAME, "x")])), NetlinkFormatError);
  });

  test("a tun link with an unknown IFLA_TUN_TYPE is refused", () => {
    const odd = linkPayload({ index: 1 }, [
      attribute.string(C.IFLA_IFNAME, "x"),
      attribute.u32(C.IFLA_MTU, 1500),
      attribute.nested(C.IFLA_LINKINFO, [attribute.string(C.IFLA_INFO_KIND, "tun"), attribute.nested(C.IFLA_INFO_DATA, [attribute.u8(C.IFLA_TUN_TYPE, 3)])]),
    ]);
    assert.throws(() => decodeLink(odd), /IFLA_TUN_TYPE 3/);
  });
});
