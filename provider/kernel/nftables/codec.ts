// nf_tables messages: tables, chains and rules as the kernel reads them (NFT_MSG_NEW*, NFT_MSG_DEL*) and as it
// dumps them back, and the batch that carries changes as one transaction. Pure.
//
// Every nf_tables message starts with struct nfgenmsg (linux/netfilter/nfnetlink.h: family, version, res_id)
// followed by attributes whose numbers are big-endian. The comments nft writes on tables, chains and rules
// live in their user data as libnftnl's TLVs; this codec writes and reads the same, so `nft list ruleset`
// shows our comments and we read the admin's.
import { attribute, type AttributeInput, attributeMap, encodeAttributes, NetlinkFormatError, readString } from "../netlink/codec";
import {
  NFNETLINK_V0,
  NFNL_BATCH_GENID,
  NFNL_SUBSYS_NFTABLES,
  NFPROTO_ARP,
  NFPROTO_BRIDGE,
  NFPROTO_INET,
  NFPROTO_IPV4,
  NFPROTO_IPV6,
  NFPROTO_NETDEV,
  NFPROTO_UNSPEC,
  NFT_NAME_MAXLEN,
  NFT_USERDATA_MAXLEN,
  NFTA_CHAIN_HANDLE,
  NFTA_CHAIN_HOOK,
  NFTA_CHAIN_NAME,
  NFTA_CHAIN_POLICY,
  NFTA_CHAIN_TABLE,
  NFTA_CHAIN_TYPE,
  NFTA_CHAIN_USERDATA,
  NFTA_GEN_ID,
  NFTA_HOOK_HOOKNUM,
  NFTA_HOOK_PRIORITY,
  NFTA_RULE_CHAIN,
  NFTA_RULE_EXPRESSIONS,
  NFTA_RULE_HANDLE,
  NFTA_RULE_TABLE,
  NFTA_RULE_USERDATA,
  NFTA_TABLE_FLAGS,
  NFTA_TABLE_HANDLE,
  NFTA_TABLE_NAME,
  NFTA_TABLE_USE,
  NFTA_TABLE_USERDATA,
  NFTNL_UDATA_COMMENT,
} from "./constants";
import { be32, be64, decodeExpressions, encodeExpressions, type Expression, readBe32, readBe64 } from "./expressions";

export const NFGENMSG_LENGTH = 4;

export type TableFamily = "ip" | "ip6" | "inet" | "arp" | "bridge" | "netdev";

const FAMILY_NUMBERS: Record<TableFamily, number> = {
  ip: NFPROTO_IPV4,
  ip6: NFPROTO_IPV6,
  inet: NFPROTO_INET,
  arp: NFPROTO_ARP,
  bridge: NFPROTO_BRIDGE,
  netdev: NFPROTO_NETDEV,
};

export function familyNumber(family: TableFamily): number {
  return FAMILY_NUMBERS[family];
}

export function familyName(number: number): TableFamily {
  const entry = Object.entries(FAMILY_NUMBERS).find(([, value]) => value === number);
  if (entry === undefined) throw new NetlinkFormatError(`nf_tables family ${number} is none nft knows`);
  return entry[0] as TableFamily;
}

/** struct nfgenmsg: the family, NFNETLINK_V0, and a resource id (big-endian; the subsystem, in a batch's begin). */
export function encodeNfgenmsg(family: number, resourceId = 0): Buffer {
  const header = Buffer.alloc(NFGENMSG_LENGTH);
  header.writeUInt8(family, 0);
  header.writeUInt8(NFNETLINK_V0, 1);
  header.writeUInt16BE(resourceId, 2);
  return header;
}

/** The family of an nf_tables message, and its attributes. */
function split(payload: Buffer, what: string): { family: number; attributes: Map<number, Buffer> } {
  if (payload.length < NFGENMSG_LENGTH) throw new NetlinkFormatError(`${what} of ${payload.length} bytes has no nfgenmsg`);
  return { family: payload.readUInt8(0), attributes: attributeMap(payload.subarray(NFGENMSG_LENGTH)) };
}

function message(family: number, attributes: readonly AttributeInput[]): Buffer {
  return Buffer.concat([encodeNfgenmsg(family), encodeAttributes(attributes)]);
}

function name(type: number, value: string, what: string): AttributeInput {
  if (value.length === 0 || value.includes("\0") || Buffer.byteLength(value) >= NFT_NAME_MAXLEN) {
    throw new RangeError(`${what} ${JSON.stringify(value)}: a name is 1 to ${NFT_NAME_MAXLEN - 1} bytes without NUL`);
  }
  return attribute.string(type, value);
}

function requiredAttribute(attributes: Map<number, Buffer>, type: number, what: string): Buffer {
  const value = attributes.get(type);
  if (value === undefined) throw new NetlinkFormatError(`${what} without attribute ${type}`);
  return value;
}

// ------------------------------------------------------------------------------------------- user data

/** libnftnl's user data holding one comment: type, length (NUL included), the NUL-terminated text. */
export function encodeComment(comment: string): Buffer {
  const text = Buffer.from(`${comment}\0`, "utf8");
  if (comment.includes("\0") || text.length > 129 || text.length + 2 > NFT_USERDATA_MAXLEN) {
    throw new RangeError(`comment ${JSON.stringify(comment)}: at most 128 bytes without NUL (nft refuses longer comments when a listed ruleset is loaded again)`);
  }
  return Buffer.concat([Buffer.from([NFTNL_UDATA_COMMENT, text.length]), text]);
}

/** The comment in user data written by nft (or by us), or undefined when there is none or it is malformed. */
export function decodeComment(userData: Buffer | undefined): string | undefined {
  let offset = 0;
  while (userData !== undefined && offset + 2 <= userData.length) {
    const type = userData.readUInt8(offset);
    const length = userData.readUInt8(offset + 1);
    const value = userData.subarray(offset + 2, offset + 2 + length);
    if (value.length < length) return undefined;
    if (type === NFTNL_UDATA_COMMENT) return readString(value);
    offset += 2 + length;
  }
  return undefined;
}

function commentAttribute(type: number, comment: string | undefined): AttributeInput[] {
  return comment === undefined ? [] : [{ type, value: encodeComment(comment) }];
}

// ------------------------------------------------------------------------------------------- tables

export interface TableRecord {
  family: TableFamily;
  name: string;
  handle: bigint;
  /** NFT_TABLE_F_*: dormant (rules inactive), owner (held by one netlink socket)… */
  flags: number;
  /** How many chains (and sets, objects) it holds. */
  use: number;
  comment?: string;
}

export function newTablePayload(family: TableFamily, table: string, comment: string | undefined): Buffer {
  return message(familyNumber(family), [name(NFTA_TABLE_NAME, table, "table"), be32(NFTA_TABLE_FLAGS, 0), ...commentAttribute(NFTA_TABLE_USERDATA, comment)]);
}

/** Names one table: by handle when given (a table re-made under the same name has a new one), else by name. */
export function tableKeyPayload(family: TableFamily, table: { name: string; handle?: bigint }): Buffer {
  return message(familyNumber(family), [table.handle === undefined ? name(NFTA_TABLE_NAME, table.name, "table") : be64(NFTA_TABLE_HANDLE, table.handle)]);
}

export function decodeTable(payload: Buffer): TableRecord {
  const { family, attributes } = split(payload, "NFT_MSG_NEWTABLE");
  const flags = attributes.get(NFTA_TABLE_FLAGS);
  const use = attributes.get(NFTA_TABLE_USE);
  const comment = decodeComment(attributes.get(NFTA_TABLE_USERDATA));
  return {
    family: familyName(family),
    name: readString(requiredAttribute(attributes, NFTA_TABLE_NAME, "table")),
    handle: readBe64(requiredAttribute(attributes, NFTA_TABLE_HANDLE, "table"), "table handle"),
    flags: flags === undefined ? 0 : readBe32(flags, "table flags"),
    use: use === undefined ? 0 : readBe32(use, "table use"),
    ...(comment === undefined ? {} : { comment }),
  };
}

// ------------------------------------------------------------------------------------------- chains

/** What makes a chain a base chain: attached to a hook, where packets enter it. */
export interface BaseChain {
  /** "filter", "nat" or "route". */
  type: string;
  /** NF_INET_* for the ip, ip6 and inet families. */
  hook: number;
  /** Lower runs first; NF_IP_PRI_FILTER is 0, NF_IP_PRI_NAT_SRC (srcnat) 100. */
  priority: number;
  /** NF_ACCEPT or NF_DROP: the verdict for packets no rule decided. */
  policy: number;
}

export interface ChainSpec {
  name: string;
  base?: BaseChain;
  comment?: string;
  rules: RuleSpec[];
}

export interface ChainRecord {
  family: TableFamily;
  table: string;
  name: string;
  handle: bigint;
  base?: BaseChain;
  comment?: string;
}

export function newChainPayload(family: TableFamily, table: string, chain: ChainSpec): Buffer {
  const attributes: AttributeInput[] = [name(NFTA_CHAIN_TABLE, table, "table"), name(NFTA_CHAIN_NAME, chain.name, "chain")];
  if (chain.base !== undefined) {
    const priority = Buffer.alloc(4);
    priority.writeInt32BE(chain.base.priority);
    attributes.push(
      attribute.string(NFTA_CHAIN_TYPE, chain.base.type),
      be32(NFTA_CHAIN_POLICY, chain.base.policy),
      attribute.nested(NFTA_CHAIN_HOOK, [be32(NFTA_HOOK_HOOKNUM, chain.base.hook), { type: NFTA_HOOK_PRIORITY, value: priority }]),
    );
  }
  attributes.push(...commentAttribute(NFTA_CHAIN_USERDATA, chain.comment));
  return message(familyNumber(family), attributes);
}

export function decodeChain(payload: Buffer): ChainRecord {
  const { family, attributes } = split(payload, "NFT_MSG_NEWCHAIN");
  const hook = attributes.get(NFTA_CHAIN_HOOK);
  const comment = decodeComment(attributes.get(NFTA_CHAIN_USERDATA));
  const record: ChainRecord = {
    family: familyName(family),
    table: readString(requiredAttribute(attributes, NFTA_CHAIN_TABLE, "chain")),
    name: readString(requiredAttribute(attributes, NFTA_CHAIN_NAME, "chain")),
    handle: readBe64(requiredAttribute(attributes, NFTA_CHAIN_HANDLE, "chain"), "chain handle"),
    ...(comment === undefined ? {} : { comment }),
  };
  if (hook !== undefined) {
    const hookAttributes = attributeMap(hook);
    const policy = attributes.get(NFTA_CHAIN_POLICY);
    const type = attributes.get(NFTA_CHAIN_TYPE);
    record.base = {
      type: type === undefined ? "filter" : readString(type),
      hook: readBe32(requiredAttribute(hookAttributes, NFTA_HOOK_HOOKNUM, "chain hook"), "hook number"),
      priority: readBe32(requiredAttribute(hookAttributes, NFTA_HOOK_PRIORITY, "chain hook"), "hook priority") | 0,
      policy: policy === undefined ? 1 : readBe32(policy, "chain policy"),
    };
  }
  return record;
}

// ------------------------------------------------------------------------------------------- rules

export interface RuleSpec {
  expressions: Expression[];
  comment?: string;
}

export interface RuleRecord extends RuleSpec {
  family: TableFamily;
  table: string;
  chain: string;
  handle: bigint;
}

export function newRulePayload(family: TableFamily, table: string, chain: string, rule: RuleSpec): Buffer {
  return message(familyNumber(family), [
    name(NFTA_RULE_TABLE, table, "table"),
    name(NFTA_RULE_CHAIN, chain, "chain"),
    attribute.nested(NFTA_RULE_EXPRESSIONS, encodeExpressions(rule.expressions)),
    ...commentAttribute(NFTA_RULE_USERDATA, rule.comment),
  ]);
}

/** A dump of the rules of one table (the kernel filters on NFTA_RULE_TABLE). */
export function dumpRulesPayload(family: TableFamily, table: string): Buffer {
  return message(familyNumber(family), [name(NFTA_RULE_TABLE, table, "table")]);
}

export function decodeRule(payload: Buffer): RuleRecord {
  const { family, attributes } = split(payload, "NFT_MSG_NEWRULE");
  const comment = decodeComment(attributes.get(NFTA_RULE_USERDATA));
  const expressions = attributes.get(NFTA_RULE_EXPRESSIONS);
  return {
    family: familyName(family),
    table: readString(requiredAttribute(attributes, NFTA_RULE_TABLE, "rule")),
    chain: readString(requiredAttribute(attributes, NFTA_RULE_CHAIN, "rule")),
    handle: readBe64(requiredAttribute(attributes, NFTA_RULE_HANDLE, "rule"), "rule handle"),
    expressions: expressions === undefined ? [] : decodeExpressions(expressions),
    ...(comment === undefined ? {} : { comment }),
  };
}

// ------------------------------------------------------------------------------------------- batches

/** NFNL_MSG_BATCH_BEGIN's payload: for nf_tables, and when given, only against this ruleset generation. */
export function batchBeginPayload(generation: number | undefined): Buffer {
  return Buffer.concat([encodeNfgenmsg(NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES), encodeAttributes(generation === undefined ? [] : [be32(NFNL_BATCH_GENID, generation)])]);
}

export function batchEndPayload(): Buffer {
  return encodeNfgenmsg(NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES);
}

/** NFT_MSG_NEWGEN: the ruleset's generation, which every committed change advances. */
export function decodeGeneration(payload: Buffer): number {
  return readBe32(requiredAttribute(split(payload, "NFT_MSG_NEWGEN").attributes, NFTA_GEN_ID, "generation"), "generation id");
}

export function generationRequestPayload(): Buffer {
  return encodeNfgenmsg(NFPROTO_UNSPEC);
}
