// Watching the kernel from outside the provider, for the fault and concurrency suites: a fingerprint of some
// devices that stays byte-for-byte the same while nobody touches them (bridge timers masked), the devices
// that carry an ownership stamp, and `ip monitor` to hear every link and address change as it happens —
// including which link group each deleted device was in, which tells how deletes were batched.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { ip, type IpLink, links } from "../support/ip";
import { WAIT_LIMIT_MS } from "../support/wait";

const run = promisify(execFile);

/** A bridge's timers count down on their own; everything else `ip -d` prints holds still. */
function maskTimers(text: string): string {
  return text.replace(/\b(hello_timer|tcn_timer|topology_change_timer|gc_timer)\s+[0-9.]+/g, "$1 _");
}

/**
 * Links and addresses, byte for byte, of the named devices (all of them when no names are given), with
 * bridge timers masked. Any change of MTU, flags, addresses, master, group, altnames, alias or ifindex shows.
 */
export function stableFingerprint(names?: readonly string[]): string {
  if (names === undefined) return maskTimers(ip("-d", "link", "show") + ip("addr", "show"));
  return names.map((name) => maskTimers(ip("-d", "link", "show", "dev", name) + ip("addr", "show", "dev", name))).join("");
}

/** Foreign devices stay quiet: no IPv6 link-local addresses and duplicate-address detection changing over time. */
export function quietAddressing(name: string): void {
  ip("link", "set", "dev", name, "addrgenmode", "none");
}

/** The ownership stamps (altnames starting with "pulumi:") of a link. */
export function stampsOf(link: IpLink): string[] {
  return (link.altnames ?? []).filter((name) => name.startsWith("pulumi:"));
}

/** Every link, read without blocking the event loop (the inline program and the Automation API run in this process). */
export async function linksAsync(): Promise<IpLink[]> {
  const { stdout } = await run("ip", ["-j", "-d", "link", "show"], { maxBuffer: 64 * 1024 * 1024 });
  const text = stdout.trim();
  return (text === "" ? [] : JSON.parse(text)) as IpLink[];
}

export interface KernelEvent {
  deleted: boolean;
  what: "link" | "address";
  ifindex: number;
  name: string;
  /**
   * For links: the group as `ip` prints it ("default" or a number). Absent from the bridge's own notices
   * about a port (AF_BRIDGE), among them a "Deleted" notice when a port merely leaves its bridge.
   */
  group?: string;
}

/** A device removed from the namespace (not a port leaving its bridge, not an address). */
export function isDeviceDeletion(event: KernelEvent): boolean {
  return event.deleted && event.what === "link" && event.group !== undefined;
}

/**
 * `ip monitor link address`, parsed. Note what the kernel does not announce: adding an altname and changing
 * a link group send no notification (they show in the next one), so a fingerprint is still needed.
 */
export class KernelMonitor {
  private readonly events: KernelEvent[] = [];
  private readonly waiters: { test: (event: KernelEvent) => boolean; resolve: () => void }[] = [];
  private readonly listeners = new Set<(event: KernelEvent) => void>();

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on("line", (line) => this.parse(line));
  }

  /** Starts `ip monitor` and returns once it demonstrably hears changes (a marker tap made and removed). */
  static async start(): Promise<KernelMonitor> {
    const monitor = new KernelMonitor(spawn("ip", ["monitor", "link", "address"], { stdio: ["ignore", "pipe", "inherit"] }));
    const marker = "mon-ready";
    // The subscription is made a moment after spawning (later still on a busy machine): repeat the marker
    // until it is heard.
    const giveUp = Date.now() + WAIT_LIMIT_MS;
    for (;;) {
      const heard = monitor.waitFor((event) => event.name === marker && isDeviceDeletion(event));
      ip("tuntap", "add", "dev", marker, "mode", "tap");
      ip("link", "delete", "dev", marker);
      const outcome = await Promise.race([heard.then(() => true), delay(200).then(() => false)]);
      if (outcome) break;
      if (Date.now() > giveUp) throw new Error(`ip monitor heard nothing for ${WAIT_LIMIT_MS / 1000} s`);
    }
    monitor.events.length = 0;
    return monitor;
  }

  private parse(line: string): void {
    if (/^\s/.test(line)) return;
    const match = /^(Deleted )?([0-9]+): ([^\s:@]+)(@\S*)?(:?)\s+(.*)$/.exec(line);
    if (match === null) return;
    const [, deleted, ifindex, name, , colon, rest = ""] = match;
    const event: KernelEvent = { deleted: deleted !== undefined, what: colon === ":" ? "link" : "address", ifindex: Number(ifindex), name: name ?? "" };
    if (event.what === "link") {
      const group = /\bgroup (\S+)/.exec(rest)?.[1];
      if (group !== undefined) event.group = group;
    }
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    for (const waiter of [...this.waiters]) {
      if (!waiter.test(event)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  /** Calls `listener` with every event as it is heard, until the returned function is called. */
  subscribe(listener: (event: KernelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private waitFor(test: (event: KernelEvent) => boolean): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /**
   * Every event so far, after making sure the monitor has caught up: a marker is made and removed, and the
   * events are returned once its removal is heard (the kernel delivers notifications in order).
   */
  async drain(): Promise<KernelEvent[]> {
    const marker = "mon-sync";
    const heard = this.waitFor((event) => event.name === marker && isDeviceDeletion(event));
    ip("tuntap", "add", "dev", marker, "mode", "tap");
    ip("link", "delete", "dev", marker);
    await heard;
    const events = this.events.filter((event) => event.name !== marker);
    this.events.length = 0;
    return events;
  }

  stop(): void {
    this.child.kill("SIGTERM");
  }
}

/** Deleted links grouped as the kernel removed them: one entry per link group used, one per single delete. */
export function deleteBatches(events: readonly KernelEvent[]): { batches: number; grouped: number; single: number; largest: number } {
  const deletions = events.filter(isDeviceDeletion);
  const byGroup = new Map<string, number>();
  let single = 0;
  for (const event of deletions) {
    if (event.group === undefined || event.group === "default" || event.group === "0") single++;
    else byGroup.set(event.group, (byGroup.get(event.group) ?? 0) + 1);
  }
  const grouped = [...byGroup.values()];
  return { batches: grouped.length + single, grouped: grouped.length, single, largest: Math.max(single > 0 ? 1 : 0, ...grouped) };
}

/** Names of links right now (synchronous), for assertions. */
export function linkByName(): Map<string, IpLink> {
  return new Map(links().map((link) => [link.ifname, link]));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
