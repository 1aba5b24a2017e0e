// What the guest's init prints (tools/guest/init): every line starts with "pulumi-tuntap-guest:", and one of
// them is the verdict, e.g.
//   pulumi-tuntap-guest: PASS address=172.16.0.2/30 reached=172.16.0.1@0.61ms unreachable=172.16.0.6
//   pulumi-tuntap-guest: FAIL address=… reached=none unreachable=none not-reached=172.16.0.1 reached-but-should-not=none
//   pulumi-tuntap-guest: FAIL setup: no network interface other than lo appeared
// and the kernel command line that configures it is built here too.

export const GUEST_PREFIX = "pulumi-tuntap-guest: ";
export const INIT_RUNNING = /^pulumi-tuntap-guest: init running/;
export const NETWORK_UP = /^pulumi-tuntap-guest: UP /;
export const DHCP_LEASE = /^pulumi-tuntap-guest: DHCP lease of /;
export const VERDICT = /^pulumi-tuntap-guest: (PASS|FAIL) /;

export interface Reached {
  address: string;
  /** The average of three round trips, as the guest measured them. */
  rttMs: number;
}

export interface GuestVerdict {
  pass: boolean;
  line: string;
  address?: string;
  reached: Reached[];
  unreachable: string[];
  notReached: string[];
  reachedButShouldNot: string[];
}

function list(value: string | undefined): string[] {
  return value === undefined || value === "none" ? [] : value.split(",");
}

export function parseVerdict(line: string): GuestVerdict | undefined {
  const match = VERDICT.exec(line);
  if (match === null) return undefined;
  const fields = new Map<string, string>();
  for (const word of line.slice(match[0].length).split(" ")) {
    const equals = word.indexOf("=");
    if (equals > 0) fields.set(word.slice(0, equals), word.slice(equals + 1));
  }
  const address = fields.get("address");
  return {
    pass: match[1] === "PASS",
    line,
    ...(address === undefined ? {} : { address }),
    reached: list(fields.get("reached")).map((entry) => {
      const [target = "", rtt = ""] = entry.split("@");
      return { address: target, rttMs: Number(rtt.replace(/ms$/, "")) };
    }),
    unreachable: list(fields.get("unreachable")),
    notReached: list(fields.get("not-reached")),
    reachedButShouldNot: list(fields.get("reached-but-should-not")),
  };
}

export interface GuestNetworkConfig {
  /** The guest's address with its prefix, e.g. "192.168.0.2/24"; or give `ipArgument` instead. */
  address?: string;
  gateway?: string;
  /** The kernel's own `ip=…` argument, e.g. microvm-net's kernelIpArgument output. */
  ipArgument?: string;
  /** Ask a DHCP server (`ip=dhcp`: the guest runs busybox udhcpc). */
  dhcp?: boolean;
  /** An interface name; unset: the first interface that is not loopback. */
  interface?: string;
  /** Addresses the guest must reach by ping (its own is skipped, so a lab's guests may share one list). */
  reach?: readonly string[];
  /** Addresses the guest must not reach. */
  unreachable?: readonly string[];
  /** Check `unreachable` only once something has pinged the guest (the host's signal that all guests are up). */
  awaitPing?: boolean;
  /** How long the guest keeps trying each address to reach (default 180 s). */
  waitSeconds?: number;
  /** How long the guest stays up answering pings after its verdict (default 0: it powers off at once). */
  lingerSeconds?: number;
}

/** The kernel command line for the test guest: console on the first serial port, then its configuration. */
export function guestKernelArguments(config: GuestNetworkConfig): string {
  const words = ["console=ttyS0", "quiet"];
  if (config.ipArgument !== undefined) words.push(config.ipArgument);
  if (config.dhcp === true) words.push("ip=dhcp");
  if (config.address !== undefined) words.push(`tuntap.address=${config.address}`);
  if (config.gateway !== undefined) words.push(`tuntap.gateway=${config.gateway}`);
  if (config.interface !== undefined) words.push(`tuntap.interface=${config.interface}`);
  if (config.reach !== undefined && config.reach.length > 0) words.push(`tuntap.reach=${config.reach.join(",")}`);
  if (config.unreachable !== undefined && config.unreachable.length > 0) words.push(`tuntap.unreachable=${config.unreachable.join(",")}`);
  if (config.awaitPing === true) words.push("tuntap.await_ping=1");
  if (config.waitSeconds !== undefined) words.push(`tuntap.wait=${config.waitSeconds}`);
  if (config.lingerSeconds !== undefined) words.push(`tuntap.linger=${config.lingerSeconds}`);
  return words.join(" ");
}
