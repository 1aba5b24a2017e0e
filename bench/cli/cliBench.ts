// What users feel: `pulumi up`, `pulumi refresh` and `pulumi destroy` of N taps, typed in each stack's project
// directory and run by the real CLI through the Node language host (programs.ts: our TapInterface from the
// packed package, one `command.local.Command` running `ip` per device through the real command plugin, and the
// no-op floor of any dynamic provider). Each command is timed end to end, CLI start included, as a user waits
// for it. Within each repetition the stacks take turns, so that a slow moment of the shared machine hits them
// alike, and the repetition's ratios are printed as soon as it ends; medians come at the end.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { formatMilliseconds, formatRatio, median } from "../statistics";
import { workload } from "../workload";
import { checkDevices } from "./devicesCheck";
import { type Installation, prepareInstallation } from "./installation";
import { type BenchProject, makeProjects } from "./projects";
import { NOOP_PACKAGE, type StackKind, stackKinds, stackLabels } from "./programs";
import { type CliCommand, cliCommands, commandArgs, pulumi, readCheckpoint, STACK, type Timing } from "./pulumiRun";
import { runBreakdown } from "./breakdown";
import { measurePluginStart, type PluginStartFigures, printPluginStart } from "./pluginStart";

export interface CliRow {
  size: number;
  command: CliCommand;
  /** Medians per stack kind: wall-clock and CPU milliseconds. */
  medianMs: Record<StackKind, number>;
  medianCpuMs: Record<StackKind, number>;
  samples: Record<StackKind, Timing[]>;
}

export interface CliBenchOptions {
  sizes: number[];
  repetitions: number;
  /** Repetitions at N ≥ 1,000, where one repetition of the three stacks takes minutes. */
  largeRepetitions: number;
  /** When set, one instrumented run per stack and N after the timed ones, its files here (breakdown.ts). */
  breakdownDirectory?: string;
}

export interface CliBenchResult {
  rows: CliRow[];
  /** The state's size after `pulumi up`, per N and kind. */
  stateBytes: Record<number, Partial<Record<StackKind, StateBytes>>>;
  pluginStart?: PluginStartFigures;
}

/** The provider each dynamic stack's state must record by its package's name, as users' states do. */
const recordedProvider: Partial<Record<StackKind, string>> = {
  tapInterface: 'require("pulumi-tuntap/providers/tapInterface")',
  noop: `require("${NOOP_PACKAGE}")`,
};

export interface StateBytes {
  /** One resource's entry, as compact JSON. */
  entry: number;
  /** The whole checkpoint file, as the backend writes it after every step. */
  checkpoint: number;
}

/** Checks the state names the installed package's provider; its size. */
function checkState(project: BenchProject, size: number): StateBytes {
  const { bytes, resources } = readCheckpoint(project);
  const ours = resources.filter((resource) => !resource.type.startsWith("pulumi:"));
  if (ours.length !== size) throw new Error(`${project.kind}: the state holds ${ours.length} resources, not ${size}`);
  const expected = recordedProvider[project.kind];
  const recorded = ours[0]?.outputs?.__provider;
  if (expected !== undefined && (typeof recorded !== "string" || !recorded.includes(expected))) {
    throw new Error(`${project.kind}: the state records the provider as ${JSON.stringify(recorded)?.slice(0, 200)}, not as ${expected}`);
  }
  return { entry: Buffer.byteLength(JSON.stringify(ours[0])), checkpoint: bytes };
}

/** "TapInterface 2.90 s (cpu 3.41 s), …; ours ÷ command 1.3×, …" for one command of one repetition or the medians. */
function ratioLine(wall: Record<StackKind, number>, cpu: Record<StackKind, number>): string {
  const parts = stackKinds.map((kind) => `${stackLabels[kind]} ${formatMilliseconds(wall[kind])} (cpu ${formatMilliseconds(cpu[kind])})`);
  const ratios = [
    `ours ÷ command ${formatRatio(wall.tapInterface, wall.command)}`,
    `ours ÷ floor ${formatRatio(wall.tapInterface, wall.noop)}`,
    `floor ÷ command ${formatRatio(wall.noop, wall.command)}`,
  ];
  return `${parts.join(", ")}; ${ratios.join(", ")}`;
}

/** Where the parent process left the prepared installation and projects for the measuring one. */
export const PREPARED_VARIABLE = "PULUMI_TUNTAP_BENCH_PROJECTS";

interface Prepared {
  installation: Installation;
  projects: BenchProject[];
}

/**
 * Outside the benchmark's network namespace, where npm reaches its registry: the installation, the packed
 * packages and the three installed projects, each with its stack, under a new directory (returned).
 */
export function prepareCliBench(): string {
  const root = mkdtempSync(join(tmpdir(), "pulumi-tuntap-bench-"));
  try {
    const installation = prepareInstallation(join(root, "pulumi-home"));
    const projects = makeProjects(root, stackKinds);
    for (const project of projects) pulumi(installation, project, ["stack", "init", STACK, "--non-interactive"]);
    writeFileSync(join(root, "prepared.json"), JSON.stringify({ installation, projects } satisfies Prepared));
    return root;
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

const PLUGIN_START_ROUNDS = 5;

/** Inside the namespace: the measurements, with what prepareCliBench() made under `root`. */
export async function runCliBench(options: CliBenchOptions, root: string): Promise<CliBenchResult> {
  const { installation, projects } = JSON.parse(readFileSync(join(root, "prepared.json"), "utf8")) as Prepared;
  const project = (kind: StackKind) => projects.find((candidate) => candidate.kind === kind) as BenchProject;
  const pluginStart = await measurePluginStart(installation, project("tapInterface"), project("command"), PLUGIN_START_ROUNDS);
  printPluginStart(pluginStart, PLUGIN_START_ROUNDS);
  return { ...runSizes(options, installation, projects), pluginStart };
}

function runSizes(options: CliBenchOptions, installation: Installation, projects: readonly BenchProject[]): CliBenchResult {
  const rows: CliRow[] = [];
  const stateBytes: Record<number, Partial<Record<StackKind, StateBytes>>> = {};
  for (const size of options.sizes) {
    const devices = workload(size);
    const samples = Object.fromEntries(cliCommands.map((name) => [name, Object.fromEntries(stackKinds.map((kind) => [kind, [] as Timing[]]))])) as Record<
      CliCommand,
      Record<StackKind, Timing[]>
    >;
    for (const project of projects) pulumi(installation, project, ["config", "set", "count", String(size)]);
    // Untimed: compiles each program once, so that TypeScript's cache serves the first timed run as it serves
    // a user's every run but the first.
    if (size === options.sizes[0]) for (const project of projects) pulumi(installation, project, ["preview", "--non-interactive"]);
    const repetitions = size >= 1000 ? options.largeRepetitions : options.repetitions;
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const project of projects) {
        const { kind } = project;
        samples.up[kind].push(pulumi(installation, project, commandArgs.up));
        if (kind !== "noop") checkDevices(stackLabels[kind], devices, true);
        stateBytes[size] = { ...stateBytes[size], [kind]: checkState(project, size) };
        samples.refresh[kind].push(pulumi(installation, project, commandArgs.refresh));
        samples.destroy[kind].push(pulumi(installation, project, commandArgs.destroy));
        if (kind !== "noop") checkDevices(stackLabels[kind], devices, false);
      }
      for (const name of cliCommands) {
        const of = (field: keyof Timing) => Object.fromEntries(stackKinds.map((kind) => [kind, samples[name][kind][repetition]?.[field] ?? Number.NaN])) as Record<StackKind, number>;
        process.stderr.write(`  N=${size} ${repetition + 1}/${repetitions} pulumi ${name}: ${ratioLine(of("ms"), of("cpuMs"))}\n`);
      }
      process.stderr.write(`  (load average ${loadavg().map((load) => load.toFixed(2)).join(" ")})\n`);
    }
    if (options.breakdownDirectory !== undefined) runBreakdown(installation, projects, size, options.breakdownDirectory);
    for (const name of cliCommands) {
      const medianOf = (field: keyof Timing) => Object.fromEntries(stackKinds.map((kind) => [kind, median(samples[name][kind].map((timing) => timing[field]))])) as Record<StackKind, number>;
      rows.push({ size, command: name, medianMs: medianOf("ms"), medianCpuMs: medianOf("cpuMs"), samples: samples[name] });
    }
  }
  return { rows, stateBytes };
}

function printTable(header: readonly string[], lines: readonly string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)));
  const format = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log(format(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(format(line));
}

export function printCliTable(rows: readonly CliRow[]): void {
  for (const [title, field] of [["wall-clock", "medianMs"], ["CPU (the command and every process it waited for)", "medianCpuMs"]] as const) {
    console.log(`Medians, ${title}:`);
    printTable(
      ["N", "runs", "command", ...stackKinds.map((kind) => stackLabels[kind]), "ours ÷ command", "ours ÷ floor", "floor ÷ command"],
      rows.map((row) => {
        const value = row[field];
        return [
          String(row.size),
          String(row.samples.tapInterface.length),
          `pulumi ${row.command}`,
          ...stackKinds.map((kind) => formatMilliseconds(value[kind])),
          formatRatio(value.tapInterface, value.command),
          formatRatio(value.tapInterface, value.noop),
          formatRatio(value.noop, value.command),
        ];
      }),
    );
  }
  console.log("(`pulumi <command> --yes --skip-preview` typed in each stack's directory, CLI start included; floor: a no-op dynamic provider recorded by name)");
}

export function printStateSizes(stateBytes: CliBenchResult["stateBytes"]): void {
  for (const [size, byKind] of Object.entries(stateBytes)) {
    const parts = stackKinds.flatMap((kind) => {
      const bytes = byKind[kind];
      return bytes === undefined ? [] : [`${stackLabels[kind]} ${bytes.entry} B per resource (checkpoint ${(bytes.checkpoint / 1024).toFixed(0)} KiB)`];
    });
    console.log(`state after up, N=${size}: ${parts.join("; ")}`);
  }
}
