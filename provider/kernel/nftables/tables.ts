// Whole nf_tables tables in one network namespace: read one back with its chains and rules, create one,
// replace one, delete one — each change one nfnetlink batch, which the kernel commits whole or not at all
// (net/netfilter/nfnetlink.c, nfnetlink_rcv_batch: any refused message aborts the transaction).
//
// A change computed from a read is sent with the ruleset generation of that read (NFNL_BATCH_GENID): if anything
// changed the ruleset in between, the kernel refuses the whole batch (ERESTART, a RulesetChangedError) instead of
// applying a change decided on stale facts. Tables are deleted by handle, so a table deleted and made again by
// someone else under the same name is never the one deleted.
//
// A socket is opened per call, inside the namespace (see netns.ts), and closed after: nothing is cached, so a
// namespace deleted and made again under its name is never written through an old socket.
import { KernelError } from "../errors";
import { decodeAcknowledgement } from "../netlink/ack";
import type { Message } from "../netlink/codec";
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, NLMSG_ERROR } from "../netlink/constants";
import { NetlinkSocket } from "../netlink/socket";
import { runInNetworkNamespace } from "../netns";
import { errno } from "../system";
import {
  batchBeginPayload,
  batchEndPayload,
  type ChainRecord,
  type ChainSpec,
  decodeChain,
  decodeGeneration,
  decodeRule,
  decodeTable,
  dumpRulesPayload,
  encodeNfgenmsg,
  familyNumber,
  generationRequestPayload,
  newChainPayload,
  newRulePayload,
  newTablePayload,
  type RuleRecord,
  type TableFamily,
  type TableRecord,
  tableKeyPayload,
} from "./codec";
import {
  NETLINK_NETFILTER,
  NFNL_MSG_BATCH_BEGIN,
  NFNL_MSG_BATCH_END,
  NFPROTO_UNSPEC,
  NFT_MSG_DELTABLE,
  NFT_MSG_GETCHAIN,
  NFT_MSG_GETGEN,
  NFT_MSG_GETRULE,
  NFT_MSG_GETTABLE,
  NFT_MSG_NEWCHAIN,
  NFT_MSG_NEWGEN,
  NFT_MSG_NEWRULE,
  NFT_MSG_NEWTABLE,
  nftablesMessageType,
} from "./constants";
import { batchError, type BatchStep, socketError } from "./errors";

/** NLM_F_APPEND: a new rule goes after the chain's last. */
const NLM_F_APPEND = 0x800;
/** Reads repeated while the ruleset keeps changing under them. */
const READ_ATTEMPTS = 5;

/** A table as it should be: created or replaced whole. */
export interface TableSpec {
  family: TableFamily;
  name: string;
  /** The table's comment (an ownership stamp). */
  comment?: string;
  chains: ChainSpec[];
}

/** A table as the kernel holds it, with its chains in the kernel's order and each chain's rules in order. */
export interface TableContents {
  table: TableRecord;
  chains: (ChainRecord & { rules: RuleRecord[] })[];
}

/** One consistent read: what the table held at ruleset generation `generation` (undefined: no such table). */
export interface TableSnapshot {
  generation: number;
  contents: TableContents | undefined;
}

interface BatchMessage {
  type: number;
  payload: Buffer;
  flags: number;
  step: BatchStep;
}

export class NftablesClient {
  constructor(private readonly socket: NetlinkSocket) {}

  /** The ruleset's generation now. */
  generation(operation: string): number {
    const messages = this.socket.request({
      type: nftablesMessageType(NFT_MSG_GETGEN),
      payload: generationRequestPayload(),
      context: { operation, step: "NFT_MSG_GETGEN" },
    });
    const answer = messages.find((message) => message.header.type === nftablesMessageType(NFT_MSG_NEWGEN));
    if (answer === undefined) throw new Error(`${operation}: NFT_MSG_GETGEN: the kernel sent no generation`);
    return decodeGeneration(answer.payload);
  }

  /** Every table of every family (ours and everyone else's), with its comment. */
  listTables(operation: string): TableRecord[] {
    return this.dump(NFT_MSG_GETTABLE, encodeNfgenmsg(NFPROTO_UNSPEC), NFT_MSG_NEWTABLE, operation).map((message) => decodeTable(message.payload));
  }

  /** Every chain of every table, base chains with their hook, priority and policy. */
  listChains(operation: string): ChainRecord[] {
    return this.dump(NFT_MSG_GETCHAIN, encodeNfgenmsg(NFPROTO_UNSPEC), NFT_MSG_NEWCHAIN, operation).map((message) => decodeChain(message.payload));
  }

  /** Every rule of one table, in each chain's order (a table of anyone's: only read). */
  listRules(family: TableFamily, table: string, operation: string): RuleRecord[] {
    return this.dump(NFT_MSG_GETRULE, dumpRulesPayload(family, table), NFT_MSG_NEWRULE, operation)
      .map((message) => decodeRule(message.payload))
      .filter((rule) => rule.table === table);
  }

  /**
   * The table with its chains and rules as they were at one generation: read between two identical generation
   * numbers, again while the ruleset changes underneath.
   */
  readTable(family: TableFamily, name: string, operation: string): TableSnapshot {
    for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
      const before = this.generation(operation);
      const contents = this.readTableOnce(family, name, operation);
      if (this.generation(operation) === before) return { generation: before, contents };
    }
    throw new Error(`${operation}: read table ${family} ${name}: the nftables ruleset kept changing during ${READ_ATTEMPTS} reads`);
  }

  /** Makes the table with its chains and rules; a table of that name already there is a TableExistsError. */
  createTable(spec: TableSpec, generation: number | undefined, operation: string): void {
    this.commit(creation(spec), generation, operation);
  }

  /**
   * Puts `spec` in place of the table read with handle `current.handle` at generation `current.generation`, in one
   * transaction: the old table with everything in it goes, the new one comes, and no packet sees anything between.
   */
  replaceTable(current: { handle: bigint; generation: number }, spec: TableSpec, operation: string): void {
    this.commit([deletion(spec.family, spec.name, current.handle), ...creation(spec)], current.generation, operation);
  }

  /** Deletes the table with this handle (read at `generation`, when given), and everything in it. */
  deleteTable(table: { family: TableFamily; name: string; handle: bigint }, generation: number | undefined, operation: string): void {
    this.commit([deletion(table.family, table.name, table.handle)], generation, operation);
  }

  private readTableOnce(family: TableFamily, name: string, operation: string): TableContents | undefined {
    let table: TableRecord | undefined;
    try {
      const messages = this.socket.request({
        type: nftablesMessageType(NFT_MSG_GETTABLE),
        payload: tableKeyPayload(family, { name }),
        context: { operation, step: `get table ${family} ${name}` },
      });
      const answer = messages.find((message) => message.header.type === nftablesMessageType(NFT_MSG_NEWTABLE));
      table = answer === undefined ? undefined : decodeTable(answer.payload);
    } catch (error) {
      if (error instanceof KernelError && error.errno === errno.ENOENT) return undefined;
      throw error;
    }
    if (table === undefined) return undefined;
    const chains = this.dump(NFT_MSG_GETCHAIN, encodeNfgenmsg(familyNumber(family)), NFT_MSG_NEWCHAIN, operation)
      .map((message) => decodeChain(message.payload))
      .filter((chain) => chain.table === name);
    const rules = this.listRules(family, name, operation);
    return { table, chains: chains.map((chain) => ({ ...chain, rules: rules.filter((rule) => rule.chain === chain.name) })) };
  }

  private dump(request: number, payload: Buffer, answer: number, operation: string): Message[] {
    return this.socket
      .dump(nftablesMessageType(request), payload, { operation, step: `nf_tables dump ${request}` })
      .filter((message) => message.header.type === nftablesMessageType(answer));
  }

  /**
   * Sends the messages as one batch and checks every answer: each message asks for an acknowledgement, so a
   * committed batch is one where every message was acknowledged and nothing was refused. A refused batch changed
   * nothing; the error names the first message the kernel refused.
   */
  private commit(messages: readonly BatchMessage[], generation: number | undefined, operation: string): void {
    const begin: BatchMessage = { type: NFNL_MSG_BATCH_BEGIN, flags: NLM_F_REQUEST, payload: batchBeginPayload(generation), step: { object: "batch", action: "begin", label: "" } };
    const end: BatchMessage = { type: NFNL_MSG_BATCH_END, flags: NLM_F_REQUEST, payload: batchEndPayload(), step: { object: "batch", action: "end", label: "" } };
    const all = [begin, ...messages, end];
    const context = { operation, step: "nf_tables batch" };
    const { sequences, answers } = this.socket.transact(all, context);
    const acknowledged = new Set<number>();
    const refusals: KernelError[] = [];
    for (const answer of answers) {
      if (answer.header.type !== NLMSG_ERROR) continue;
      const index = sequences.indexOf(answer.header.sequence);
      const message = all[index];
      if (message === undefined) continue;
      const ack = decodeAcknowledgement(answer.payload, answer.header.flags);
      if (ack.errno === 0) {
        acknowledged.add(index);
        continue;
      }
      refusals.push(batchError(message.step, ack.errno, ack.kernelMessage === undefined ? { operation, step: "" } : { operation, step: "", kernelMessage: ack.kernelMessage }));
    }
    const [first, ...others] = refusals;
    if (first !== undefined) {
      if (others.length > 0) first.message += ` (the kernel refused ${others.length} more message${others.length === 1 ? "" : "s"} of the same batch.)`;
      throw first;
    }
    const missing = messages.findIndex((_, index) => !acknowledged.has(index + 1));
    if (missing !== -1) throw new Error(`${operation}: nf_tables batch: no acknowledgement for message ${missing + 1} of ${messages.length}; the kernel's answer is unknown`);
  }
}

function creation(spec: TableSpec): BatchMessage[] {
  const label = `${spec.family} ${spec.name}`;
  const messages: BatchMessage[] = [
    { type: NFT_MSG_NEWTABLE, flags: NLM_F_CREATE | NLM_F_EXCL, payload: newTablePayload(spec.family, spec.name, spec.comment), step: { object: "table", action: "create", label } },
  ];
  for (const chain of spec.chains) {
    messages.push({
      type: NFT_MSG_NEWCHAIN,
      flags: NLM_F_CREATE | NLM_F_EXCL,
      payload: newChainPayload(spec.family, spec.name, chain),
      step: { object: "chain", action: "create", label: `${label} ${chain.name}`, ...(chain.base === undefined ? {} : { chainType: chain.base.type }) },
    });
  }
  for (const chain of spec.chains) {
    for (const [index, rule] of chain.rules.entries()) {
      messages.push({
        type: NFT_MSG_NEWRULE,
        flags: NLM_F_CREATE | NLM_F_APPEND,
        payload: newRulePayload(spec.family, spec.name, chain.name, rule),
        step: { object: "rule", action: "create", label: `${label} ${chain.name} #${index + 1}${rule.comment === undefined ? "" : ` "${rule.comment}"`}` },
      });
    }
  }
  return messages.map((message) => ({ ...message, type: nftablesMessageType(message.type), flags: message.flags | NLM_F_REQUEST | NLM_F_ACK }));
}

function deletion(family: TableFamily, name: string, handle: bigint): BatchMessage {
  return {
    type: nftablesMessageType(NFT_MSG_DELTABLE),
    flags: NLM_F_REQUEST | NLM_F_ACK,
    payload: tableKeyPayload(family, { name, handle }),
    step: { object: "table", action: "delete", label: `${family} ${name}` },
  };
}

/** Runs `work` with a client whose socket was opened in the named network namespace (undefined: this process's). */
export function withNftables<T>(netns: string | undefined, operation: string, work: (client: NftablesClient) => T): T {
  const socket = runInNetworkNamespace(netns, operation, () => {
    try {
      return NetlinkSocket.open(operation, NETLINK_NETFILTER);
    } catch (error) {
      throw error instanceof KernelError ? socketError(error, operation) : error;
    }
  });
  try {
    return work(new NftablesClient(socket));
  } finally {
    socket.close();
  }
}
