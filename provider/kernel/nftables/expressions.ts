// nf_tables rule expressions: the few this provider writes, encoded as the kernel reads them and decoded from
// what it dumps back. Pure.
//
// A rule is a list of expressions run in order on registers (net/netfilter/nf_tables_core.c): loads (meta,
// payload, ct, immediate) fill a register, cmp and bitwise test or transform it, a verdict or masq acts. Every
// number inside an expression's attributes is big-endian (the kernel's nla_get_be32); the data a cmp compares
// is in the byte order of what was loaded (addresses and ports: network order; meta and ct keys: host order).
//
// Decoding is strict: an expression whose attributes are not exactly those written here (a meta *set*
// statement, a payload write with checksum fix-up, a bitwise shift) decodes as "other", so a rule changed by
// hand can never compare equal to one of ours by accident.
import { attribute, type AttributeInput, type Attribute, NetlinkFormatError, parseAttributes, readString } from "../netlink/codec";
import {
  NFT_BITWISE_MASK_XOR,
  NFT_CMP_EQ,
  NFT_CMP_GT,
  NFT_CMP_GTE,
  NFT_CMP_LT,
  NFT_CMP_LTE,
  NFT_CMP_NEQ,
  NFT_REG_VERDICT,
  NF_ACCEPT,
  NF_DROP,
  NFT_BREAK,
  NFT_CONTINUE,
  NFT_GOTO,
  NFT_JUMP,
  NFT_RETURN,
  NFTA_BITWISE_DREG,
  NFTA_BITWISE_LEN,
  NFTA_BITWISE_MASK,
  NFTA_BITWISE_OP,
  NFTA_BITWISE_SREG,
  NFTA_BITWISE_XOR,
  NFTA_CMP_DATA,
  NFTA_CMP_OP,
  NFTA_CMP_SREG,
  NFTA_CT_DREG,
  NFTA_CT_KEY,
  NFTA_DATA_VALUE,
  NFTA_DATA_VERDICT,
  NFTA_EXPR_DATA,
  NFTA_EXPR_NAME,
  NFTA_IMMEDIATE_DATA,
  NFTA_IMMEDIATE_DREG,
  NFTA_LIST_ELEM,
  NFTA_MASQ_FLAGS,
  NFTA_MASQ_REG_PROTO_MAX,
  NFTA_MASQ_REG_PROTO_MIN,
  NFTA_META_DREG,
  NFTA_META_KEY,
  NFTA_PAYLOAD_BASE,
  NFTA_PAYLOAD_DREG,
  NFTA_PAYLOAD_LEN,
  NFTA_PAYLOAD_OFFSET,
  NFTA_VERDICT_CHAIN,
  NFTA_VERDICT_CODE,
} from "./constants";

export type Expression =
  /** meta load KEY => reg */
  | { kind: "meta"; key: number; register: number }
  /** payload load LENGTH bytes @ BASE header + OFFSET => reg */
  | { kind: "payload"; base: number; offset: number; length: number; register: number }
  /** cmp OP reg DATA */
  | { kind: "cmp"; op: number; register: number; data: Buffer }
  /** bitwise destination = (source & mask) ^ xor, over mask.length bytes */
  | { kind: "bitwise"; source: number; destination: number; mask: Buffer; xor: Buffer }
  /** ct load KEY => reg */
  | { kind: "ct"; key: number; register: number }
  /** immediate reg DATA */
  | { kind: "immediate"; register: number; data: Buffer }
  /** immediate into the verdict register: accept, drop, return, jump CHAIN… */
  | { kind: "verdict"; code: number; chain?: string }
  /** counter (the kernel's packet and byte counts are not part of what a rule says) */
  | { kind: "counter" }
  /** masq [proto_min reg proto_max reg] flags */
  | { kind: "masquerade"; flags: number; protoMinRegister?: number; protoMaxRegister?: number }
  /** Anything else, kept as the kernel sent it. */
  | { kind: "other"; name: string; data: Buffer };

// ------------------------------------------------------------------------------------------- scalars

export function be32(type: number, value: number): AttributeInput {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(value >>> 0);
  return { type, value: payload };
}

export function be64(type: number, value: bigint): AttributeInput {
  const payload = Buffer.alloc(8);
  payload.writeBigUInt64BE(value);
  return { type, value: payload };
}

export function readBe32(payload: Buffer, what: string): number {
  if (payload.length !== 4) throw new NetlinkFormatError(`${what} needs 4 bytes, got ${payload.length}`);
  return payload.readUInt32BE(0);
}

export function readBe64(payload: Buffer, what: string): bigint {
  if (payload.length !== 8) throw new NetlinkFormatError(`${what} needs 8 bytes, got ${payload.length}`);
  return payload.readBigUInt64BE(0);
}

/** A verdict code is a signed 32-bit value (NFT_JUMP and friends are negative). */
function readSignedBe32(payload: Buffer, what: string): number {
  return readBe32(payload, what) | 0;
}

// ------------------------------------------------------------------------------------------- encoding

/** struct nft_data as an attribute: NFTA_DATA_VALUE holding raw bytes. */
function dataValue(type: number, data: Buffer): AttributeInput {
  return attribute.nested(type, [{ type: NFTA_DATA_VALUE, value: data }]);
}

function expressionAttributes(expression: Expression): { name: string; data: AttributeInput[] } {
  switch (expression.kind) {
    case "meta":
      return { name: "meta", data: [be32(NFTA_META_KEY, expression.key), be32(NFTA_META_DREG, expression.register)] };
    case "payload":
      return {
        name: "payload",
        data: [
          be32(NFTA_PAYLOAD_DREG, expression.register),
          be32(NFTA_PAYLOAD_BASE, expression.base),
          be32(NFTA_PAYLOAD_OFFSET, expression.offset),
          be32(NFTA_PAYLOAD_LEN, expression.length),
        ],
      };
    case "cmp":
      return { name: "cmp", data: [be32(NFTA_CMP_SREG, expression.register), be32(NFTA_CMP_OP, expression.op), dataValue(NFTA_CMP_DATA, expression.data)] };
    case "bitwise":
      if (expression.mask.length !== expression.xor.length) throw new RangeError("bitwise: mask and xor must be as long as each other");
      return {
        name: "bitwise",
        data: [
          be32(NFTA_BITWISE_SREG, expression.source),
          be32(NFTA_BITWISE_DREG, expression.destination),
          be32(NFTA_BITWISE_LEN, expression.mask.length),
          dataValue(NFTA_BITWISE_MASK, expression.mask),
          dataValue(NFTA_BITWISE_XOR, expression.xor),
        ],
      };
    case "ct":
      return { name: "ct", data: [be32(NFTA_CT_KEY, expression.key), be32(NFTA_CT_DREG, expression.register)] };
    case "immediate":
      return { name: "immediate", data: [be32(NFTA_IMMEDIATE_DREG, expression.register), dataValue(NFTA_IMMEDIATE_DATA, expression.data)] };
    case "verdict": {
      const verdict: AttributeInput[] = [be32(NFTA_VERDICT_CODE, expression.code)];
      if (expression.chain !== undefined) verdict.push(attribute.string(NFTA_VERDICT_CHAIN, expression.chain));
      return {
        name: "immediate",
        data: [be32(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT), attribute.nested(NFTA_IMMEDIATE_DATA, [attribute.nested(NFTA_DATA_VERDICT, verdict)])],
      };
    }
    case "counter":
      return { name: "counter", data: [] };
    case "masquerade": {
      // The kernel leaves flags 0 out of its dumps (nft_masq_dump), and so does this.
      const data = expression.flags === 0 ? [] : [be32(NFTA_MASQ_FLAGS, expression.flags)];
      if (expression.protoMinRegister !== undefined) data.push(be32(NFTA_MASQ_REG_PROTO_MIN, expression.protoMinRegister));
      if (expression.protoMaxRegister !== undefined) data.push(be32(NFTA_MASQ_REG_PROTO_MAX, expression.protoMaxRegister));
      return { name: "masq", data };
    }
    case "other":
      throw new RangeError(`cannot write an expression of type "${expression.name}" read from the kernel`);
  }
}

/** NFTA_RULE_EXPRESSIONS' elements: NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA { … } }. */
export function encodeExpressions(expressions: readonly Expression[]): AttributeInput[] {
  return expressions.map((expression) => {
    const { name, data } = expressionAttributes(expression);
    return attribute.nested(NFTA_LIST_ELEM, [attribute.string(NFTA_EXPR_NAME, name), attribute.nested(NFTA_EXPR_DATA, data)]);
  });
}

// ------------------------------------------------------------------------------------------- decoding

/** Attributes by type, or undefined when any type repeats or falls outside `allowed`. */
function exactly(attributes: readonly Attribute[], allowed: readonly number[]): Map<number, Buffer> | undefined {
  const map = new Map<number, Buffer>();
  for (const { type, payload } of attributes) {
    if (!allowed.includes(type) || map.has(type)) return undefined;
    map.set(type, payload);
  }
  return map;
}

/** The raw bytes of a nested NFTA_DATA_VALUE, or undefined when the data is something else (a verdict). */
function readDataValue(payload: Buffer | undefined): Buffer | undefined {
  if (payload === undefined) return undefined;
  const inner = exactly(parseAttributes(payload), [NFTA_DATA_VALUE]);
  const value = inner?.get(NFTA_DATA_VALUE);
  return value === undefined ? undefined : Buffer.from(value);
}

function required(map: Map<number, Buffer>, type: number, what: string): number {
  const payload = map.get(type);
  if (payload === undefined) throw new NetlinkFormatError(`${what} without attribute ${type}`);
  return readBe32(payload, what);
}

function decodeVerdict(payload: Buffer): Expression | undefined {
  const data = exactly(parseAttributes(payload), [NFTA_DATA_VERDICT]);
  const verdictPayload = data?.get(NFTA_DATA_VERDICT);
  if (verdictPayload === undefined) return undefined;
  const verdict = exactly(parseAttributes(verdictPayload), [NFTA_VERDICT_CODE, NFTA_VERDICT_CHAIN]);
  const code = verdict?.get(NFTA_VERDICT_CODE);
  if (verdict === undefined || code === undefined) return undefined;
  const chain = verdict.get(NFTA_VERDICT_CHAIN);
  return { kind: "verdict", code: readSignedBe32(code, "verdict code"), ...(chain === undefined ? {} : { chain: readString(chain) }) };
}

function decodeKnown(name: string, attributes: readonly Attribute[]): Expression | undefined {
  switch (name) {
    case "meta": {
      const map = exactly(attributes, [NFTA_META_KEY, NFTA_META_DREG]);
      if (map?.size !== 2) return undefined;
      return { kind: "meta", key: required(map, NFTA_META_KEY, "meta"), register: required(map, NFTA_META_DREG, "meta") };
    }
    case "payload": {
      const map = exactly(attributes, [NFTA_PAYLOAD_DREG, NFTA_PAYLOAD_BASE, NFTA_PAYLOAD_OFFSET, NFTA_PAYLOAD_LEN]);
      if (map?.size !== 4) return undefined;
      return {
        kind: "payload",
        register: required(map, NFTA_PAYLOAD_DREG, "payload"),
        base: required(map, NFTA_PAYLOAD_BASE, "payload"),
        offset: required(map, NFTA_PAYLOAD_OFFSET, "payload"),
        length: required(map, NFTA_PAYLOAD_LEN, "payload"),
      };
    }
    case "cmp": {
      const map = exactly(attributes, [NFTA_CMP_SREG, NFTA_CMP_OP, NFTA_CMP_DATA]);
      const data = readDataValue(map?.get(NFTA_CMP_DATA));
      if (map?.size !== 3 || data === undefined) return undefined;
      return { kind: "cmp", register: required(map, NFTA_CMP_SREG, "cmp"), op: required(map, NFTA_CMP_OP, "cmp"), data };
    }
    case "bitwise": {
      // The kernel reports the operation (NFTA_BITWISE_OP) since it learnt shifts; mask-and-xor is 0.
      const map = exactly(attributes, [NFTA_BITWISE_SREG, NFTA_BITWISE_DREG, NFTA_BITWISE_LEN, NFTA_BITWISE_MASK, NFTA_BITWISE_XOR, NFTA_BITWISE_OP]);
      const op = map?.get(NFTA_BITWISE_OP);
      if (map === undefined || (op !== undefined && readBe32(op, "bitwise op") !== NFT_BITWISE_MASK_XOR)) return undefined;
      const mask = readDataValue(map.get(NFTA_BITWISE_MASK));
      const xor = readDataValue(map.get(NFTA_BITWISE_XOR));
      if (mask === undefined || xor === undefined || required(map, NFTA_BITWISE_LEN, "bitwise") !== mask.length) return undefined;
      return { kind: "bitwise", source: required(map, NFTA_BITWISE_SREG, "bitwise"), destination: required(map, NFTA_BITWISE_DREG, "bitwise"), mask, xor };
    }
    case "ct": {
      const map = exactly(attributes, [NFTA_CT_KEY, NFTA_CT_DREG]);
      if (map?.size !== 2) return undefined;
      return { kind: "ct", key: required(map, NFTA_CT_KEY, "ct"), register: required(map, NFTA_CT_DREG, "ct") };
    }
    case "immediate": {
      const map = exactly(attributes, [NFTA_IMMEDIATE_DREG, NFTA_IMMEDIATE_DATA]);
      const data = map?.get(NFTA_IMMEDIATE_DATA);
      if (map?.size !== 2 || data === undefined) return undefined;
      const register = required(map, NFTA_IMMEDIATE_DREG, "immediate");
      if (register === NFT_REG_VERDICT) return decodeVerdict(data);
      const value = readDataValue(data);
      return value === undefined ? undefined : { kind: "immediate", register, data: value };
    }
    case "counter":
      // The counts (NFTA_COUNTER_BYTES, NFTA_COUNTER_PACKETS) change with traffic: not part of the rule.
      return { kind: "counter" };
    case "masq": {
      const map = exactly(attributes, [NFTA_MASQ_FLAGS, NFTA_MASQ_REG_PROTO_MIN, NFTA_MASQ_REG_PROTO_MAX]);
      if (map === undefined) return undefined;
      const min = map.get(NFTA_MASQ_REG_PROTO_MIN);
      const max = map.get(NFTA_MASQ_REG_PROTO_MAX);
      const flags = map.get(NFTA_MASQ_FLAGS);
      return {
        kind: "masquerade",
        flags: flags === undefined ? 0 : readBe32(flags, "masq flags"),
        ...(min === undefined ? {} : { protoMinRegister: readBe32(min, "masq proto_min") }),
        ...(max === undefined ? {} : { protoMaxRegister: readBe32(max, "masq proto_max") }),
      };
    }
    default:
      return undefined;
  }
}

/** Decodes the payload of NFTA_RULE_EXPRESSIONS. */
export function decodeExpressions(payload: Buffer): Expression[] {
  return parseAttributes(payload).map((element) => {
    if (element.type !== NFTA_LIST_ELEM) throw new NetlinkFormatError(`rule expression list holds attribute ${element.type}`);
    const fields = new Map(parseAttributes(element.payload).map((field) => [field.type, field.payload]));
    const name = fields.get(NFTA_EXPR_NAME);
    if (name === undefined) throw new NetlinkFormatError("rule expression without a name");
    const data = fields.get(NFTA_EXPR_DATA) ?? Buffer.alloc(0);
    const expressionName = readString(name);
    return decodeKnown(expressionName, parseAttributes(data)) ?? { kind: "other", name: expressionName, data: Buffer.from(data) };
  });
}

// ------------------------------------------------------------------------------------------- text

const CMP_OPERATORS: Record<number, string> = { [NFT_CMP_EQ]: "eq", [NFT_CMP_NEQ]: "neq", [NFT_CMP_LT]: "lt", [NFT_CMP_LTE]: "lte", [NFT_CMP_GT]: "gt", [NFT_CMP_GTE]: "gte" };
const VERDICTS: Record<number, string> = { [NF_ACCEPT]: "accept", [NF_DROP]: "drop", [NFT_CONTINUE]: "continue", [NFT_BREAK]: "break", [NFT_JUMP]: "jump", [NFT_GOTO]: "goto", [NFT_RETURN]: "return" };

function hex(data: Buffer): string {
  return data.toString("hex");
}

/**
 * One expression as text, every field included, in the spirit of `nft --debug=netlink` ("[ meta load oifname
 * => reg 1 ]"): what drift messages show, and what two expressions are compared by.
 */
export function describeExpression(expression: Expression): string {
  switch (expression.kind) {
    case "meta":
      return `meta load ${expression.key} => reg ${expression.register}`;
    case "payload":
      return `payload load ${expression.length}b @ base ${expression.base} + ${expression.offset} => reg ${expression.register}`;
    case "cmp":
      return `cmp ${CMP_OPERATORS[expression.op] ?? `op ${expression.op}`} reg ${expression.register} 0x${hex(expression.data)}`;
    case "bitwise":
      return `bitwise reg ${expression.destination} = (reg ${expression.source} & 0x${hex(expression.mask)}) ^ 0x${hex(expression.xor)}`;
    case "ct":
      return `ct load ${expression.key} => reg ${expression.register}`;
    case "immediate":
      return `immediate reg ${expression.register} 0x${hex(expression.data)}`;
    case "verdict":
      return `${VERDICTS[expression.code] ?? `verdict ${expression.code}`}${expression.chain === undefined ? "" : ` ${expression.chain}`}`;
    case "counter":
      return "counter";
    case "masquerade":
      return `masq${expression.protoMinRegister === undefined ? "" : ` proto_min reg ${expression.protoMinRegister}`}${expression.protoMaxRegister === undefined ? "" : ` proto_max reg ${expression.protoMaxRegister}`} flags 0x${expression.flags.toString(16)}`;
    case "other":
      return `${expression.name} 0x${hex(expression.data)}`;
  }
}
