// One `pulumi` command, typed in a stack's project directory as a user types it, timed end to end (the CLI's
// start, the language host and the program, the plugins, the engine, the checkpoints). Beside the wall time it
// reports the CPU time of the command and of every process it waited for (the language host, the program,
// the plugins, the shells and `ip`s a command plugin runs), as bash's `times` reads it: on a shared machine the
// CPU a stack burns is steadier than the time it waits.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Installation, stackEnvironment } from "./installation";
import { PROJECT_NAME } from "./programs";
import type { BenchProject } from "./projects";

export const STACK = "bench";

export const cliCommands = ["up", "refresh", "destroy"] as const;
export type CliCommand = (typeof cliCommands)[number];

/** Each command as a user runs it without a prompt; `up` without its preview. */
export const commandArgs: Record<CliCommand, string[]> = {
  up: ["up", "--yes", "--skip-preview", "--non-interactive"],
  refresh: ["refresh", "--yes", "--skip-preview", "--non-interactive"],
  destroy: ["destroy", "--yes", "--skip-preview", "--non-interactive"],
};

export interface RunOptions {
  /** Extra environment (profilers, PULUMI_DEBUG_GRPC). */
  environment?: Record<string, string>;
}

export interface Timing {
  /** Wall-clock milliseconds, as the user waits. */
  ms: number;
  /** User + system CPU milliseconds of the command and the processes it waited for. */
  cpuMs: number;
}

/** bash's `times`: "0m0.002s 0m0.000s" (the shell), then the same for its children. */
function childrenCpuMs(times: string): number {
  const line = times.trim().split("\n")[1] ?? "";
  const seconds = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((match) => Number(match[1]) * 60 + Number(match[2]));
  if (seconds.length !== 2) throw new Error(`unreadable output of bash's times: ${JSON.stringify(times)}`);
  return ((seconds[0] ?? 0) + (seconds[1] ?? 0)) * 1000;
}

/** Runs `pulumi <args>` in the project's directory, timed. Throws with the CLI's output on failure. */
export function pulumi(installation: Installation, project: BenchProject, args: readonly string[], options: RunOptions = {}): Timing {
  const started = process.hrtime.bigint();
  const result = spawnSync("bash", ["-c", 'pulumi "$@" 3>&-; status=$?; times >&3; exit $status', "pulumi", ...args], {
    cwd: project.directory,
    env: stackEnvironment(installation, project.backend, options.environment),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.split("\n").slice(-40).join("\n");
    throw new Error(`pulumi ${args.join(" ")} in ${project.directory} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
  }
  return { ms, cpuMs: childrenCpuMs(String(result.output[3] ?? "")) };
}

/** The stack's checkpoint as the file backend keeps it. */
export function checkpointPath(project: BenchProject): string {
  return join(project.backend, ".pulumi", "stacks", PROJECT_NAME, `${STACK}.json`);
}

export interface StateResource {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export function readCheckpoint(project: BenchProject): { bytes: number; resources: StateResource[] } {
  const path = checkpointPath(project);
  if (!existsSync(path)) throw new Error(`${project.kind}: no checkpoint at ${path}`);
  const text = readFileSync(path, "utf8");
  const parsed = JSON.parse(text) as { checkpoint?: { latest?: { resources?: StateResource[] } } };
  return { bytes: Buffer.byteLength(text), resources: parsed.checkpoint?.latest?.resources ?? [] };
}
