// Finding and stopping the dynamic-provider host from outside, as a crash would: the host is the process tree
// of `pulumi-resource-pulumi-nodejs` (a shell script that runs node without exec), started by the pulumi CLI
// this process started. It is found in /proc among this process's descendants, so no hook in the engine is
// needed, and only our own host is hit.
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";

const PLUGIN = "pulumi-resource-pulumi-nodejs";

interface ProcessEntry {
  pid: number;
  ppid: number;
  commandLine: string;
}

function processTable(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const commandLine = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").join(" ");
      entries.push({ pid: Number(name), ppid: Number(fields[1]), commandLine });
    } catch {
      // Gone while we looked.
    }
  }
  return entries;
}

function descendantsOf(root: number, table: readonly ProcessEntry[]): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  const parents = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const entry of table) {
      if (!parents.has(entry.ppid) || parents.has(entry.pid)) continue;
      parents.add(entry.pid);
      found.push(entry);
      grew = true;
    }
  }
  return found;
}

/** The pids of every running provider host below this process: each plugin script and everything under it. */
export function providerHostProcesses(): number[] {
  const table = processTable();
  const plugins = descendantsOf(process.pid, table).filter((entry) => entry.commandLine.includes(PLUGIN));
  return plugins.flatMap((plugin) => [plugin.pid, ...descendantsOf(plugin.pid, table).map((entry) => entry.pid)]);
}

/** The pids of the `pulumi` CLI processes below this process (the Automation API runs the CLI as a child). */
export function pulumiCliProcesses(): number[] {
  return descendantsOf(process.pid, processTable())
    .filter((entry) => basename(entry.commandLine.split(" ")[0] ?? "") === "pulumi")
    .map((entry) => entry.pid);
}

/** Sends `signal` to each of `pids`, ignoring those that are gone. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
