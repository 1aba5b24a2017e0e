// The rtmsg codec, byte by byte: struct rtmsg's layout (include/uapi/linux/rtnetlink.h), the attributes a route
// request carries, and decoding what the kernel sends back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeRoute, hasKeyOf, netlinkCodec, routePayload, RTMSG_LENGTH } from "pulumi-tuntap/kernel";

const v4 = {
  family: 4 as const,
  destination: Buffer.from([10, 9, 0, 0]),
  prefixLength: 24,
  table: 100000,
  metric: 7,
  protocol: 238,
  scope: 253,
  gateway: Buffer.from([10, 1, 0, 2]),
  outputIndex: 3,
};

test("struct rtmsg: family, dst_len, src_len, tos, table (RT_TABLE_COMPAT above 255), protocol, scope, type, flags", () => {
  const payload = routePayload(v4);
  assert.deepEqual([...payload.subarray(0, RTMSG_LENGTH)], [2, 24, 0, 0, 252, 238, 253, 1, 0, 0, 0, 0]);
  const attributes = netlinkCodec.attributeMap(payload.subarray(RTMSG_LENGTH));
  assert.deepEqual(
    [...attributes.entries()].map(([type, value]) => [type, [...value]]),
    [
      [15, [0xa0, 0x86, 0x01, 0x00]], // RTA_TABLE 100000
      [6, [7, 0, 0, 0]], // RTA_PRIORITY
      [1, [10, 9, 0, 0]], // RTA_DST
      [5, [10, 1, 0, 2]], // RTA_GATEWAY
      [4, [3, 0, 0, 0]], // RTA_OIF
    ],
  );
});

test("a default route carries no RTA_DST; IPv6 addresses are 16 bytes", () => {
  const payload = routePayload({ family: 6, destination: Buffer.alloc(16), prefixLength: 0, table: 254, metric: 1024, protocol: 238, scope: 0 });
  assert.deepEqual([...payload.subarray(0, 8)], [10, 0, 0, 0, 254, 238, 0, 1]);
  assert.equal(netlinkCodec.attributeMap(payload.subarray(RTMSG_LENGTH)).has(1), false);
  assert.throws(() => routePayload({ ...v4, gateway: Buffer.alloc(16) }), /gateway of an IPv4 route must be 4 bytes, got 16/);
});

test("decoding reads the table from RTA_TABLE, the metric from RTA_PRIORITY (0 when absent), and finds the key", () => {
  const record = decodeRoute(routePayload(v4));
  assert.deepEqual(record, { ...v4, tos: 0, type: 1, multipath: false });
  assert.ok(record && hasKeyOf(record, v4));
  assert.ok(record && !hasKeyOf(record, { ...v4, metric: 8 }));
  const withoutPriority = Buffer.from(routePayload({ ...v4, table: 254 }).subarray(0, RTMSG_LENGTH));
  assert.deepEqual([decodeRoute(withoutPriority)?.metric, decodeRoute(withoutPriority)?.table], [0, 254]);
  assert.equal(decodeRoute(Buffer.from([7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), undefined, "another family");
});

/** struct rtnexthop (len, flags, hops, ifindex) followed by its RTA_GATEWAY. */
function nextHop(ifindex: number, gateway: Buffer): Buffer {
  const attributes = netlinkCodec.encodeAttributes([netlinkCodec.attribute.bytes(5, gateway)]);
  const header = Buffer.alloc(8);
  header.writeUInt16LE(8 + attributes.length, 0);
  header.writeInt32LE(ifindex, 4);
  return Buffer.concat([header, attributes]);
}

test("a multipath route (RTA_MULTIPATH, as IPv6 shows routes appended at one key): each next hop's device and gateway, in the kernel's order", () => {
  const key = { family: 6 as const, destination: Buffer.from("fd800000000000000000000000000000", "hex"), prefixLength: 64, table: 254, metric: 1024, protocol: 238, scope: 0 };
  const ours = Buffer.from("fd700000000000000000000000000002", "hex");
  const theirs = Buffer.from("fd700000000000000000000000000003", "hex");
  const multipath = netlinkCodec.encodeAttributes([netlinkCodec.attribute.bytes(9, Buffer.concat([nextHop(3, ours), nextHop(4, theirs)]))]);
  const record = decodeRoute(Buffer.concat([routePayload(key), multipath]));
  assert.equal(record?.multipath, true);
  assert.deepEqual(record?.nextHops, [
    { outputIndex: 3, gateway: ours },
    { outputIndex: 4, gateway: theirs },
  ]);
  assert.ok(record && hasKeyOf(record, key));
});

test("a route with another tos sits at another key (IPv4 keys on tos; requests carry 0)", () => {
  const payload = routePayload(v4);
  payload.writeUInt8(0x10, 3);
  const record = decodeRoute(payload);
  assert.equal(record?.tos, 0x10);
  assert.ok(record && !hasKeyOf(record, v4));
});
