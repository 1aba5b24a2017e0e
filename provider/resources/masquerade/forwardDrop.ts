// What a Masquerade says of the forward chains of other programs that still drop the lab's traffic. Apart from the
// model: the resource class warns with it in the program's process, which does not load the model's schemas.

/** A chain of someone else's table. */
export interface ForeignChain {
  family: string;
  table: string;
  chain: string;
}

/** How to let the lab's traffic through one chain that drops it, in the words of the tool that owns such a chain. */
function letThrough(device: string, { family, table, chain }: ForeignChain): string {
  if ((family === "ip" || family === "ip6") && table === "filter" && chain === "FORWARD") {
    // iptables-nft's own chain (Docker sets its policy to DROP): iptables' syntax, and Docker's chain for users' rules.
    const tool = family === "ip" ? "iptables" : "ip6tables";
    return (
      `${family} filter FORWARD (${tool}): \`${tool} -I FORWARD -i ${device} -j ACCEPT\` and \`${tool} -I FORWARD -o ${device} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\`` +
      " (on a Docker host, the same with -I DOCKER-USER)"
    );
  }
  const where = `${family} ${table} ${chain}`;
  return `${where}: \`nft insert rule ${where} iifname "${device}" accept\` and \`nft insert rule ${where} oifname "${device}" ct state established,related accept\``;
}

/**
 * The warning for forward chains of someone else that will still drop the lab's traffic, naming each and the two
 * rules that let the lab through it; undefined when there are none.
 */
export function forwardDropWarning(device: string, chains: readonly ForeignChain[]): string | undefined {
  if (chains.length === 0) return undefined;
  const named = chains.map(({ family, table, chain }) => `${family} ${table} ${chain}`).join(", ");
  return (
    `traffic forwarded from ${device} is accepted in this Masquerade's table, but ${chains.length === 1 ? "the forward chain" : "the forward chains"} ${named} ` +
    `of another program ${chains.length === 1 ? "has" : "have"} policy drop and will still drop it: an accept in one nftables table does not get a packet past ` +
    "another table's drop. pulumi-tuntap never changes another program's rules; let the lab through there, in that firewall's own configuration: " +
    chains.map((chain) => letThrough(device, chain)).join("; ") +
    "."
  );
}
