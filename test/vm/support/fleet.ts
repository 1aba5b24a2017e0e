// A fleet of "hosts" inside one test's namespace: each host a network namespace with lo up and an eth0 on an
// underlay bridge of the test's own namespace (the switch between the machines), its `pulumi` run inside it by
// nsenter. Guests on a host's lab bridge are namespaces of their own, joined by a veth. And what an assertion
// that "nothing else changed" on a host compares: its links and addresses, and its static FDB entries.
import { execFileSync } from "node:child_process";
import { ip, namespaceFingerprint } from "../../support/ip";

export interface FleetHost {
  name: string;
  /** Its eth0's address on the underlay, without prefix (a /24). */
  underlay: string;
}

export const UNDERLAY_BRIDGE = "underlay0";

/** The network namespace that stands for the host. */
export function netnsOf(host: string): string {
  return `mhl-${host}`;
}

/** What the rollout puts before `pulumi` to run it on a host: inside that host's network namespace. */
export const LAUNCHER = ["nsenter", `--net=/run/netns/${netnsOf("{host}")}`, "--"];

/** The underlay switch and every host on it, each with lo up (the CLI's plugins talk gRPC over 127.0.0.1). */
export function buildFleet(hosts: readonly FleetHost[]): void {
  ip("link", "add", UNDERLAY_BRIDGE, "type", "bridge");
  ip("link", "set", UNDERLAY_BRIDGE, "up");
  for (const host of hosts) {
    const netns = netnsOf(host.name);
    ip("netns", "add", netns);
    ip("-n", netns, "link", "set", "lo", "up");
    ip("link", "add", `up-${host.name}`, "type", "veth", "peer", "name", "eth0", "netns", netns);
    ip("link", "set", `up-${host.name}`, "master", UNDERLAY_BRIDGE, "up");
    ip("-n", netns, "address", "add", `${host.underlay}/24`, "dev", "eth0");
    ip("-n", netns, "link", "set", "eth0", "up");
  }
}

/** Renames a host's NIC (down, rename, up): a host whose underlay device is not where its stack says. */
export function renameNic(host: string, from: string, to: string): void {
  const netns = netnsOf(host);
  ip("-n", netns, "link", "set", from, "down");
  ip("-n", netns, "link", "set", from, "name", to);
  ip("-n", netns, "link", "set", to, "up");
}

/** A guest of `host`: a namespace on the host's lab bridge by a veth, with this address and the overlay's MTU. */
export function addNamespaceGuest(host: string, address: string, bridge: string, mtu: number): string {
  const netns = `${netnsOf(host)}-guest`;
  const hostEnd = `guest-${host}`;
  ip("netns", "add", netns);
  ip("-n", netns, "link", "set", "lo", "up");
  ip("-n", netnsOf(host), "link", "add", hostEnd, "mtu", String(mtu), "type", "veth", "peer", "name", "eth0", "mtu", String(mtu), "netns", netns);
  ip("-n", netnsOf(host), "link", "set", hostEnd, "master", bridge, "up");
  ip("-n", netns, "address", "add", address, "dev", "eth0");
  ip("-n", netns, "link", "set", "eth0", "up");
  return netns;
}

interface BridgeFdbLine {
  mac: string;
  ifname?: string;
  dst?: string;
  state?: string;
  flags?: string[];
  master?: string;
}

/**
 * A host's FDB entries that nobody learned — made by the kernel for its own devices, by a stack or by hand — as
 * `bridge -j fdb show` prints them, sorted. Learned entries come and go with traffic and are left out.
 */
export function staticFdbEntries(host: string): string[] {
  const text = execFileSync("ip", ["netns", "exec", netnsOf(host), "bridge", "-j", "fdb", "show"], { encoding: "utf8" }).trim();
  const entries = (text === "" ? [] : JSON.parse(text)) as BridgeFdbLine[];
  return entries
    .filter((entry) => entry.state === "permanent" || entry.state === "static")
    .map((entry) => [entry.mac, entry.ifname, entry.dst ?? "", entry.master ?? "", entry.state, (entry.flags ?? []).join(",")].join(" "))
    .sort();
}

/** Everything about a host that a rollout touching only its peers must leave as it was. */
export function hostFingerprint(host: string): { links: string; fdb: string[] } {
  return { links: namespaceFingerprint(netnsOf(host)), fdb: staticFdbEntries(host) };
}
