// The TapPool rows of the CLI benchmark: one TapPool of N devices — the same devices the other stacks make —
// through the same CLI, taking its turn with the other stacks where they run at the same N. Its commands:
// `pulumi up`, a second `pulumi up` with nothing to change (what a user runs again and again), `refresh` and
// `destroy`. The yardsticks: up ≥ 8× faster than one `command.local.Command` running `ip` per device,
// and the no-change up under 3 s.
import { loadavg } from "node:os";
import { formatMilliseconds, formatRatio, median } from "../statistics";
import type { BenchDevice } from "../workload";
import { checkDevices } from "./devicesCheck";
import type { Installation } from "./installation";
import type { BenchProject } from "./projects";
import { commandArgs, pulumi, type Timing } from "./pulumiRun";

export const poolCommands = ["up", "no-change up", "refresh", "destroy"] as const;
export type PoolCommand = (typeof poolCommands)[number];

export interface PoolRow {
  size: number;
  command: PoolCommand;
  medianMs: number;
  medianCpuMs: number;
  samples: Timing[];
}

export type PoolSamples = Record<PoolCommand, Timing[]>;

export function emptyPoolSamples(): PoolSamples {
  return { up: [], "no-change up": [], refresh: [], destroy: [] };
}

/** One repetition of the pool's commands, its devices checked with `ip -j` after up and after destroy. */
export function runPoolRepetition(installation: Installation, project: BenchProject, devices: readonly BenchDevice[], samples: PoolSamples, afterUp: () => void): void {
  samples.up.push(pulumi(installation, project, commandArgs.up));
  checkDevices("TapPool", devices, true);
  afterUp();
  samples["no-change up"].push(pulumi(installation, project, [...commandArgs.up, "--expect-no-changes"]));
  samples.refresh.push(pulumi(installation, project, commandArgs.refresh));
  samples.destroy.push(pulumi(installation, project, commandArgs.destroy));
  checkDevices("TapPool", devices, false);
  const last = (command: PoolCommand) => samples[command].at(-1);
  const parts = poolCommands.map((command) => `${command} ${formatMilliseconds(last(command)?.ms ?? Number.NaN)} (cpu ${formatMilliseconds(last(command)?.cpuMs ?? Number.NaN)})`);
  process.stderr.write(`  N=${devices.length} TapPool: ${parts.join(", ")} (load average ${loadavg().map((load) => load.toFixed(2)).join(" ")})\n`);
}

export function poolRows(size: number, samples: PoolSamples): PoolRow[] {
  return poolCommands.map((command) => ({
    size,
    command,
    medianMs: median(samples[command].map((timing) => timing.ms)),
    medianCpuMs: median(samples[command].map((timing) => timing.cpuMs)),
    samples: samples[command],
  }));
}

/**
 * The pool's medians beside one command.local.Command running `ip` per device at the same N, when the run
 * measured it (`commandUp`: its `pulumi up` medians, wall and CPU, by N).
 */
export function printPoolTable(rows: readonly PoolRow[], commandUp: ReadonlyMap<number, { ms: number; cpuMs: number }>): void {
  const header = ["N", "runs", "TapPool command", "wall", "cpu", "command + ip up (wall)", "command + ip ÷ TapPool"];
  const lines = rows.map((row) => {
    const command = row.command === "up" ? commandUp.get(row.size) : undefined;
    return [
      String(row.size),
      String(row.samples.length),
      `pulumi ${row.command}`,
      formatMilliseconds(row.medianMs),
      formatMilliseconds(row.medianCpuMs),
      command === undefined ? "–" : formatMilliseconds(command.ms),
      command === undefined ? "–" : `${formatRatio(command.ms, row.medianMs)} (cpu ${formatRatio(command.cpuMs, row.medianCpuMs)})`,
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)));
  const format = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log("TapPool, medians:");
  console.log(format(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(format(line));
  console.log("(one TapPool of N devices; no-change up: `pulumi up --expect-no-changes` right after up; command + ip: the same N devices, one command.local.Command each, in the same run)");
}
