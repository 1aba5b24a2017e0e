// The nf_tables codec byte by byte: struct nfgenmsg, big-endian attributes, libnftnl's comment TLV, expressions
// written and read back, strict decoding, the batch's begin message, and the statements' shapes (prefixes of
// whole bytes or masked, interface names, ct state, port ranges).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { netlinkCodec, nftables } from "pulumi-tuntap/kernel";

const C = nftables.nftablesConstants;

/** A kernel dump carries a handle the request did not: add one to read a request back as a record. */
function withHandle(payload: Buffer, type: number): Buffer {
  return Buffer.concat([payload, netlinkCodec.encodeAttributes([nftables.be64(type, 42n)])]);
}

describe("headers and user data", () => {
  test("nfgenmsg: family, version 0, resource id big-endian; a batch begins with nf_tables' subsystem id and, when given, a generation", () => {
    assert.deepEqual([...nftables.encodeNfgenmsg(C.NFPROTO_INET)], [1, 0, 0, 0]);
    assert.deepEqual([...nftables.batchBeginPayload(undefined)], [0, 0, 0, 10]);
    assert.deepEqual([...nftables.batchBeginPayload(0x01020304)], [0, 0, 0, 10, 8, 0, 1, 0, 1, 2, 3, 4]);
    assert.deepEqual([...nftables.batchEndPayload()], [0, 0, 0, 10]);
    assert.equal(C.nftablesMessageType(C.NFT_MSG_NEWRULE), 0x0a06);
  });

  test("a comment is libnftnl's TLV: type 0, length with the NUL, the text, as nft writes it", () => {
    const encoded = nftables.encodeComment("pulumi:p:s:r:0123abcd");
    assert.deepEqual([...encoded.subarray(0, 2)], [0, 22]);
    assert.equal(encoded.subarray(2).toString("utf8"), "pulumi:p:s:r:0123abcd\0");
    assert.equal(nftables.decodeComment(encoded), "pulumi:p:s:r:0123abcd");
    assert.equal(nftables.decodeComment(Buffer.concat([Buffer.from([1, 2, 9, 9]), encoded])), "pulumi:p:s:r:0123abcd", "other TLVs are skipped");
    assert.equal(nftables.decodeComment(Buffer.from([0, 30, 65])), undefined, "a truncated TLV is no comment");
    assert.equal(nftables.decodeComment(undefined), undefined);
    assert.throws(() => nftables.encodeComment("x".repeat(129)), /at most 128 bytes/);
    assert.throws(() => nftables.encodeComment("a\0b"), /without NUL/);
  });

  test("a table request and its read-back: name, flags 0, comment; by handle when deleting", () => {
    const table = nftables.decodeTable(withHandle(nftables.newTablePayload("inet", "lab-nat", "pulumi:x"), C.NFTA_TABLE_HANDLE));
    assert.deepEqual(table, { family: "inet", name: "lab-nat", handle: 42n, flags: 0, use: 0, comment: "pulumi:x" });
    const byHandle = netlinkCodec.attributeMap(nftables.tableKeyPayload("inet", { name: "lab-nat", handle: 7n }).subarray(4));
    assert.deepEqual([...byHandle.keys()], [C.NFTA_TABLE_HANDLE]);
    assert.deepEqual([...(byHandle.get(C.NFTA_TABLE_HANDLE) ?? [])], [0, 0, 0, 0, 0, 0, 0, 7]);
    assert.throws(() => nftables.newTablePayload("inet", "", undefined), /a name is 1 to 255 bytes/);
  });

  test("a base chain: type, policy, hook number and a negative priority, big-endian", () => {
    const payload = nftables.newChainPayload("inet", "t", { name: "forward", base: { type: "filter", hook: C.NF_INET_FORWARD, priority: -1, policy: C.NF_ACCEPT }, comment: "c", rules: [] });
    const attributes = netlinkCodec.attributeMap(payload.subarray(4));
    assert.deepEqual([...(attributes.get(C.NFTA_CHAIN_POLICY) ?? [])], [0, 0, 0, 1]);
    const hook = netlinkCodec.attributeMap(attributes.get(C.NFTA_CHAIN_HOOK) ?? Buffer.alloc(0));
    assert.deepEqual([...(hook.get(C.NFTA_HOOK_HOOKNUM) ?? [])], [0, 0, 0, 2]);
    assert.deepEqual([...(hook.get(C.NFTA_HOOK_PRIORITY) ?? [])], [0xff, 0xff, 0xff, 0xff]);
    const chain = nftables.decodeChain(withHandle(payload, C.NFTA_CHAIN_HANDLE));
    assert.deepEqual(chain, { family: "inet", table: "t", name: "forward", handle: 42n, comment: "c", base: { type: "filter", hook: 2, priority: -1, policy: 1 } });
  });
});

describe("expressions", () => {
  const every: nftables.Expression[] = [
    { kind: "meta", key: C.NFT_META_OIFNAME, register: 1 },
    { kind: "payload", base: C.NFT_PAYLOAD_NETWORK_HEADER, offset: 12, length: 4, register: 1 },
    { kind: "cmp", op: C.NFT_CMP_NEQ, register: 1, data: Buffer.from([1, 2, 3]) },
    { kind: "bitwise", source: 1, destination: 1, mask: Buffer.from([0xff, 0x80]), xor: Buffer.from([0, 0]) },
    { kind: "ct", key: C.NFT_CT_STATE, register: 1 },
    { kind: "immediate", register: 2, data: Buffer.from([0xff, 0xff]) },
    { kind: "verdict", code: C.NF_ACCEPT },
    { kind: "verdict", code: C.NFT_JUMP, chain: "guest_input" },
    { kind: "counter" },
    { kind: "masquerade", flags: 0 },
    { kind: "masquerade", flags: C.NF_NAT_RANGE_PROTO_SPECIFIED, protoMinRegister: 1, protoMaxRegister: 2 },
  ];

  test("each kind survives a round trip through the wire format", () => {
    const rule = nftables.decodeRule(withHandle(nftables.newRulePayload("inet", "t", "c", { expressions: every, comment: "all" }), C.NFTA_RULE_HANDLE));
    assert.deepEqual(rule, { family: "inet", table: "t", chain: "c", handle: 42n, expressions: every, comment: "all" });
  });

  test("bytes as nft 1.0.6 sends them: meta l4proto => reg 1, counter with empty data, masq without flags 0", () => {
    const [meta, counter, masq] = nftables.encodeExpressions([{ kind: "meta", key: C.NFT_META_L4PROTO, register: 1 }, { kind: "counter" }, { kind: "masquerade", flags: 0 }]).map(netlinkCodec.encodeAttribute);
    // NFTA_LIST_ELEM (nested) { NFTA_EXPR_NAME "meta", NFTA_EXPR_DATA (nested) { NFTA_META_KEY 16, NFTA_META_DREG 1 } }
    assert.equal(meta?.toString("hex"), ["24000180", "09000100", "6d65746100000000", "14000280", "08000200", "00000010", "08000100", "00000001"].join(""));
    assert.equal(counter?.toString("hex"), ["14000180", "0c000100", "636f756e74657200", "04000280"].join(""));
    assert.equal(masq?.toString("hex"), ["14000180", "09000100", "6d61737100000000", "04000280"].join(""));
  });

  test("decoding is strict: a meta set statement, a payload write or a bitwise shift is 'other', never ours", () => {
    const elements = (name: string, data: netlinkCodec.AttributeInput[]) =>
      netlinkCodec.encodeAttributes([netlinkCodec.attribute.nested(C.NFTA_LIST_ELEM, [netlinkCodec.attribute.string(C.NFTA_EXPR_NAME, name), netlinkCodec.attribute.nested(C.NFTA_EXPR_DATA, data)])]);
    const metaSet = elements("meta", [nftables.be32(C.NFTA_META_KEY, 3), nftables.be32(3, 1)]);
    const shift = elements("bitwise", [nftables.be32(1, 1), nftables.be32(2, 1), nftables.be32(3, 4), nftables.be32(6, 1)]);
    const unknown = elements("log", []);
    for (const [what, payload] of [["meta set", metaSet], ["bitwise lshift", shift], ["log", unknown]] as const) {
      const [decoded] = nftables.decodeExpressions(payload);
      assert.equal(decoded?.kind, "other", what);
    }
    assert.throws(() => nftables.encodeExpressions([{ kind: "other", name: "log", data: Buffer.alloc(0) }]), /cannot write/);
  });

  test("a description names every field, so two expressions compare by it", () => {
    assert.deepEqual(every.map(nftables.describeExpression), [
      "meta load 7 => reg 1",
      "payload load 4b @ base 1 + 12 => reg 1",
      "cmp neq reg 1 0x010203",
      "bitwise reg 1 = (reg 1 & 0xff80) ^ 0x0000",
      "ct load 0 => reg 1",
      "immediate reg 2 0xffff",
      "accept",
      "jump guest_input",
      "counter",
      "masq flags 0x0",
      "masq proto_min reg 1 proto_max reg 2 flags 0x2",
    ]);
  });
});

describe("statements", () => {
  const v4 = (hex: string, length: number): nftables.Prefix => ({ version: 4, network: Buffer.from(hex, "hex"), length });

  test("a prefix of whole bytes loads just those bytes; any other loads the address and masks it; /0 is the version alone", () => {
    const described = (expressions: nftables.Expression[]) => expressions.map(nftables.describeExpression);
    assert.deepEqual(described(nftables.matchPrefix("source", v4("0a000000", 24))), ["meta load 15 => reg 1", "cmp eq reg 1 0x02", "payload load 3b @ base 1 + 12 => reg 1", "cmp eq reg 1 0x0a0000"]);
    assert.deepEqual(described(nftables.matchPrefix("destination", v4("0a000080", 25))).slice(2), [
      "payload load 4b @ base 1 + 16 => reg 1",
      "bitwise reg 1 = (reg 1 & 0xffffff80) ^ 0x00000000",
      "cmp eq reg 1 0x0a000080",
    ]);
    assert.deepEqual(described(nftables.matchPrefix("destination", { version: 6, network: Buffer.alloc(16), length: 0 })), ["meta load 15 => reg 1", "cmp eq reg 1 0x0a"]);
    const v6 = nftables.matchPrefix("destination", { version: 6, network: Buffer.from("fd000001000000000000000000000000", "hex"), length: 60 });
    assert.equal(nftables.describeExpression(v6[2] ?? { kind: "counter" }), "payload load 16b @ base 1 + 24 => reg 1");
    assert.throws(() => nftables.matchPrefix("source", v4("0a000001", 24)), /host bits/);
    assert.throws(() => nftables.matchPrefix("source", v4("0a000000", 33)), /length of 0 to 32/);
  });

  test("an interface name is NUL-padded to 16 bytes; 16 bytes or more is refused", () => {
    const [, compare] = nftables.matchInterface("output", "lab0", false);
    assert.equal(nftables.describeExpression(compare ?? { kind: "counter" }), `cmp neq reg 1 0x6c616230${"00".repeat(12)}`);
    assert.throws(() => nftables.matchInterface("input", "x".repeat(16), true), /1 to 15 bytes/);
  });

  test("ct state established,related is a host-order bit test; a port range travels in two registers", () => {
    const ct = nftables.matchConntrackState(C.NF_CT_STATE_ESTABLISHED_BIT | C.NF_CT_STATE_RELATED_BIT).map(nftables.describeExpression);
    assert.deepEqual(ct, ["ct load 0 => reg 1", "bitwise reg 1 = (reg 1 & 0x06000000) ^ 0x00000000", "cmp neq reg 1 0x00000000"]);
    assert.deepEqual(nftables.masquerade({ min: 1024, max: 65535 }).map(nftables.describeExpression), ["immediate reg 1 0x0400", "immediate reg 2 0xffff", "masq proto_min reg 1 proto_max reg 2 flags 0x2"]);
  });
});
