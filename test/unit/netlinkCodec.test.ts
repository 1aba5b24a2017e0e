// The netlink wire format: message headers and (nested) attributes, round trips and refusals of malformed bytes.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { netlinkCodec, netlinkConstants } from "pulumi-tuntap/kernel";

const { NetlinkFormatError, attribute, encodeAttribute, encodeAttributes, encodeMessage, findAttribute, parseAttribute, parseAttributes, parseMessage, parseMessageHeader, parseMessages } =
  netlinkCodec;

const isFormatError = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof NetlinkFormatError, `expected a NetlinkFormatError, got ${String(error)}`);
  assert.match(error.message, /^malformed netlink data: /);
  assert.match(error.message, pattern);
  return true;
};

/** Hand-written bytes: a 16-byte header (little-endian, as on x86_64 and arm64) and a payload. */
function rawMessage(length: number, type: number, flags: number, sequence: number, portId: number, payload: number[] = []): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(length, 0);
  header.writeUInt16LE(type, 4);
  header.writeUInt16LE(flags, 6);
  header.writeUInt32LE(sequence, 8);
  header.writeUInt32LE(portId, 12);
  return Buffer.concat([header, Buffer.from(payload)]);
}

describe("message headers", () => {
  test("encodeMessage lays out nlmsghdr: length, type, flags, sequence, port", () => {
    const encoded = encodeMessage({ type: 18, flags: 0x301, sequence: 0x01020304, portId: 0 }, Buffer.from([0xaa, 0xbb, 0xcc, 0xdd]));
    assert.equal(encoded.toString("hex"), rawMessage(20, 18, 0x301, 0x01020304, 0, [0xaa, 0xbb, 0xcc, 0xdd]).toString("hex"));
  });

  test("an unaligned payload is padded to 4 bytes but the length counts only real bytes", () => {
    const encoded = encodeMessage({ type: 16, flags: 1, sequence: 1, portId: 0 }, Buffer.from([1, 2, 3, 4, 5]));
    assert.equal(encoded.length, 24);
    assert.equal(encoded.readUInt32LE(0), 21);
    assert.deepEqual([...encoded.subarray(21)], [0, 0, 0]);
  });

  test("a sequence number past 2^31 is written unsigned", () => {
    const encoded = encodeMessage({ type: 3, flags: 0, sequence: 0xfffffffe, portId: 0x80000001 }, Buffer.alloc(0));
    assert.deepEqual(parseMessageHeader(encoded).value, { length: 16, type: 3, flags: 0, sequence: 0xfffffffe, portId: 0x80000001 });
  });

  test("parseMessage returns the payload without padding and consumes the padding", () => {
    const encoded = encodeMessage({ type: 16, flags: 2, sequence: 9, portId: 77 }, Buffer.from([1, 2, 3, 4, 5]));
    const { value, consumed } = parseMessage(encoded);
    assert.equal(consumed, 24);
    assert.deepEqual(value.header, { length: 21, type: 16, flags: 2, sequence: 9, portId: 77 });
    assert.deepEqual([...value.payload], [1, 2, 3, 4, 5]);
  });

  test("the last message of a datagram may lack its padding", () => {
    const unpadded = rawMessage(21, 16, 0, 1, 0, [1, 2, 3, 4, 5]);
    assert.equal(parseMessage(unpadded).consumed, 21);
  });

  test("parseMessages splits a datagram into its messages in order", () => {
    const datagram = Buffer.concat([
      encodeMessage({ type: 16, flags: 2, sequence: 5, portId: 1 }, Buffer.from([1, 2, 3])),
      encodeMessage({ type: 16, flags: 2, sequence: 5, portId: 1 }, Buffer.alloc(8, 7)),
      encodeMessage({ type: netlinkConstants.NLMSG_DONE, flags: 2, sequence: 5, portId: 1 }, Buffer.alloc(4)),
    ]);
    const messages = parseMessages(datagram);
    assert.deepEqual(messages.map((message) => [message.header.type, message.payload.length]), [[16, 3], [16, 8], [3, 4]]);
  });

  test("parseMessages of an empty buffer is no messages", () => assert.deepEqual(parseMessages(Buffer.alloc(0)), []));

  test("a header at an offset is read from that offset", () => {
    const buffer = Buffer.concat([Buffer.alloc(8, 0xff), rawMessage(16, 2, 0x100, 3, 4)]);
    assert.equal(parseMessageHeader(buffer, 8).value.type, 2);
  });
});

describe("malformed messages throw NetlinkFormatError", () => {
  test("fewer than 16 bytes for a header", () => {
    assert.throws(() => parseMessageHeader(Buffer.alloc(15)), isFormatError(/15 bytes left at offset 0, a message header needs 16/));
  });
  test("a header cut short at an offset", () => {
    assert.throws(() => parseMessageHeader(Buffer.alloc(20), 8), isFormatError(/12 bytes left at offset 8/));
  });
  test("a length shorter than the header itself", () => {
    assert.throws(() => parseMessage(rawMessage(15, 16, 0, 0, 0)), isFormatError(/length 15 .* shorter than its header/));
  });
  test("a zero length (which would loop forever if accepted)", () => {
    assert.throws(() => parseMessages(rawMessage(0, 16, 0, 0, 0)), isFormatError(/length 0/));
  });
  test("a length beyond the buffer", () => {
    assert.throws(() => parseMessage(rawMessage(64, 16, 0, 0, 0, [1, 2, 3, 4])), isFormatError(/claims 64 bytes but only 20 remain/));
  });
  test("a datagram whose second message is truncated", () => {
    const datagram = Buffer.concat([encodeMessage({ type: 16, flags: 0, sequence: 1, portId: 0 }, Buffer.alloc(4)), Buffer.alloc(10)]);
    assert.throws(() => parseMessages(datagram), isFormatError(/10 bytes left at offset 20/));
  });
});

describe("attributes", () => {
  test("a u32 attribute: length 8, type, little-endian value", () => {
    assert.equal(encodeAttribute(attribute.u32(4, 1500)).toString("hex"), "08000400dc050000");
  });

  test("a string attribute is NUL-terminated and padded", () => {
    const encoded = encodeAttribute(attribute.string(3, "tap0"));
    assert.equal(encoded.toString("hex"), "0900030074617030" + "00" + "000000");
  });

  test("a u8 attribute pads 3 bytes", () => assert.equal(encodeAttribute(attribute.u8(16, 6)).toString("hex"), "0500100006000000"));

  test("an s32 attribute writes negatives in two's complement", () => {
    assert.equal(encodeAttribute(attribute.s32(1, -2)).toString("hex"), "08000100feffffff");
  });

  test("an empty attribute is a bare 4-byte header", () => assert.equal(encodeAttribute({ type: 7, value: Buffer.alloc(0) }).toString("hex"), "04000700"));

  test("a nested attribute carries NLA_F_NESTED and its children's bytes", () => {
    const encoded = encodeAttribute(attribute.nested(18, [attribute.string(1, "tun"), attribute.u8(2, 1)]));
    assert.equal(encoded.readUInt16LE(0), 4 + 8 + 8);
    assert.equal(encoded.readUInt16LE(2), 18 | netlinkCodec.NLA_F_NESTED);
    assert.equal(encoded.subarray(4).toString("hex"), encodeAttributes([attribute.string(1, "tun"), attribute.u8(2, 1)]).toString("hex"));
  });

  test("nested attributes round-trip three levels deep", () => {
    const encoded = encodeAttributes([
      attribute.string(3, "br0"),
      attribute.nested(18, [attribute.string(1, "bridge"), attribute.nested(2, [attribute.u32(5, 1), attribute.u32(1, 1500)])]),
    ]);
    const [name, linkInfo] = parseAttributes(encoded);
    assert.equal(name?.type, 3);
    assert.equal(netlinkCodec.readString(name?.payload ?? Buffer.alloc(0)), "br0");
    assert.equal(linkInfo?.type, 18);
    assert.equal(linkInfo?.nested, true);
    const [kind, data] = parseAttributes(linkInfo?.payload ?? Buffer.alloc(0));
    assert.equal(netlinkCodec.readString(kind?.payload ?? Buffer.alloc(0)), "bridge");
    assert.equal(data?.nested, true);
    const inner = parseAttributes(data?.payload ?? Buffer.alloc(0)).map((child) => [child.type, netlinkCodec.readU32(child.payload)]);
    assert.deepEqual(inner, [[5, 1], [1, 1500]]);
  });

  test("the NLA_F_NET_BYTEORDER bit is stripped from the type and does not mean nested", () => {
    const raw = Buffer.from("0800" + "0140" + "01020304", "hex"); // type 1 | NLA_F_NET_BYTEORDER
    const { value } = parseAttribute(raw);
    assert.deepEqual({ type: value.type, nested: value.nested }, { type: 1, nested: false });
  });

  test("attributeMap keeps the first of repeated types", () => {
    const map = netlinkCodec.attributeMap(encodeAttributes([attribute.u32(4, 1), attribute.u32(4, 2)]));
    assert.equal(netlinkCodec.readU32(map.get(4) ?? Buffer.alloc(0)), 1);
  });

  test("the last attribute may omit its padding", () => {
    const unpadded = Buffer.from("0500100006", "hex");
    assert.deepEqual(parseAttributes(unpadded).map((parsed) => [parsed.type, [...parsed.payload]]), [[16, [6]]]);
  });

  test("findAttribute gives the first of repeated types, as attributeMap does, stepping over padded ones before it", () => {
    const bytes = encodeAttributes([attribute.string(3, "tap0"), attribute.u8(16, 6), attribute.u32(27, 9), attribute.u32(27, 10)]);
    assert.equal(netlinkCodec.readU32(findAttribute(bytes, 27) ?? Buffer.alloc(0)), 9);
  });

  test("findAttribute of a type not there is undefined", () => {
    assert.equal(findAttribute(encodeAttributes([attribute.u32(4, 1)]), 27), undefined);
    assert.equal(findAttribute(Buffer.alloc(0), 27), undefined);
  });

  test("findAttribute ignores the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits and reads an unpadded last attribute", () => {
    assert.deepEqual([...(findAttribute(Buffer.from("0800" + "0140" + "01020304", "hex"), 1) ?? [])], [1, 2, 3, 4]);
    assert.deepEqual([...(findAttribute(Buffer.from("04000580" + "0500100006", "hex"), 16) ?? [])], [6]);
  });

  test("readString stops at the first NUL and reads an unterminated string whole", () => {
    assert.equal(netlinkCodec.readString(Buffer.from("eth0\0junk")), "eth0");
    assert.equal(netlinkCodec.readString(Buffer.from("eth0")), "eth0");
  });

  test("readU8 / readU32 / readS32 read little-endian", () => {
    assert.equal(netlinkCodec.readU8(Buffer.from([0xfe])), 254);
    assert.equal(netlinkCodec.readU32(Buffer.from([1, 0, 0, 0x80])), 0x80000001);
    assert.equal(netlinkCodec.readS32(Buffer.from([0xff, 0xff, 0xff, 0xff])), -1);
  });

  test("align4 rounds up to a multiple of 4", () => {
    assert.deepEqual([0, 1, 4, 5, 7, 8].map(netlinkCodec.align4), [0, 4, 4, 8, 8, 8]);
  });
});

describe("malformed attributes throw NetlinkFormatError", () => {
  test("fewer than 4 bytes for an attribute header", () => {
    assert.throws(() => parseAttributes(Buffer.from([8, 0, 1])), isFormatError(/3 bytes left at offset 0, an attribute header needs 4/));
  });
  test("an attribute length below 4", () => {
    assert.throws(() => parseAttributes(Buffer.from("03000100", "hex")), isFormatError(/attribute length 3 .* shorter than its header/));
  });
  test("an attribute length of 0 (which would loop forever if accepted)", () => {
    assert.throws(() => parseAttributes(Buffer.from("00000100", "hex")), isFormatError(/attribute length 0/));
  });
  test("an attribute length beyond the buffer", () => {
    assert.throws(() => parseAttributes(Buffer.from("0c0001000102", "hex")), isFormatError(/claims 12 bytes but only 6 remain/));
  });
  test("a second attribute cut short", () => {
    const bytes = Buffer.concat([encodeAttribute(attribute.u32(1, 1)), Buffer.from([8, 0])]);
    assert.throws(() => parseAttributes(bytes), isFormatError(/2 bytes left at offset 8/));
  });
  test("findAttribute over an attribute that claims more than remains, before the one asked for", () => {
    assert.throws(() => findAttribute(Buffer.from("0c0001000102", "hex"), 27), isFormatError(/claims 12 bytes but only 6 remain/));
  });
  test("a nested attribute whose child overruns its parent", () => {
    const parent = Buffer.from("0c0012800c00010000000000", "hex"); // parent of 12 bytes holds a child claiming 12
    const [outer] = parseAttributes(parent);
    assert.throws(() => parseAttributes(outer?.payload ?? Buffer.alloc(0)), isFormatError(/claims 12 bytes but only 8 remain/));
  });
  test("a u32 attribute with 2 bytes", () => assert.throws(() => netlinkCodec.readU32(Buffer.alloc(2)), isFormatError(/u32 attribute needs 4 bytes, got 2/)));
  test("an s32 attribute with 3 bytes", () => assert.throws(() => netlinkCodec.readS32(Buffer.alloc(3)), isFormatError(/s32 attribute needs 4 bytes/)));
  test("a u8 attribute with no bytes", () => assert.throws(() => netlinkCodec.readU8(Buffer.alloc(0)), isFormatError(/u8 attribute needs 1 bytes, got 0/)));
  test("encoding an attribute of more than 65535 bytes", () => {
    assert.throws(() => encodeAttribute({ type: 1, value: Buffer.alloc(0x10000) }), isFormatError(/attribute 1 is 65540 bytes/));
  });
});
