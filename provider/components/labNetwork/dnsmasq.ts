// The DHCP server of a LabNetwork: dnsmasq (Debian's dnsmasq-base, the same binary libvirt runs for its networks),
// started and stopped by @pulumi/command's local.Command with the shell commands made here. Pure: the command lines
// are strings, tested as such.
//
// dnsmasq reads no configuration file of the host (--conf-file=/dev/null), listens on the lab's gateway address
// only, and answers DHCP on the bridge only (--bind-dynamic, as libvirt: several dnsmasqs — libvirt's, another
// lab's — share one host). It forks once its sockets are bound and its pid file written, so a create that returns
// means DHCP is being served, and a create that fails carries dnsmasq's own words (a port taken, a missing bridge).
import type { LabNetworkPlan } from "./model";

export const DNSMASQ_BINARY = "dnsmasq";

export interface DnsmasqFiles {
  pidFile: string;
  leasesFile: string;
  logFile: string;
}

export function dnsmasqFiles(runDirectory: string): DnsmasqFiles {
  return { pidFile: `${runDirectory}/dnsmasq.pid`, leasesFile: `${runDirectory}/dnsmasq.leases`, logFile: `${runDirectory}/dnsmasq.log` };
}

/** One shell word: left bare when safe, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}

function rangeSize(range: { start: string; end: string }): number {
  const value = (address: string) => address.split(".").reduce((sum, part) => sum * 256 + Number(part), 0);
  return value(range.end) - value(range.start) + 1;
}

/** dnsmasq's argv (binary first; under `ip netns exec` when the lab lives in a named namespace). */
export function dnsmasqArguments(plan: LabNetworkPlan, bridgeName: string): string[] {
  const dhcp = plan.dhcp;
  if (dhcp === undefined) throw new Error("this LabNetwork serves no DHCP");
  const files = dnsmasqFiles(plan.runDirectory);
  const argv = [
    DNSMASQ_BINARY,
    "--conf-file=/dev/null",
    "--strict-order",
    "--bind-dynamic",
    "--except-interface=lo",
    `--interface=${bridgeName}`,
    `--listen-address=${plan.gateway}`,
    `--dhcp-range=${dhcp.range.start},${dhcp.range.end},${plan.netmask},${dhcp.leaseTime}`,
    "--dhcp-no-override",
    "--dhcp-authoritative",
    // Room for every address of the range and every fixed lease (dnsmasq's default stops at 1000).
    `--dhcp-lease-max=${rangeSize(dhcp.range) + dhcp.hosts.length}`,
    ...dhcp.hosts.map((host) => `--dhcp-host=${[host.macAddress, host.address, ...(host.name === undefined ? [] : [host.name])].join(",")}`),
    `--dhcp-leasefile=${files.leasesFile}`,
    `--pid-file=${files.pidFile}`,
    `--log-facility=${files.logFile}`,
    "--log-dhcp",
  ];
  // "gateway": dnsmasq answers DNS on the gateway address, forwarding to the host's resolvers, and hands itself out.
  if (dhcp.dns === "none") argv.push("--port=0");
  else if (Array.isArray(dhcp.dns)) argv.push("--port=0", `--dhcp-option=option:dns-server,${dhcp.dns.join(",")}`);
  return plan.netns === undefined ? argv : ["ip", "netns", "exec", plan.netns, ...argv];
}

/**
 * The process of this pid file, when it is this lab's dnsmasq: its name is dnsmasq and its command line names this
 * pid file. A pid file left by a crash whose pid has since gone to another process is never taken for it.
 */
function ourDnsmasq(pidFile: string): string {
  const file = shellQuote(pidFile);
  return (
    `pid=$(cat ${file} 2>/dev/null) || pid=""; ` +
    `case "$pid" in ''|*[!0-9]*) pid="" ;; esac; ` +
    `if [ -n "$pid" ] && { [ "$(cat /proc/$pid/comm 2>/dev/null)" != dnsmasq ] || ! tr '\\0' '\\n' </proc/$pid/cmdline | grep -qxF -- ${shellQuote(`--pid-file=${pidFile}`)}; }; then pid=""; fi`
  );
}

/** local.Command's create: the run directory made, refused if this lab's dnsmasq runs already, dnsmasq started. */
export function dnsmasqStartCommand(plan: LabNetworkPlan, bridgeName: string): string {
  const files = dnsmasqFiles(plan.runDirectory);
  return [
    "set -e",
    `install -d -m 0755 ${shellQuote(plan.runDirectory)}`,
    ourDnsmasq(files.pidFile),
    `if [ -n "$pid" ]; then echo "dnsmasq already runs for this lab (pid $pid, ${files.pidFile}): stop it, or give this LabNetwork another runDirectory" >&2; exit 1; fi`,
    `rm -f ${shellQuote(files.pidFile)}`,
    `exec ${shellCommand(dnsmasqArguments(plan, bridgeName))}`,
  ].join("\n");
}

/**
 * local.Command's delete: this lab's dnsmasq stopped (SIGTERM; SIGKILL after 30 s), waited for, and its pid and
 * lease files removed, as libvirt's net-destroy forgets its leases. The log stays, for after the fact. One already
 * gone is fine.
 */
export function dnsmasqStopCommand(runDirectory: string): string {
  const files = dnsmasqFiles(runDirectory);
  const running = `[ -n "$(sed -n 's/^State:[[:space:]]*\\([^Z]\\).*/\\1/p' /proc/$pid/status 2>/dev/null)" ]`;
  return [
    ourDnsmasq(files.pidFile),
    `if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; i=0; while ${running}; do i=$((i + 1)); [ "$i" -eq 300 ] && kill -KILL "$pid" 2>/dev/null; sleep 0.1; done; fi`,
    `rm -f ${shellQuote(files.pidFile)} ${shellQuote(files.leasesFile)}`,
  ].join("\n");
}
