// Claims on forwarding switches, kept where every stack on the host (and the admin) can see them: an nf_tables table
// per claimant, holding no base chain (so no packet ever passes through it) and one empty chain per switch,
// named after the sysctl, whose comment says what the switch was before any stack raised it:
//
//   table inet pulumi-fwd-3f9a2c {
//     comment "pulumi:lab:dev:fwd:0123abcd"
//     chain net.ipv4.ip_forward {
//       comment "found 0"
//     }
//   }
//
// Why there: a claim must live exactly as long as the network namespace whose switch it is about (a file under
// /run outlives a deleted namespace, and another namespace made later may reuse its inode), be made and removed
// atomically, and be readable by `nft list ruleset`. A table is all three. Pure, but for listForwardingClaims.
import type { ChainRecord, TableRecord } from "./codec";
import type { NftablesClient, TableSpec } from "./tables";

/** The stamp every claim's table carries as its comment starts with this (see the model's stamp). */
const OWNER_PREFIX = "pulumi:";
const FOUND = /^found ([01])$/;
/** The sysctls a claim names: net.ipv4.ip_forward, net.ipv6.conf.all.forwarding, net.ipv4.conf.DEV.forwarding, net.ipv6.conf.DEV.force_forwarding. */
const SWITCH = /^net\.ipv4\.ip_forward$|^net\.ipv[46]\.conf\.[^.]+\.(forwarding|force_forwarding)$/;

export interface ForwardingClaim {
  /** The claim's table (family inet). */
  table: string;
  /** The claimant's ownership stamp. */
  owner: string;
  switches: { name: string; found: 0 | 1 }[];
}

export function forwardingClaimTable(claim: ForwardingClaim): TableSpec {
  for (const { name } of claim.switches) if (!SWITCH.test(name)) throw new RangeError(`${name} is not a forwarding sysctl`);
  return { family: "inet", name: claim.table, comment: claim.owner, chains: claim.switches.map(({ name, found }) => ({ name, comment: `found ${found}`, rules: [] })) };
}

/** The claim a table holds, or undefined for any other table (one with a base chain, a rule, another comment…). */
export function claimOf(table: TableRecord, chains: readonly ChainRecord[]): ForwardingClaim | undefined {
  if (table.family !== "inet" || table.comment === undefined || !table.comment.startsWith(OWNER_PREFIX) || chains.length === 0) return undefined;
  const switches: ForwardingClaim["switches"] = [];
  for (const chain of chains) {
    const found = FOUND.exec(chain.comment ?? "");
    if (chain.base !== undefined || found === null || !SWITCH.test(chain.name)) return undefined;
    switches.push({ name: chain.name, found: found[1] === "1" ? 1 : 0 });
  }
  return { table: table.name, owner: table.comment, switches };
}

/** Every claim in the client's namespace, ours and other stacks'. */
export function listForwardingClaims(client: NftablesClient, operation: string): ForwardingClaim[] {
  const chains = client.listChains(operation);
  return client.listTables(operation).flatMap((table) => {
    const claim = claimOf(table, chains.filter((chain) => chain.family === table.family && chain.table === table.name));
    return claim === undefined ? [] : [claim];
  });
}
