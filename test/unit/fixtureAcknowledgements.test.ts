// Real NLMSG_ERROR acknowledgements (captured by fixtures/capture.ts), with and without NETLINK_CAP_ACK and
// NETLINK_EXT_ACK, decoded without privilege; and what errorFromErrno makes of them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Acknowledgement,
  decodeAcknowledgement,
  DeviceExistsError,
  errorFromErrno,
  KernelError,
  netlinkCodec,
  netlinkConstants,
  NoSuchDeviceError,
  PermissionDeniedError,
} from "pulumi-tuntap/kernel";
import { type CapturedExchange, datagrams, FIXTURE_FILES, loadFixture } from "./fixtures/format";

const C = netlinkConstants;
const fixture = loadFixture(FIXTURE_FILES.acknowledgements);

function exchangeStarting(prefix: string): CapturedExchange {
  const exchange = fixture.exchanges.find((candidate) => candidate.description.startsWith(prefix));
  assert.ok(exchange, `no captured exchange "${prefix}…"`);
  return exchange;
}

/** The exchange's one reply: a single datagram holding a single NLMSG_ERROR for our sequence number. */
function onlyReply(exchange: CapturedExchange): netlinkCodec.Message {
  const replies = datagrams(exchange).flatMap((datagram) => netlinkCodec.parseMessages(datagram));
  assert.equal(replies.length, 1);
  const [reply] = replies;
  assert.ok(reply);
  assert.deepEqual([reply.header.type, reply.header.sequence], [C.NLMSG_ERROR, exchange.request.sequence]);
  return reply;
}

const decoded = (exchange: CapturedExchange): Acknowledgement => {
  const reply = onlyReply(exchange);
  return decodeAcknowledgement(reply.payload, reply.header.flags);
};

describe("captured acknowledgements decode to errno and the kernel's words", () => {
  const rows: [prefix: string, flags: number, expected: Acknowledgement][] = [
    ["add 10.0.0.1/24 to tap-owned again: EEXIST, capped", C.NLM_F_CAPPED | C.NLM_F_ACK_TLVS, { errno: 17, kernelMessage: "ipv4: Address already assigned" }],
    ["add 10.0.0.1/24 to tap-owned again: EEXIST, uncapped", C.NLM_F_ACK_TLVS, { errno: 17, kernelMessage: "ipv4: Address already assigned" }],
    ["add fd00::1/64 to tap-owned again", C.NLM_F_CAPPED | C.NLM_F_ACK_TLVS, { errno: 17, kernelMessage: "ipv6: address already assigned" }],
    ["set mtu 65535 on tap-owned (tap maximum 65521)", C.NLM_F_CAPPED | C.NLM_F_ACK_TLVS, { errno: 22, kernelMessage: "mtu greater than device maximum" }],
    ["set mtu 65535 on tap-owned without", 0, { errno: 22 }],
    ["create a tun over rtnetlink", C.NLM_F_CAPPED | C.NLM_F_ACK_TLVS, { errno: 95, kernelMessage: "tun/tap creation via rtnetlink is not supported." }],
    ["delete ifindex 99999", C.NLM_F_CAPPED, { errno: 19 }],
    ["delete link group 0", C.NLM_F_CAPPED, { errno: 1 }],
    ["add an altname tap-owned already has", C.NLM_F_CAPPED, { errno: 17 }],
    ["set tap-plain down: success", C.NLM_F_CAPPED, { errno: 0 }],
  ];
  for (const [prefix, flags, expected] of rows) {
    test(`${prefix}…`, () => {
      const exchange = exchangeStarting(prefix);
      assert.equal(onlyReply(exchange).header.flags, flags, "NLMSG_ERROR flags");
      assert.deepEqual(decoded(exchange), expected);
    });
  }

  test("every captured exchange is covered by a row above", () => assert.equal(fixture.exchanges.length, rows.length));
});

describe("the layout of captured acknowledgements", () => {
  test("capped: error, then the request's header alone (16 bytes), then the attributes", () => {
    const exchange = exchangeStarting("add 10.0.0.1/24 to tap-owned again: EEXIST, capped");
    const reply = onlyReply(exchange);
    const echoed = netlinkCodec.parseMessageHeader(reply.payload, 4).value;
    assert.deepEqual(
      [echoed.length, echoed.type, echoed.flags, echoed.sequence],
      [16 + exchange.request.payloadHex.length / 2, exchange.request.type, exchange.request.flags, exchange.request.sequence],
    );
    assert.equal(reply.payload.readUInt16LE(4 + 16 + 2), C.NLMSGERR_ATTR_MSG);
  });

  test("uncapped: the whole request is echoed byte for byte", () => {
    const exchange = exchangeStarting("add 10.0.0.1/24 to tap-owned again: EEXIST, uncapped");
    const reply = onlyReply(exchange);
    const { type, flags, sequence, payloadHex } = exchange.request;
    const request = netlinkCodec.encodeMessage({ type, flags, sequence, portId: 0 }, Buffer.from(payloadHex, "hex"));
    assert.equal(reply.payload.subarray(4, 4 + request.length).toString("hex"), request.toString("hex"));
  });

  test("the error field is the negative errno", () => {
    const reply = onlyReply(exchangeStarting("delete ifindex 99999"));
    assert.equal(reply.payload.readInt32LE(0), -19);
  });

  test("decoding an uncapped ack as if it were capped finds no message: the flags matter", () => {
    const reply = onlyReply(exchangeStarting("add 10.0.0.1/24 to tap-owned again: EEXIST, uncapped"));
    assert.throws(() => decodeAcknowledgement(reply.payload, C.NLM_F_CAPPED | C.NLM_F_ACK_TLVS), netlinkCodec.NetlinkFormatError);
  });
});

describe("errors made from captured acknowledgements", () => {
  const errorFor = (prefix: string, operation: string, step: string): KernelError => {
    const acknowledgement = decoded(exchangeStarting(prefix));
    return errorFromErrno(acknowledgement.errno, { operation, step, ...(acknowledgement.kernelMessage === undefined ? {} : { kernelMessage: acknowledgement.kernelMessage }) });
  };

  test("a duplicate address: DeviceExistsError quoting the kernel", () => {
    const error = errorFor("add 10.0.0.1/24 to tap-owned again: EEXIST, capped", "update tap-owned", "RTM_NEWADDR 10.0.0.1/24");
    assert.ok(error instanceof DeviceExistsError);
    assert.equal(error.message, 'update tap-owned: RTM_NEWADDR 10.0.0.1/24: EEXIST (file exists). The kernel said: "ipv4: Address already assigned".');
  });

  test("an MTU over the maximum: a KernelError quoting the kernel", () => {
    const error = errorFor("set mtu 65535 on tap-owned (tap maximum 65521)", "update tap-owned", "set mtu 65535");
    assert.equal(error.constructor, KernelError);
    assert.match(error.message, /^update tap-owned: set mtu 65535: EINVAL \(invalid argument\)\. The kernel said: "mtu greater than device maximum"\.$/);
  });

  test("a vanished device: NoSuchDeviceError with the refresh remedy", () => {
    const error = errorFor("delete ifindex 99999", "delete tap9", "RTM_DELLINK");
    assert.ok(error instanceof NoSuchDeviceError);
    assert.match(error.message, /ENODEV \(no such device\)\. The device no longer exists: run `pulumi refresh`/);
  });

  test("group 0: the kernel answers EPERM, which reads as a missing capability (why the builder refuses group 0 itself)", () => {
    assert.ok(errorFor("delete link group 0", "delete group", "RTM_DELLINK group 0") instanceof PermissionDeniedError);
  });
});
