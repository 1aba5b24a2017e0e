// Runs test guests under QEMU and reports what they did: the verdict their init printed, how long they took
// to boot (QEMU started → init running) and to print it, and the round trips they measured.
//
// Two ways to start one, both as an unprivileged user and both stopped for sure (a hang guard kills QEMU
// after a generous time; a process exit kills whatever is left):
// - startGuest: QEMU as a child process with the serial console on stdio (or a `-serial file:` log);
// - startDaemonizedGuest: exactly the shell commands a stack gives `@pulumi/command`'s local.Command (vm-lab's
//   create and delete), which daemonize QEMU with a pid file and log the console to a file.
// And one that the stack itself started (vm-lab with startVms): followStackGuest reads its console log and
// pid file; the stack stops it.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { shellCommand } from "../../../examples/vm-lab/qemu";
import { followFile, GuestConsole } from "./console";
import { processGone } from "./processes";
import type { UnprivilegedUser } from "./unprivileged";
import { type GuestVerdict, INIT_RUNNING, NETWORK_UP, parseVerdict, VERDICT } from "./verdict";

/** Long enough for a loaded 2-CPU machine running several TCG guests at once; only a guard against a hang. */
export const DEFAULT_HANG_GUARD_MS = 300_000;

export interface GuestReport {
  name: string;
  verdict: GuestVerdict;
  /** QEMU started → the guest's init printed its first line. */
  bootMs: number;
  /** QEMU started → the network interface configured. */
  upMs: number;
  /** QEMU started → the verdict. */
  verdictMs: number;
  /** The line that said the network is up (interface, MAC, queues, address). */
  upLine: string;
}

export interface RunningGuest {
  readonly name: string;
  /** What was started, as a shell command line (the user switch aside, for startGuest). */
  readonly command: string;
  readonly console: GuestConsole;
  /** Waits for the verdict; rejects with the console's last lines if QEMU ends or hangs first. */
  report(): Promise<GuestReport>;
  /** Stops QEMU (if still running) and waits until it is gone. */
  stop(): Promise<void>;
}

const livePids = new Set<number>();
process.on("exit", () => {
  for (const pid of livePids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
});

async function reportOf(name: string, console: GuestConsole): Promise<GuestReport> {
  const boot = await console.waitFor(INIT_RUNNING);
  const verdictLine = await console.waitFor(VERDICT);
  const up = console.lines.find((line) => NETWORK_UP.test(line.text));
  const verdict = parseVerdict(verdictLine.text);
  if (verdict === undefined) throw new Error(`${name}: unreadable verdict: ${verdictLine.text}`);
  return { name, verdict, bootMs: boot.atMs, upMs: up?.atMs ?? Number.NaN, verdictMs: verdictLine.atMs, upLine: up?.text ?? "" };
}

/** SIGTERM, then SIGKILL if it has not gone after `graceMs`; resolves once the process is gone. */
async function terminate(pid: number, graceMs = 10_000): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    livePids.delete(pid);
    return;
  }
  const started = Date.now();
  while (!processGone(pid)) {
    if (Date.now() - started > graceMs) process.kill(pid, "SIGKILL");
    await delay(50);
  }
  livePids.delete(pid);
}

export interface StartGuestOptions {
  name: string;
  /** QEMU's argv, binary first (or shellArgv(command) for a command line quoted for a shell). */
  argv: readonly string[];
  user: UnprivilegedUser;
  /** The file the command line sends the serial console to (`-serial file:PATH`); unset: its stdio. */
  consoleLog?: string;
  hangGuardMs?: number;
}

/** Runs a QEMU command line quoted for a shell (vm-lab's `qemuCommand` output) as the shell's own process. */
export function shellArgv(command: string): string[] {
  return ["sh", "-c", `exec ${command}`];
}

/** Starts QEMU as `user` (no capability, no supplementary group) and follows its console. */
export function startGuest(options: StartGuestOptions): RunningGuest & { exited: Promise<number | null> } {
  const [binary, ...args] = options.argv;
  if (binary === undefined) throw new Error("no QEMU command line");
  const console = new GuestConsole(options.name);
  const child: ChildProcess = spawn(binary, args, { uid: options.user.uid, gid: options.user.gid, stdio: ["pipe", "pipe", "pipe"] });
  if (child.pid !== undefined) livePids.add(child.pid);
  const stopFollowing = options.consoleLog === undefined ? undefined : followFile(options.consoleLog, console);
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => console.push(chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const guard = setTimeout(() => {
    console.end(`hang guard: no end after ${(options.hangGuardMs ?? DEFAULT_HANG_GUARD_MS) / 1000} s, QEMU killed`);
    child.kill("SIGKILL");
  }, options.hangGuardMs ?? DEFAULT_HANG_GUARD_MS);
  const exited = new Promise<number | null>((resolve) => {
    child.on("error", (error) => {
      console.end(`QEMU could not start (${error.message})`);
      resolve(null);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(guard);
      if (child.pid !== undefined) livePids.delete(child.pid);
      stopFollowing?.();
      console.end(`QEMU exited (${signal ?? `status ${code}`}; its stderr: ${stderr.trim() || "empty"})`);
      resolve(code);
    });
  });
  return {
    name: options.name,
    command: options.argv[0] === "sh" ? (options.argv[2] ?? "").replace(/^exec /, "") : shellCommand(options.argv),
    console,
    exited,
    report: () => reportOf(options.name, console),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) await terminate(child.pid);
      await exited;
    },
  };
}

export interface DaemonizedGuestOptions {
  name: string;
  /** The shell command that starts QEMU in the background (local.Command's `create`). */
  create: string;
  /** The shell command that stops it (local.Command's `delete`). */
  delete: string;
  /** The console log and pid file that the commands name. */
  consoleLog: string;
  pidFile: string;
  hangGuardMs?: number;
}

/** Runs `create` as local.Command would (`sh -c`), then follows the console log until `stop` runs `delete`. */
export function startDaemonizedGuest(options: DaemonizedGuestOptions): RunningGuest {
  if (existsSync(options.consoleLog)) throw new Error(`${options.consoleLog} exists already: give each run a fresh directory`);
  const console = new GuestConsole(options.name);
  const created = spawnSync("sh", ["-c", options.create], { encoding: "utf8" });
  if (created.status !== 0) throw new Error(`${options.name}: create failed (exit ${created.status}): ${created.stderr}`);
  const pid = Number(readFileSync(options.pidFile, "utf8").trim());
  livePids.add(pid);
  const stopFollowing = followFile(options.consoleLog, console);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      clearTimeout(guard);
      const deleted = spawnSync("sh", ["-c", options.delete], { encoding: "utf8" });
      // delete signals QEMU and returns; wait until the process is really gone (or make it so).
      const started = Date.now();
      while (!processGone(pid) && Date.now() - started < 30_000) await delay(50);
      if (!processGone(pid)) await terminate(pid, 0);
      livePids.delete(pid);
      stopFollowing();
      console.end(`stopped by delete (exit ${deleted.status})`);
      if (deleted.status !== 0) throw new Error(`${options.name}: delete failed (exit ${deleted.status}): ${deleted.stderr}`);
    })();
    return stopped;
  };
  const guard = setTimeout(() => {
    console.end(`hang guard: no verdict after ${(options.hangGuardMs ?? DEFAULT_HANG_GUARD_MS) / 1000} s`);
    void stop();
  }, options.hangGuardMs ?? DEFAULT_HANG_GUARD_MS);
  return { name: options.name, command: options.create, console, report: () => reportOf(options.name, console), stop };
}

export interface StackGuestOptions {
  name: string;
  /** The console log and pid file the stack's start command names. */
  consoleLog: string;
  pidFile: string;
  hangGuardMs?: number;
}

/**
 * A guest whose QEMU the stack started (vm-lab with startVms: local.Command ran its start command), followed from
 * its console log and pid file. Call it once `pulumi up` has returned: QEMU has then opened (and emptied) the log.
 * The stack stops it (the command's delete); `stop` stops following and, should a failed test leave the QEMU
 * running, makes sure it is gone.
 */
export function followStackGuest(options: StackGuestOptions): RunningGuest & { readonly pid: number } {
  const pid = Number(readFileSync(options.pidFile, "utf8").trim());
  livePids.add(pid);
  const console = new GuestConsole(options.name);
  const stopFollowing = followFile(options.consoleLog, console);
  const guard = setTimeout(() => console.end(`hang guard: no verdict after ${(options.hangGuardMs ?? DEFAULT_HANG_GUARD_MS) / 1000} s`), options.hangGuardMs ?? DEFAULT_HANG_GUARD_MS);
  return {
    name: options.name,
    pid,
    command: `QEMU ${pid}, started by the stack`,
    console,
    report: () => reportOf(options.name, console),
    stop: async () => {
      clearTimeout(guard);
      stopFollowing();
      console.end("no longer followed");
      if (!processGone(pid)) await terminate(pid);
      livePids.delete(pid);
    },
  };
}
