// nf_tables numbers, named and ordered as in the kernel's uapi headers: linux/netlink.h (NETLINK_NETFILTER),
// linux/netfilter/nfnetlink.h, linux/netfilter/nf_tables.h, linux/netfilter.h, linux/netfilter/nf_nat.h,
// linux/netfilter/nf_conntrack_common.h.

export const NETLINK_NETFILTER = 12;

// ---------------------------------------------------------------------------------------------- nfnetlink

export const NFNETLINK_V0 = 0;
export const NFNL_SUBSYS_NFTABLES = 10;
/** Control messages around a batch: NLMSG_MIN_TYPE and the one after it. */
export const NFNL_MSG_BATCH_BEGIN = 0x10;
export const NFNL_MSG_BATCH_END = 0x11;
/** In NFNL_MSG_BATCH_BEGIN: the ruleset generation the batch was computed against (NLA_U32, big-endian). */
export const NFNL_BATCH_GENID = 1;

// ---------------------------------------------------------------------------------------------- messages

export const NFT_MSG_NEWTABLE = 0;
export const NFT_MSG_GETTABLE = 1;
export const NFT_MSG_DELTABLE = 2;
export const NFT_MSG_NEWCHAIN = 3;
export const NFT_MSG_GETCHAIN = 4;
export const NFT_MSG_NEWRULE = 6;
export const NFT_MSG_GETRULE = 7;
export const NFT_MSG_NEWGEN = 15;
export const NFT_MSG_GETGEN = 16;

/** nlmsg_type of an nf_tables message: the subsystem in the high byte. */
export function nftablesMessageType(message: number): number {
  return (NFNL_SUBSYS_NFTABLES << 8) | message;
}

// ---------------------------------------------------------------------------------------------- attributes

export const NFTA_TABLE_NAME = 1;
export const NFTA_TABLE_FLAGS = 2;
export const NFTA_TABLE_USE = 3;
export const NFTA_TABLE_HANDLE = 4;
export const NFTA_TABLE_USERDATA = 6;

export const NFT_TABLE_F_DORMANT = 0x1;

export const NFTA_CHAIN_TABLE = 1;
export const NFTA_CHAIN_HANDLE = 2;
export const NFTA_CHAIN_NAME = 3;
export const NFTA_CHAIN_HOOK = 4;
export const NFTA_CHAIN_POLICY = 5;
export const NFTA_CHAIN_TYPE = 7;
export const NFTA_CHAIN_USERDATA = 12;

export const NFTA_HOOK_HOOKNUM = 1;
export const NFTA_HOOK_PRIORITY = 2;

export const NFTA_RULE_TABLE = 1;
export const NFTA_RULE_CHAIN = 2;
export const NFTA_RULE_HANDLE = 3;
export const NFTA_RULE_EXPRESSIONS = 4;
export const NFTA_RULE_USERDATA = 7;

export const NFTA_LIST_ELEM = 1;
export const NFTA_EXPR_NAME = 1;
export const NFTA_EXPR_DATA = 2;

export const NFTA_DATA_VALUE = 1;
export const NFTA_DATA_VERDICT = 2;
export const NFTA_VERDICT_CODE = 1;
export const NFTA_VERDICT_CHAIN = 2;

export const NFTA_IMMEDIATE_DREG = 1;
export const NFTA_IMMEDIATE_DATA = 2;

export const NFTA_BITWISE_SREG = 1;
export const NFTA_BITWISE_DREG = 2;
export const NFTA_BITWISE_LEN = 3;
export const NFTA_BITWISE_MASK = 4;
export const NFTA_BITWISE_XOR = 5;
export const NFTA_BITWISE_OP = 6;
/** NFT_BITWISE_MASK_XOR (formerly NFT_BITWISE_BOOL): (reg & mask) ^ xor, the only operation used here. */
export const NFT_BITWISE_MASK_XOR = 0;

export const NFTA_CMP_SREG = 1;
export const NFTA_CMP_OP = 2;
export const NFTA_CMP_DATA = 3;

export const NFTA_PAYLOAD_DREG = 1;
export const NFTA_PAYLOAD_BASE = 2;
export const NFTA_PAYLOAD_OFFSET = 3;
export const NFTA_PAYLOAD_LEN = 4;

export const NFTA_META_DREG = 1;
export const NFTA_META_KEY = 2;

export const NFTA_CT_DREG = 1;
export const NFTA_CT_KEY = 2;

export const NFTA_MASQ_FLAGS = 1;
export const NFTA_MASQ_REG_PROTO_MIN = 2;
export const NFTA_MASQ_REG_PROTO_MAX = 3;
/** NF_NAT_RANGE_PROTO_SPECIFIED: masquerade maps source ports into the range the registers hold. */
export const NF_NAT_RANGE_PROTO_SPECIFIED = 0x2;

export const NFTA_GEN_ID = 1;

// ---------------------------------------------------------------------------------------------- values

/** nfgen_family: NFPROTO_* (linux/netfilter.h). */
export const NFPROTO_UNSPEC = 0;
export const NFPROTO_INET = 1;
export const NFPROTO_IPV4 = 2;
export const NFPROTO_ARP = 3;
export const NFPROTO_NETDEV = 5;
export const NFPROTO_BRIDGE = 7;
export const NFPROTO_IPV6 = 10;

/** Hook numbers of the ip, ip6 and inet families (enum nf_inet_hooks: prerouting 0, input 1, forward 2, output 3, postrouting 4). */
export const NF_INET_FORWARD = 2;
export const NF_INET_POST_ROUTING = 4;

export const NF_DROP = 0;
export const NF_ACCEPT = 1;
/** nf_tables verdicts beside NF_DROP and NF_ACCEPT (enum nft_verdicts, negative). */
export const NFT_CONTINUE = -1;
export const NFT_BREAK = -2;
export const NFT_JUMP = -3;
export const NFT_GOTO = -4;
export const NFT_RETURN = -5;

/** The verdict register, and the first 16-byte data register (nft loads into it). */
export const NFT_REG_VERDICT = 0;
export const NFT_REG_1 = 1;
export const NFT_REG_2 = 2;

export const NFT_CMP_EQ = 0;
export const NFT_CMP_NEQ = 1;
export const NFT_CMP_LT = 2;
export const NFT_CMP_LTE = 3;
export const NFT_CMP_GT = 4;
export const NFT_CMP_GTE = 5;

/** enum nft_payload_bases: the link layer header is 0, the transport header 2. */
export const NFT_PAYLOAD_NETWORK_HEADER = 1;

export const NFT_META_IIFNAME = 6;
export const NFT_META_OIFNAME = 7;
export const NFT_META_NFPROTO = 15;
export const NFT_META_L4PROTO = 16;

export const NFT_CT_STATE = 0;
/** Bits of the ct state key (NF_CT_STATE_BIT(IP_CT_*), linux/netfilter/nf_conntrack_common.h; invalid is bit 0, new bit 3). */
export const NF_CT_STATE_ESTABLISHED_BIT = 1 << 1;
export const NF_CT_STATE_RELATED_BIT = 1 << 2;

/** IFNAMSIZ: meta iifname/oifname load and compare 16 bytes, the name NUL-padded. */
export const IFNAMSIZ = 16;

/**
 * The user data nft writes (libnftnl's udata TLVs, one byte type, one byte length): the comment of a table,
 * chain or rule is type 0 (NFTNL_UDATA_TABLE_COMMENT, NFTNL_UDATA_CHAIN_COMMENT, NFTNL_UDATA_RULE_COMMENT),
 * a NUL-terminated string, which `nft list` prints as `comment "…"`.
 */
export const NFTNL_UDATA_COMMENT = 0;
/** NFT_USERDATA_MAXLEN: the kernel's limit for a table's, chain's or rule's user data. */
export const NFT_USERDATA_MAXLEN = 256;
/** NFT_NAME_MAXLEN: table and chain names, including the terminating NUL. */
export const NFT_NAME_MAXLEN = 256;
