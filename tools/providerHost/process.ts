// Starting a resource plugin the way the engine does (plugin.go ExecPlugin/newPlugin): the executable with
// the engine's address as its argument, in the program's directory, in a process group of its own (the
// plugin script runs node without exec, so only the group reaches the real server), then the port it prints
// as the first line of stdout. Everything it writes afterwards, and its stderr, goes to `onOutput`.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * Process groups still running. A plugin runs detached (in its own group), so it would outlive this process
 * if the test were killed or crashed: whatever is left is killed on exit.
 */
const liveGroups = new Set<number>();
process.on("exit", () => {
  for (const pid of liveGroups) signalGroup(pid, "SIGKILL");
});

export interface PluginProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Ends the whole process group: TERM, then KILL if it has not gone after a grace period. */
  kill(): Promise<void>;
}

export interface PluginSpawnOptions {
  executable: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  onOutput: (line: string, stream: "stdout" | "stderr") => void;
  /** How long to wait for the port line. */
  timeoutMs?: number;
}

export async function spawnPlugin(options: PluginSpawnOptions): Promise<PluginProcess> {
  const child = spawn(options.executable, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  if (child.pid !== undefined) liveGroups.add(child.pid);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  createInterface({ input: child.stderr! }).on("line", (line) => options.onOutput(line, "stderr"));
  const port = await new Promise<number>((resolve, reject) => {
    let seenPort = false;
    const timer = setTimeout(() => reject(new Error(`${options.executable} printed no port within ${options.timeoutMs ?? 30000} ms`)), options.timeoutMs ?? 30000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (seenPort) return options.onOutput(line, "stdout");
      seenPort = true;
      clearTimeout(timer);
      const parsed = Number.parseInt(line.trim(), 10);
      if (Number.isInteger(parsed) && parsed > 0) resolve(parsed);
      else reject(new Error(`${options.executable}: expected its port on the first line of stdout, got ${JSON.stringify(line)}`));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!seenPort) reject(new Error(`${options.executable} exited (${signal ?? code}) before printing its port`));
    });
  }).catch(async (error: unknown) => {
    await killGroup(child, exited);
    throw error;
  });
  return { child, port, kill: () => killGroup(child, exited) };
}

async function killGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup(pid, "SIGTERM");
    const gone = await Promise.race([exited.then(() => true), delay(3000).then(() => false)]);
    if (!gone) {
      signalGroup(pid, "SIGKILL");
      await exited;
    }
  }
  // The group may outlive its leader (the shell script's node child): make sure nothing of it is left.
  signalGroup(pid, "SIGKILL");
  liveGroups.delete(pid);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
