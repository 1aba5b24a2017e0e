// The independent observer: `ip -j` from iproute2, parsed. Tests compare what our provider says and does
// against what iproute2 reads from the kernel, so a bug in our own read path cannot hide a bug elsewhere.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";

/** A link as `ip -j -d link show` prints it. */
export interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  min_mtu?: number;
  max_mtu?: number;
  txqlen?: number;
  address?: string;
  ifalias?: string;
  master?: string;
  group?: string;
  promiscuity?: number;
  altnames?: string[];
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, unknown>;
    info_slave_kind?: string;
  };
}

export interface IpAddressInfo {
  family: "inet" | "inet6";
  local: string;
  prefixlen: number;
  broadcast?: string;
  scope?: string;
  protocol?: string;
}

/** Runs `ip` with arguments and returns stdout; throws with ip's stderr on failure. */
export function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs `ip` and returns its exit status and stderr instead of throwing. */
export function ipStatus(...args: string[]): { status: number; stderr: string } {
  const result = spawnSync("ip", args, { encoding: "utf8" });
  return { status: result.status ?? -1, stderr: result.stderr };
}

function json<T>(args: string[]): T {
  const text = ip("-j", ...args).trim();
  return (text === "" ? [] : JSON.parse(text)) as T;
}

/** Every link, with details (`ip -j -d link show`), optionally inside a named namespace. */
export function links(netns?: string): IpLink[] {
  return json<IpLink[]>(netns === undefined ? ["-d", "link", "show"] : ["-n", netns, "-d", "link", "show"]);
}

export function link(name: string, netns?: string): IpLink | undefined {
  return links(netns).find((candidate) => candidate.ifname === name);
}

/** The link, which must exist: an assertion failure otherwise. */
export function mustLink(name: string, netns?: string): IpLink {
  const found = link(name, netns);
  assert.ok(found, `ip -j link shows ${name}${netns === undefined ? "" : ` in ${netns}`}`);
  return found;
}

export function addresses(name: string, netns?: string): IpAddressInfo[] {
  const args = netns === undefined ? ["addr", "show", "dev", name] : ["-n", netns, "addr", "show", "dev", name];
  const entries = json<{ addr_info?: IpAddressInfo[] }[]>(args);
  return entries[0]?.addr_info ?? [];
}

/** Addresses as "address/prefix", without the IPv6 link-local ones the kernel adds on its own. */
export function cidrs(name: string, netns?: string): string[] {
  return addresses(name, netns)
    .filter((info) => !(info.family === "inet6" && info.local.toLowerCase().startsWith("fe80:")))
    .map((info) => `${info.local}/${info.prefixlen}`)
    .sort();
}

export function linkNames(netns?: string): string[] {
  return links(netns).map((candidate) => candidate.ifname).sort();
}

/** The named network namespaces, as `ip netns list` shows them (the test file's own /run/netns), sorted. */
export function namespaceNames(): string[] {
  return (JSON.parse(ip("-j", "netns", "list").trim() || "[]") as { name: string }[]).map((entry) => entry.name).sort();
}

/**
 * A byte-for-byte picture of the namespace's links and addresses, for "nothing changed" assertions — less
 * what changes on its own: a bridge's running timers, and the DAD state of addresses the kernel is still
 * checking (tentative until duplicate address detection completes).
 */
export function namespaceFingerprint(netns?: string): string {
  const prefix = netns === undefined ? [] : ["-n", netns];
  const text = ip(...prefix, "-d", "link", "show") + ip(...prefix, "addr", "show");
  return text.replace(/(\w+_timer)\s+[0-9.]+/g, "$1").replace(/ tentative\b/g, "");
}
