// Other tables' forward chains that drop by default: what a lab's masquerade cannot get through on its own.
//
// An accept ends only the evaluation of the base chain it is in; the packet then meets every other base chain on
// the same hook, and a drop in any of them is final (net/netfilter/core.c nf_hook_slow). So a host whose firewall
// has a forward chain with policy drop (an admin's `inet filter`, firewalld's, iptables-nft's FORWARD set to DROP
// by Docker) drops the lab's traffic that our chain accepted, unless a rule in *that* chain accepts it. We never
// change another program's chain; we find such chains and say so. (iptables-legacy's FORWARD chain lives in
// x_tables, outside nf_tables, and is not seen here.)
import type { ChainRecord } from "./codec";
import { NF_DROP, NF_INET_FORWARD } from "./constants";
import type { NftablesClient } from "./tables";

/** Base chains on the forward hook of the ip, ip6 and inet families whose policy is drop. */
export function forwardDropChains(client: NftablesClient, operation: string): ChainRecord[] {
  return client
    .listChains(operation)
    .filter((chain) => (chain.family === "ip" || chain.family === "ip6" || chain.family === "inet") && chain.base?.hook === NF_INET_FORWARD && chain.base.policy === NF_DROP);
}
