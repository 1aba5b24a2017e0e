// Processes as /proc shows them, for "nothing is left running" checks: a scenario's QEMUs and tunnel programs
// are found by a string only they carry on their command line (the scenario's own run directory, the tunnel
// program's path), whatever network namespace they run in and whoever started them.
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";

export interface LiveProcess {
  pid: number;
  /** The real uid (`Uid:` in /proc/PID/status). */
  uid: number;
  commandLine: string;
}

/** Gone, or a zombie waiting for its parent (a daemonized QEMU's is init) to reap it. */
export function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

function describeProcess(pid: number): LiveProcess | undefined {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return { pid, uid, commandLine };
  } catch {
    return undefined; // It ended while being read.
  }
}

/** Every running process, other than this one, whose command line contains `text`. */
export function liveProcessesMentioning(text: string): LiveProcess[] {
  return readdirSync("/proc")
    .filter((entry) => /^[0-9]+$/.test(entry) && Number(entry) !== process.pid)
    .map(Number)
    .filter((pid) => !processGone(pid))
    .map(describeProcess)
    .filter((found): found is LiveProcess => found !== undefined && found.commandLine.includes(text));
}

/**
 * The network namespaces this test file's processes run in, as /proc names them ("net:[4026532…]"): its own and
 * the named ones under its private /run/netns (support/privateNetns.ts). A daemon in any other namespace belongs
 * to someone else on the host — another copy of the suite running beside this one.
 */
function thisTestsNetworkNamespaces(): Set<string> {
  const named = existsSync("/run/netns") ? readdirSync("/run/netns") : [];
  return new Set([readlinkSync("/proc/self/ns/net"), ...named.map(namedNetworkNamespace)]);
}

/** A named network namespace (/run/netns/NAME) as /proc names it. */
export function namedNetworkNamespace(name: string): string {
  return `net:[${statSync(`/run/netns/${name}`).ino}]`;
}

/** The network namespace a process runs in, as /proc names it; undefined once it ended. */
export function networkNamespaceOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/**
 * The dnsmasqs a LabNetwork of this test file runs with its pid file under `runRoot`: that directory is the same
 * in every copy of the suite on a host, the network namespaces are not.
 */
export function thisTestsDnsmasqs(runRoot: string): LiveProcess[] {
  const ours = thisTestsNetworkNamespaces();
  return liveProcessesMentioning(`--pid-file=${runRoot}/`).filter((found) => found.commandLine.startsWith("dnsmasq ") && ours.has(networkNamespaceOf(found.pid) ?? ""));
}
