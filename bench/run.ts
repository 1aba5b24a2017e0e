// `npm run bench`, inside a private network namespace:
// 1. what users feel (bench/cli): `pulumi up`, `refresh` and `destroy` of N taps typed in each stack's project
//    directory and run by the real CLI through the Node language host — our TapInterface from the package as
//    users install it (`npm pack`, `npm install <tgz>`), one `command.local.Command` per device running `ip`
//    through the real command plugin, and the floor of any dynamic provider (a no-op one, recorded by name) —
//    the stacks taking turns in each repetition; and the providers' start on their own;
// 2. where the time goes below the CLI: create+configure, read, in-place update and delete of N devices by our
//    provider (in process, and through Pulumi's real dynamic-provider host over gRPC) and by the baselines
//    people would otherwise use (`ip` per step, `ip -batch`), side by side in one run.
//
//   npm run bench                          # CLI: N = 1, 10, 100, 1000, TapPool at 1000, 10000; provider: N = 10, 100, 1000
//   npm run bench -- --cli-sizes 100,1000 --cli-large-repetitions 1 --sizes 0 --pool-sizes 1000
//   npm run bench -- --cli-sizes 100 --breakdown DIR   # + one instrumented run per stack: gRPC log, profiles
//   npm run bench -- --sizes 10,100 --repetitions 5 --methods inProcess,ipBatch --cli-sizes 0
//   npm run bench -- --peers 100           # VXLAN peers reconciled for 100 hosts (bench/vxlanPeers.ts; 0 skips)
//   npm run bench -- --masquerade-sizes 10,100   # N Masquerades against nft -f (bench/masquerade.ts); 0 skips it
//
// The CLI stacks' projects are made first, outside the namespace (npm needs the registry), in a temporary
// directory removed at the end (`--keep-projects` keeps it).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release } from "node:os";
import { join, resolve } from "node:path";
import { rtnetlink } from "pulumi-tuntap/kernel";
import { type CliBenchResult, commandUpBySize, PREPARED_VARIABLE, prepareCliBench, printCliTable, printStateSizes, runCliBench } from "./cli/cliBench";
import { printPoolTable } from "./cli/poolBench";
import { insideBenchNamespace, runInBenchNamespace } from "./isolate";
import { runMasqueradeBench } from "./masquerade";
import { inProcessMethod } from "./methods/inProcess";
import { ipBatchMethod } from "./methods/ipBatch";
import { ipPerStepMethod } from "./methods/ipPerStep";
import { providerHostMethod } from "./methods/providerHost";
import { formatMicroseconds, formatMilliseconds, formatRatio, median } from "./statistics";
import { type PeerRow, printPeerTable, runPeerBench } from "./vxlanPeers";
import { type BenchDevice, type BenchMethod, type Phase, phases, workload } from "./workload";

interface Options {
  sizes: number[];
  cliSizes: number[];
  /** N for the TapPool stack (`--pool-sizes 0`: none). */
  poolSizes: number[];
  repetitions: number;
  /** Repetitions of the CLI part at N ≥ 1,000. */
  cliLargeRepetitions: number;
  keepProjects: boolean;
  breakdownDirectory: string | undefined;
  methods: string[] | undefined;
  output: string;
  peers: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index === -1 ? undefined : argv[index + 1];
  };
  const sizes = (text: string) => text.split(",").map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const repetitions = Number(value("--repetitions") ?? 3);
  const breakdown = value("--breakdown");
  return {
    sizes: sizes(value("--sizes") ?? "10,100,1000"),
    cliSizes: sizes(value("--cli-sizes") ?? "1,10,100,1000"),
    poolSizes: sizes(value("--pool-sizes") ?? "1000,10000"),
    repetitions,
    cliLargeRepetitions: Number(value("--cli-large-repetitions") ?? repetitions),
    keepProjects: argv.includes("--keep-projects"),
    // Absolute: the processes that write into it start in the stacks' own directories.
    breakdownDirectory: breakdown === undefined ? undefined : resolve(breakdown),
    methods: value("--methods")?.split(","),
    output: value("--output") ?? join(__dirname, "..", "..", "bench", "results", "latest.json"),
    peers: Number(value("--peers") ?? 100),
  };
}

/** The engine's default --parallel: four times the number of CPUs. */
const ENGINE_PARALLELISM = 4 * availableParallelism();
const WIDE_PARALLELISM = 1024;

function methodsFor(options: Options): BenchMethod[] {
  const all = [
    inProcessMethod(),
    providerHostMethod(ENGINE_PARALLELISM),
    // `pulumi destroy --parallel 1024`: how far batched teardown goes when the engine lets deletes arrive together.
    providerHostMethod(WIDE_PARALLELISM, "providerHostWide"),
    ipPerStepMethod(1),
    ipPerStepMethod(ENGINE_PARALLELISM),
    ipBatchMethod(),
  ];
  return options.methods === undefined ? all : all.filter((method) => options.methods?.includes(method.key));
}

/** Confirms a phase did its work, with our own dump: the baselines report no errors otherwise. */
function verify(phase: Phase, devices: readonly BenchDevice[], method: BenchMethod): void {
  const links = rtnetlink().dumpLinks("verify benchmark");
  const byName = new Map(links.map((link) => [link.name, link]));
  for (const device of devices) {
    const link = byName.get(device.name);
    const expectedMtu = phase === "create" || phase === "read" ? device.mtu : device.updatedMtu;
    const problem =
      phase === "delete" ? (link === undefined ? undefined : "still exists") : link === undefined ? "missing" : link.mtu !== expectedMtu ? `mtu ${link.mtu}` : undefined;
    if (problem !== undefined) throw new Error(`${method.key} ${phase}: ${device.name} ${problem}`);
  }
}

type Timings = Record<string, Record<Phase, number[]>>;

async function measure(methods: readonly BenchMethod[], size: number, repetitions: number): Promise<Timings> {
  const devices = workload(size);
  const timings: Timings = {};
  for (const method of methods) timings[method.key] = { create: [], read: [], update: [], delete: [] };
  // Methods take turns within each repetition, so that a slow moment of the machine hits them all alike.
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const method of methods) {
      for (const phase of phases) {
        const started = process.hrtime.bigint();
        await method.run(phase, devices);
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        verify(phase, devices, method);
        timings[method.key]?.[phase].push(elapsed);
      }
      process.stderr.write(`  N=${size} repetition ${repetition + 1}/${repetitions}: ${method.key} done\n`);
    }
  }
  return timings;
}

interface Row {
  method: string;
  label: string;
  phase: Phase;
  size: number;
  medianMs: number;
  perDeviceUs: number;
  versusIpPerStep: number | null;
  versusIpPerStepParallel: number | null;
  versusIpBatch: number | null;
  samplesMs: number[];
}

function rows(methods: readonly BenchMethod[], size: number, timings: Timings): Row[] {
  return phases.flatMap((phase) =>
    methods.map((method) => {
      const samples = timings[method.key]?.[phase] ?? [];
      const ours = median(samples);
      const baseline = (key: string) => {
        const samplesOf = timings[key]?.[phase];
        return samplesOf === undefined ? null : ours / median(samplesOf);
      };
      return {
        method: method.key,
        label: method.label,
        phase,
        size,
        medianMs: ours,
        perDeviceUs: (ours * 1000) / size,
        versusIpPerStep: baseline("ipPerStep"),
        versusIpPerStepParallel: baseline("ipPerStepParallel"),
        versusIpBatch: baseline("ipBatch"),
        samplesMs: samples,
      };
    }),
  );
}

function printTable(allRows: readonly Row[]): void {
  const header = ["N", "phase", "method", "median", "per device", "vs A", "vs A∥", "vs B"];
  const lines = allRows.map((row) => [
    String(row.size),
    row.phase,
    row.label,
    formatMilliseconds(row.medianMs),
    formatMicroseconds(row.perDeviceUs),
    row.versusIpPerStep === null ? "–" : formatRatio(row.versusIpPerStep, 1),
    row.versusIpPerStepParallel === null ? "–" : formatRatio(row.versusIpPerStepParallel, 1),
    row.versusIpBatch === null ? "–" : formatRatio(row.versusIpBatch, 1),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)));
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log(format(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(format(line));
  console.log("(ratios: this row's time ÷ the baseline's; below 1× means faster. A: ip per step one by one; A∥: the same at the engine's parallelism; B: ip -batch)");
}

/** Outside the namespace: prepares the CLI stacks (npm needs the network), measures inside, cleans up. */
function prepareAndMeasure(options: Options): number {
  const prepared = options.cliSizes.length + options.poolSizes.length > 0 ? prepareCliBench() : undefined;
  try {
    return runInBenchNamespace(prepared === undefined ? {} : { [PREPARED_VARIABLE]: prepared });
  } finally {
    if (prepared !== undefined && options.keepProjects) console.error(`projects kept in ${prepared}`);
    else if (prepared !== undefined) rmSync(prepared, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!insideBenchNamespace()) process.exit(prepareAndMeasure(options));
  const methods = methodsFor(options);
  const machine = { kernel: release(), cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? "unknown", node: process.version, engineParallelism: ENGINE_PARALLELISM };
  console.log(`pulumi-tuntap benchmark — Linux ${machine.kernel}, ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}`);
  console.log(`sizes ${options.sizes.join(", ")}; ${options.repetitions} repetitions; medians reported; load average ${loadavg().map((load) => load.toFixed(2)).join(" ")}\n`);
  let cli: CliBenchResult | undefined;
  if (options.cliSizes.length + options.poolSizes.length > 0) {
    console.log(`Through the Pulumi CLI: sizes ${options.cliSizes.join(", ")}; TapPool at ${options.poolSizes.join(", ")}`);
    const prepared = process.env[PREPARED_VARIABLE];
    if (prepared === undefined) throw new Error(`${PREPARED_VARIABLE} is not set: run the benchmark as \`npm run bench\``);
    const cliOptions = { sizes: options.cliSizes, poolSizes: options.poolSizes, repetitions: options.repetitions, largeRepetitions: options.cliLargeRepetitions };
    cli = await runCliBench(options.breakdownDirectory === undefined ? cliOptions : { ...cliOptions, breakdownDirectory: options.breakdownDirectory }, prepared);
    if (cli.rows.length > 0) printCliTable(cli.rows);
    if (cli.poolRows.length > 0) printPoolTable(cli.poolRows, commandUpBySize(cli.rows));
    printStateSizes(cli.stateBytes);
    console.log("");
  }
  let peerRows: PeerRow[] = [];
  if (options.peers > 0) {
    console.log(`VXLAN peers reconciled for N = ${options.peers} hosts`);
    peerRows = await runPeerBench({ peers: options.peers, repetitions: options.repetitions, cli: true });
    printPeerTable(peerRows);
    console.log("");
  }
  const allRows: Row[] = [];
  const figures: Record<string, Record<string, number>> = {};
  try {
    for (const size of options.sizes) {
      const timings = await measure(methods, size, options.repetitions);
      allRows.push(...rows(methods, size, timings));
      for (const method of methods) {
        const measured = method.figures?.();
        if (measured !== undefined) figures[`${method.key}@${size}`] = measured;
      }
    }
  } finally {
    for (const method of methods) await method.close?.();
  }
  if (allRows.length > 0) printTable(allRows);
  console.log("");
  const masqueradeRows = await runMasqueradeBench(process.argv.slice(2), options.repetitions);
  for (const [key, values] of Object.entries(figures)) {
    console.log(`${key}: ${Object.entries(values).map(([name, value]) => `${name} ${value}`).join(", ")}`);
  }
  mkdirSync(join(options.output, ".."), { recursive: true });
  writeFileSync(options.output, `${JSON.stringify({ date: new Date().toISOString(), machine, options, cli, peerRows, rows: allRows, figures, masqueradeRows }, null, 2)}\n`);
  console.log(`\nJSON: ${options.output}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
