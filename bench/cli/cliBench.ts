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
import { emptyPoolSamples, type PoolRow, poolRows, runPoolRepetition } from "./poolBench";

/** One resource per device. */
type SingleKind = (typeof stackKinds)[number];

export interface CliRow {
  size: number;
  command: CliCommand;
  /** Medians per stack kind: wall-clock and CPU milliseconds. */
  medianMs: Record<SingleKind, number>;
  medianCpuMs: Record<SingleKind, number>;
  samples: Record<SingleKind, Timing[]>;
}

export interface CliBenchOptions {
  /** N for the stacks with one resource per device. */
  sizes: number[];
  /** N for the TapPool stack (taking turns with the others where both run). */
  poolSizes: number[];
  repetitions: number;
  /** Repetitions at N ≥ 1,000, where one repetition of the three stacks takes minutes. */
  largeRepetitions: number;
  /** When set, one instrumented run per stack and N after the timed ones, its files here (breakdown.ts). */
  breakdownDirectory?: string;
}

export interface CliBenchResult {
  rows: CliRow[];
  poolRows: PoolRow[];
  /** The state's size after `pulumi up`, per N and kind. */
  stateBytes: Record<number, Partial<Record<StackKind, StateBytes>>>;
  pluginStart?: PluginStartFigures;
}

/** The provider each dynamic stack's state must record by its package's name, as users' states do. */
const recordedProvider: Partial<Record<StackKind, string>> = {
  tapInterface: 'require("pulumi-tuntap/classProviders").of("tapInterface")',
  tapPool: 'require("pulumi-tuntap/classProviders").of("tapPool", ["devices"])',
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
  const expectedCount = project.kind === "tapPool" ? 1 : size;
  if (ours.length !== expectedCount) throw new Error(`${project.kind}: the state holds ${ours.length} resources, not ${expectedCount}`);
  const expected = recordedProvider[project.kind];
  const recorded = ours[0]?.outputs?.__provider;
  if (expected !== undefined && (typeof recorded !== "string" || !recorded.includes(expected))) {
    throw new Error(`${project.kind}: the state records the provider as ${JSON.stringify(recorded)?.slice(0, 200)}, not as ${expected}`);
  }
  return { entry: Buffer.byteLength(JSON.stringify(ours[0])), checkpoint: bytes };
}

/** "TapInterface 2.90 s (cpu 3.41 s), …; ours ÷ command 1.3×, …" for one command of one repetition or the medians. */
function ratioLine(wall: Record<SingleKind, number>, cpu: Record<SingleKind, number>): string {
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
    const projects = makeProjects(root, [...stackKinds, "tapPool"]);
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
  const pooled: PoolRow[] = [];
  const stateBytes: Record<number, Partial<Record<StackKind, StateBytes>>> = {};
  const sizes = [...new Set([...options.sizes, ...options.poolSizes])].sort((a, b) => a - b);
  for (const size of sizes) {
    const devices = workload(size);
    const singles = options.sizes.includes(size) ? projects.filter((project) => project.kind !== "tapPool") : [];
    const pool = options.poolSizes.includes(size) ? projects.find((project) => project.kind === "tapPool") : undefined;
    const running = pool === undefined ? singles : [...singles, pool];
    const samples = Object.fromEntries(cliCommands.map((name) => [name, Object.fromEntries(stackKinds.map((kind) => [kind, [] as Timing[]]))])) as Record<
      CliCommand,
      Record<SingleKind, Timing[]>
    >;
    const poolSamples = emptyPoolSamples();
    for (const project of running) pulumi(installation, project, ["config", "set", "count", String(size)]);
    // Untimed: compiles each program once, so that TypeScript's cache serves the first timed run as it serves
    // a user's every run but the first.
    if (size === sizes[0]) for (const project of running) pulumi(installation, project, ["preview", "--non-interactive"]);
    const repetitions = size >= 1000 ? options.largeRepetitions : options.repetitions;
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const project of singles) {
        const kind = project.kind as SingleKind;
        samples.up[kind].push(pulumi(installation, project, commandArgs.up));
        if (kind !== "noop") checkDevices(stackLabels[kind], devices, true);
        stateBytes[size] = { ...stateBytes[size], [kind]: checkState(project, size) };
        samples.refresh[kind].push(pulumi(installation, project, commandArgs.refresh));
        samples.destroy[kind].push(pulumi(installation, project, commandArgs.destroy));
        if (kind !== "noop") checkDevices(stackLabels[kind], devices, false);
      }
      if (pool !== undefined) runPoolRepetition(installation, pool, devices, poolSamples, () => (stateBytes[size] = { ...stateBytes[size], tapPool: checkState(pool, size) }));
      if (singles.length === 0) continue;
      for (const name of cliCommands) {
        const of = (field: keyof Timing) => Object.fromEntries(stackKinds.map((kind) => [kind, samples[name][kind][repetition]?.[field] ?? Number.NaN])) as Record<SingleKind, number>;
        process.stderr.write(`  N=${size} ${repetition + 1}/${repetitions} pulumi ${name}: ${ratioLine(of("ms"), of("cpuMs"))}\n`);
      }
      process.stderr.write(`  (load average ${loadavg().map((load) => load.toFixed(2)).join(" ")})\n`);
    }
    if (options.breakdownDirectory !== undefined) runBreakdown(installation, running, size, options.breakdownDirectory);
    if (pool !== undefined) pooled.push(...poolRows(size, poolSamples));
    if (singles.length === 0) continue;
    for (const name of cliCommands) {
      const medianOf = (field: keyof Timing) => Object.fromEntries(stackKinds.map((kind) => [kind, median(samples[name][kind].map((timing) => timing[field]))])) as Record<SingleKind, number>;
      rows.push({ size, command: name, medianMs: medianOf("ms"), medianCpuMs: medianOf("cpuMs"), samples: samples[name] });
    }
  }
  return { rows, poolRows: pooled, stateBytes };
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

/** command + ip's `pulumi up` medians by N, for the pool's ratios. */
export function commandUpBySize(rows: readonly CliRow[]): Map<number, { ms: number; cpuMs: number }> {
  return new Map(rows.filter((row) => row.command === "up").map((row) => [row.size, { ms: row.medianMs.command, cpuMs: row.medianCpuMs.command }]));
}

export function printStateSizes(stateBytes: CliBenchResult["stateBytes"]): void {
  for (const [size, byKind] of Object.entries(stateBytes)) {
    const parts = ([...stackKinds, "tapPool"] as const).flatMap((kind) => {
      const bytes = byKind[kind];
      return bytes === undefined ? [] : [`${stackLabels[kind]} ${bytes.entry} B per resource (checkpoint ${(bytes.checkpoint / 1024).toFixed(0)} KiB)`];
    });
    console.log(`state after up, N=${size}: ${parts.join("; ")}`);
  }
}
