// Other tables' forward chains that drop by default: what a lab's masquerade cannot get through on its own.
//
// An accept ends only the evaluation of the base chain it is in; the packet then meets every other base chain on
// the same hook, and a drop in any of them is final (net/netfilter/core.c nf_hook_slow). So a host whose firewall
// has a forward chain with policy drop (an admin's `inet filter`, firewalld's, iptables-nft's FORWARD set to DROP
// by Docker) drops the lab's traffic that our chain accepted, unless a rule in *that* chain accepts it. We never
// change another program's chain; we find such chains, read their rules, and say whether they let the lab through.
// (iptables-legacy's FORWARD chain lives in x_tables, outside nf_tables, and is not seen here.)
import type { ChainRecord, RuleRecord, RuleSpec } from "./codec";
import { NF_CT_STATE_ESTABLISHED_BIT, NF_CT_STATE_RELATED_BIT, NF_DROP, NF_INET_FORWARD } from "./constants";
import { describeExpression, type Expression } from "./expressions";
import { accept, matchConntrackState, matchInterface } from "./matches";
import type { NftablesClient } from "./tables";

/** A base chain on the forward hook whose policy is drop, with its rules. */
export interface ForwardDropChain extends ChainRecord {
  rules: RuleRecord[];
}

/** Base chains on the forward hook of the ip, ip6 and inet families whose policy is drop, each with its rules. */
export function forwardDropChains(client: NftablesClient, operation: string): ForwardDropChain[] {
  const chains = client
    .listChains(operation)
    .filter((chain) => (chain.family === "ip" || chain.family === "ip6" || chain.family === "inet") && chain.base?.hook === NF_INET_FORWARD && chain.base.policy === NF_DROP);
  return chains.map((chain) => ({ ...chain, rules: client.listRules(chain.family, chain.table, operation).filter((rule) => rule.chain === chain.name) }));
}

const text = (expressions: readonly Expression[]): string[] => expressions.filter((expression) => expression.kind !== "counter").map(describeExpression);

/** Whether `rule`, counters aside, is exactly `one of` the expression lists given. */
function isOneOf(rule: RuleSpec, candidates: readonly Expression[][]): boolean {
  const have = text(rule.expressions).join("; ");
  return candidates.some((candidate) => text(candidate).join("; ") === have);
}

/**
 * Whether the chain lets the lab's traffic through, as far as its rules say it plainly: for the way out, a rule that
 * accepts everything arriving from the lab's device (`iifname "lab0" accept`); for the way back, one that accepts
 * replies to the lab's device, or replies to anyone (`oifname "lab0" ct state established,related accept`, `ct state
 * established,related accept`). A rule that accepts less (some ports, some addresses) or by a jump is not counted:
 * the lab's other traffic would still meet the drop.
 */
export function letsLabThrough(chain: ForwardDropChain, device: string): { out: boolean; back: boolean } {
  const replies = matchConntrackState(NF_CT_STATE_ESTABLISHED_BIT | NF_CT_STATE_RELATED_BIT);
  const fromLab = matchInterface("input", device, true);
  const toLab = matchInterface("output", device, true);
  return {
    out: chain.rules.some((rule) => isOneOf(rule, [[...fromLab, ...accept()]])),
    back: chain.rules.some((rule) => isOneOf(rule, [[...toLab, ...accept()], [...toLab, ...replies, ...accept()], [...replies, ...toLab, ...accept()], [...replies, ...accept()]])),
  };
}
