// The independent observer of nftables: the `nft` tool (Debian's nftables package). Tests compare the ruleset as
// nft prints it before and after what the provider does, and make foreign tables and drift with it by hand.
import { execFileSync, spawnSync } from "node:child_process";

function command(netns: string | undefined, args: readonly string[]): [string, string[]] {
  return netns === undefined ? ["nft", [...args]] : ["ip", ["netns", "exec", netns, "nft", ...args]];
}

/** Runs nft (inside a named namespace, when given) and returns stdout; throws with nft's stderr on failure. */
export function nft(args: readonly string[], netns?: string): string {
  const [file, argv] = command(netns, args);
  return execFileSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Feeds a ruleset file's text to `nft -f -`. */
export function nftFile(text: string, netns?: string): void {
  const [file, argv] = command(netns, ["-f", "-"]);
  execFileSync(file, argv, { input: text, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}

/** nft's exit status and stderr, for what must fail. */
export function nftStatus(args: readonly string[], netns?: string): { status: number; stderr: string } {
  const [file, argv] = command(netns, args);
  const result = spawnSync(file, argv, { encoding: "utf8" });
  return { status: result.status ?? -1, stderr: result.stderr };
}

/**
 * nft's output with every counter's values set to 0: they are the kernel's tally of the packets that passed, which
 * traffic changes (a guest's ping through another program's `counter jump`), not part of anyone's ruleset.
 */
function withoutTallies(printed: string): string {
  return printed.replace(/"counter": \{"packets": \d+, "bytes": \d+\}/g, '"counter": {"packets": 0, "bytes": 0}').replace(/counter packets \d+ bytes \d+/g, "counter packets 0 bytes 0");
}

/**
 * The whole ruleset twice over: `nft -j list ruleset` (JSON, handles included) and `nft list ruleset` (text, which
 * alone shows table and chain comments in nft 1.0.6), counters' tallies aside. Two equal snapshots mean an
 * unchanged ruleset.
 */
export function ruleset(netns?: string): { json: string; text: string } {
  return { json: withoutTallies(nft(["-j", "list", "ruleset"], netns)), text: withoutTallies(nft(["list", "ruleset"], netns)) };
}

/** One table as nft prints it (text and JSON, with handles, counters' tallies aside), or undefined when there is no such table. */
export function table(family: string, name: string, netns?: string): { json: string; text: string } | undefined {
  const listed = nftStatus(["list", "table", family, name], netns);
  if (listed.status !== 0) return undefined;
  return { json: withoutTallies(nft(["-j", "-a", "list", "table", family, name], netns)), text: withoutTallies(nft(["-a", "list", "table", family, name], netns)) };
}

/** The handles of a table's rules in one chain, in order, as `nft -j -a` lists them. */
export function ruleHandles(family: string, tableName: string, chain: string, netns?: string): number[] {
  const parsed = JSON.parse(nft(["-j", "-a", "list", "chain", family, tableName, chain], netns)) as { nftables: { rule?: { handle: number } }[] };
  return parsed.nftables.flatMap((entry) => (entry.rule === undefined ? [] : [entry.rule.handle]));
}

/**
 * Tables the way other programs make theirs: libvirt (network_nftables.c; its rules name virbr0 by index, so the
 * device must exist), Docker 29 (firewall-backend nftables) and a Debian admin whose forward policy is drop.
 */
export const FOREIGN = `
table ip libvirt_network {
  comment "Managed by libvirt for virtual networks: https://libvirt.org/firewall.html#the-virtual-network-driver"
  chain forward { type filter hook forward priority 0; policy accept; counter jump guest_cross; counter jump guest_input; counter jump guest_output; }
  chain guest_output { ip saddr 192.168.122.0/24 iif "virbr0" counter accept; iif "virbr0" counter reject; }
  chain guest_input { oif "virbr0" ip daddr 192.168.122.0/24 ct state related,established counter accept; oif "virbr0" counter reject; }
  chain guest_cross { iif "virbr0" oif "virbr0" counter accept; }
  chain guest_nat {
    type nat hook postrouting priority 100; policy accept;
    ip saddr 192.168.122.0/24 ip daddr 224.0.0.0/24 counter return
    ip saddr 192.168.122.0/24 ip daddr 255.255.255.255 counter return
    meta l4proto tcp ip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 counter masquerade to :1024-65535
    ip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 counter masquerade
  }
}
table ip docker-bridges {
  chain filter-FORWARD { type filter hook forward priority filter; policy accept; oifname "docker0" ct state established,related counter accept; iifname "docker0" counter accept; }
  chain nat-POSTROUTING { type nat hook postrouting priority srcnat; policy accept; oifname != "docker0" ip saddr 172.17.0.0/16 counter masquerade; }
}
table inet filter {
  chain input { type filter hook input priority filter; policy accept; }
  chain forward { type filter hook forward priority filter; policy drop; }
}
`;

/** The three foreign tables as nft prints them (JSON with handles, and text): equal snapshots mean untouched. */
export function foreignTables(netns?: string): Record<string, { json: string; text: string } | undefined> {
  return { libvirt: table("ip", "libvirt_network", netns), docker: table("ip", "docker-bridges", netns), admin: table("inet", "filter", netns) };
}
