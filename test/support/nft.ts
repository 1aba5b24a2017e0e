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
 * The whole ruleset twice over: `nft -j list ruleset` (JSON, handles included) and `nft list ruleset` (text, which
 * alone shows table and chain comments in nft 1.0.6). Two equal snapshots mean an unchanged ruleset.
 */
export function ruleset(netns?: string): { json: string; text: string } {
  return { json: nft(["-j", "list", "ruleset"], netns), text: nft(["list", "ruleset"], netns) };
}

/** One table as nft prints it (text and JSON, with handles), or undefined when there is no such table. */
export function table(family: string, name: string, netns?: string): { json: string; text: string } | undefined {
  const listed = nftStatus(["list", "table", family, name], netns);
  if (listed.status !== 0) return undefined;
  return { json: nft(["-j", "-a", "list", "table", family, name], netns), text: nft(["-a", "list", "table", family, name], netns) };
}

/** The handles of a table's rules in one chain, in order, as `nft -j -a` lists them. */
export function ruleHandles(family: string, tableName: string, chain: string, netns?: string): number[] {
  const parsed = JSON.parse(nft(["-j", "-a", "list", "chain", family, tableName, chain], netns)) as { nftables: { rule?: { handle: number } }[] };
  return parsed.nftables.flatMap((entry) => (entry.rule === undefined ? [] : [entry.rule.handle]));
}
