// NLMSG_ERROR acknowledgements and NLMSG_DONE, built by hand the way the kernel's netlink_ack() lays them out:
// int error; struct nlmsghdr msg (+ the request's payload unless NLM_F_CAPPED); then, with NLM_F_ACK_TLVS,
// the extended ack attributes (NLMSGERR_ATTR_MSG, _OFFS) at the next 4-byte boundary.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeAcknowledgement, decodeDone, netlinkCodec, netlinkConstants } from "pulumi-tuntap/kernel";

const { NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, RTM_NEWADDR } = netlinkConstants;
const { attribute, encodeAttributes, encodeMessage, NetlinkFormatError } = netlinkCodec;

/** The request being answered: RTM_NEWADDR with a 12-byte payload (28 bytes in all). */
const request = encodeMessage({ type: RTM_NEWADDR, flags: 0x605, sequence: 42, portId: 0 }, Buffer.from("0218000007000000" + "0a000001", "hex"));

function errorField(errno: number): Buffer {
  const field = Buffer.alloc(4);
  field.writeInt32LE(-errno);
  return field;
}

function ackPayload(errno: number, options: { capped: boolean; tlvs?: Buffer }): Buffer {
  const echoed = options.capped ? request.subarray(0, 16) : request;
  return Buffer.concat([errorField(errno), echoed, options.tlvs ?? Buffer.alloc(0)]);
}

const message = (text: string) => encodeAttributes([attribute.string(NLMSGERR_ATTR_MSG, text), attribute.u32(NLMSGERR_ATTR_OFFS, 20)]);

describe("decodeAcknowledgement", () => {
  test("a plain success: errno 0, no message", () => {
    assert.deepEqual(decodeAcknowledgement(ackPayload(0, { capped: true }), NLM_F_CAPPED), { errno: 0 });
  });

  test("a refusal without extended ack: the errno, positive", () => {
    assert.deepEqual(decodeAcknowledgement(ackPayload(17, { capped: false }), 0), { errno: 17 });
  });

  test("a capped refusal with NLM_F_ACK_TLVS: the kernel's message", () => {
    const payload = ackPayload(22, { capped: true, tlvs: message("mtu greater than device maximum") });
    assert.deepEqual(decodeAcknowledgement(payload, NLM_F_CAPPED | NLM_F_ACK_TLVS), { errno: 22, kernelMessage: "mtu greater than device maximum" });
  });

  test("an uncapped refusal with NLM_F_ACK_TLVS: the message after the echoed request", () => {
    const payload = ackPayload(17, { capped: false, tlvs: message("ipv4: Address already assigned") });
    assert.equal(payload.length, 4 + 28 + 36 + 8);
    assert.deepEqual(decodeAcknowledgement(payload, NLM_F_ACK_TLVS), { errno: 17, kernelMessage: "ipv4: Address already assigned" });
  });

  test("an uncapped echo of an unaligned request: the attributes start at the next 4-byte boundary", () => {
    const unaligned = Buffer.concat([Buffer.from("1500000014000506", "hex"), Buffer.alloc(8), Buffer.from([1, 2, 3, 4, 5])]);
    assert.equal(unaligned.readUInt32LE(0), 21);
    const payload = Buffer.concat([errorField(22), unaligned, Buffer.alloc(3), message("bad")]);
    assert.equal(decodeAcknowledgement(payload, NLM_F_ACK_TLVS).kernelMessage, "bad");
  });

  test("NLM_F_ACK_TLVS with only an offset attribute: no message", () => {
    const payload = ackPayload(22, { capped: true, tlvs: encodeAttributes([attribute.u32(NLMSGERR_ATTR_OFFS, 16)]) });
    assert.deepEqual(decodeAcknowledgement(payload, NLM_F_CAPPED | NLM_F_ACK_TLVS), { errno: 22 });
  });

  test("attributes present but NLM_F_ACK_TLVS clear: they are not read", () => {
    const payload = ackPayload(22, { capped: true, tlvs: message("ignored") });
    assert.deepEqual(decodeAcknowledgement(payload, NLM_F_CAPPED), { errno: 22 });
  });

  test("a success carrying a warning message (extended ack on errno 0)", () => {
    const payload = ackPayload(0, { capped: true, tlvs: message("warning: something") });
    assert.deepEqual(decodeAcknowledgement(payload, NLM_F_CAPPED | NLM_F_ACK_TLVS), { errno: 0, kernelMessage: "warning: something" });
  });

  test("fewer than 4 bytes", () => {
    assert.throws(() => decodeAcknowledgement(Buffer.alloc(3), 0), NetlinkFormatError);
  });

  test("an uncapped ack too short for the echoed header", () => {
    assert.throws(() => decodeAcknowledgement(Buffer.concat([errorField(22), Buffer.alloc(10)]), NLM_F_ACK_TLVS), /without the request header/);
  });

  test("an echoed request whose length points past the end", () => {
    const payload = Buffer.concat([errorField(22), request.subarray(0, 16)]);
    assert.throws(() => decodeAcknowledgement(payload, NLM_F_ACK_TLVS), /past the end/);
  });

  test("a truncated extended ack attribute", () => {
    const payload = Buffer.concat([ackPayload(22, { capped: true }), Buffer.from("2000010061", "hex")]);
    assert.throws(() => decodeAcknowledgement(payload, NLM_F_CAPPED | NLM_F_ACK_TLVS), NetlinkFormatError);
  });
});

describe("decodeDone", () => {
  test("a dump that ended well: 0", () => assert.equal(decodeDone(errorField(0)), 0));
  test("a dump that failed: the errno, positive", () => assert.equal(decodeDone(errorField(16)), 16));
  test("an empty NLMSG_DONE payload: 0", () => assert.equal(decodeDone(Buffer.alloc(0)), 0));
});
