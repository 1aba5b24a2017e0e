// What users feel: `pulumi up`, `pulumi refresh` and `pulumi destroy` of N devices through the real CLI (the
// pinned build, Automation API, local file backend), for our TapInterface (the package installed as users
// install it) against the engine's own floor (N no-op dynamic resources) and against an `ip` process per
// resource. Each command is timed end to end, CLI start included, as a user waits for it; the three stacks
// take turns within each repetition.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { rtnetlink } from "pulumi-tuntap/kernel";
import { installPackage, type PulumiTuntap, releaseInstalledPackage } from "../../tools/installedPackage";
import { localBackendEnvironment, pinnedPulumiBin, repositoryRoot } from "../../tools/pulumiCli";
import { formatMilliseconds, formatRatio, median } from "../statistics";
import { type BenchDevice, workload } from "../workload";
import { PROFILE_DIRECTORY_VARIABLE } from "./hostProfiler";
import { benchProgram, type StackKind } from "./programs";

export const cliCommands = ["up", "refresh", "destroy"] as const;
export type CliCommand = (typeof cliCommands)[number];
const kinds: readonly StackKind[] = ["tapInterface", "noop", "ipCommand"];

export interface CliRow {
  size: number;
  command: CliCommand;
  /** Median milliseconds per stack kind. */
  medianMs: Record<StackKind, number>;
  samplesMs: Record<StackKind, number[]>;
  /** TapInterface ÷ no-op: 1.15 means 15 % over the engine's floor. */
  versusFloor: number;
  versusIpCommand: number;
}

export interface CliBenchOptions {
  sizes: number[];
  repetitions: number;
  /** When set, the provider host of the TapInterface stacks writes V8 CPU profiles here. */
  profileDirectory?: string;
}

async function openStack(command: PulumiCommand, bin: string, kind: StackKind, devices: readonly BenchDevice[], installed: PulumiTuntap, profileDirectory?: string): Promise<{ stack: Stack; directory: string }> {
  const stacks = join(repositoryRoot, ".build", "bench-stacks");
  mkdirSync(stacks, { recursive: true });
  // Inside the repository: the provider host starts here and must resolve pulumi-tuntap and @pulumi/pulumi.
  const directory = mkdtempSync(join(stacks, `${kind}-`));
  mkdirSync(join(directory, "backend"));
  const envVars = localBackendEnvironment({ backend: join(directory, "backend"), home: join(directory, "home"), passphrase: "", binDirectory: bin });
  if (profileDirectory !== undefined && kind === "tapInterface") {
    envVars.NODE_OPTIONS = `--require ${join(__dirname, "hostProfiler.js")}`;
    envVars[PROFILE_DIRECTORY_VARIABLE] = profileDirectory;
  }
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "bench", projectName: `bench-${kind.toLowerCase()}`, program: benchProgram(kind, devices, installed) },
    { workDir: directory, pulumiCommand: command, envVars, projectSettings: { name: `bench-${kind.toLowerCase()}`, runtime: "nodejs" } },
  );
  return { stack, directory };
}

function verifyDevices(kind: StackKind, devices: readonly BenchDevice[], present: boolean): void {
  if (kind === "noop") return;
  const byName = new Map(rtnetlink().dumpLinks("verify CLI benchmark").map((link) => [link.name, link]));
  for (const device of devices) {
    const link = byName.get(device.name);
    if (present && link?.mtu !== device.mtu) throw new Error(`${kind}: after up, ${device.name} is ${link === undefined ? "missing" : `at mtu ${link.mtu}`}`);
    if (!present && link !== undefined) throw new Error(`${kind}: after destroy, ${device.name} still exists`);
  }
}

/** The state records the installed package's provider by name, as users get it, not the shim's text. */
async function verifyProviderByName(stack: Stack): Promise<void> {
  const { deployment } = await stack.exportStack();
  const resources = (deployment as { resources?: { type: string; outputs?: Record<string, unknown> }[] }).resources ?? [];
  const recorded = resources.find((resource) => resource.type.endsWith(":TapInterface"))?.outputs?.__provider;
  if (typeof recorded !== "string" || !recorded.includes('require("pulumi-tuntap/providers/tapInterface")')) {
    throw new Error(`tapInterface: the state records the provider as ${JSON.stringify(recorded)?.slice(0, 200)}, not by the installed package's name`);
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function runCliBench(options: CliBenchOptions): Promise<CliRow[]> {
  const bin = pinnedPulumiBin();
  const command = await PulumiCommand.get({ root: join(bin, "..") });
  const installed = installPackage();
  try {
    return await runSizes(options, command, bin, installed);
  } finally {
    releaseInstalledPackage();
  }
}

async function runSizes(options: CliBenchOptions, command: PulumiCommand, bin: string, installed: PulumiTuntap): Promise<CliRow[]> {
  const rows: CliRow[] = [];
  for (const size of options.sizes) {
    const devices = workload(size);
    const samples = Object.fromEntries(cliCommands.map((name) => [name, Object.fromEntries(kinds.map((kind) => [kind, [] as number[]]))])) as Record<
      CliCommand,
      Record<StackKind, number[]>
    >;
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      for (const kind of kinds) {
        const { stack, directory } = await openStack(command, bin, kind, devices, installed, options.profileDirectory);
        try {
          samples.up[kind].push(await timed(() => stack.up()));
          verifyDevices(kind, devices, true);
          if (kind === "tapInterface") await verifyProviderByName(stack);
          samples.refresh[kind].push(await timed(() => stack.refresh()));
          samples.destroy[kind].push(await timed(() => stack.destroy()));
          verifyDevices(kind, devices, false);
        } finally {
          rmSync(directory, { recursive: true, force: true });
        }
        process.stderr.write(`  CLI N=${size} repetition ${repetition + 1}/${options.repetitions}: ${kind} done\n`);
      }
    }
    for (const name of cliCommands) {
      const medianMs = Object.fromEntries(kinds.map((kind) => [kind, median(samples[name][kind])])) as Record<StackKind, number>;
      rows.push({
        size,
        command: name,
        medianMs,
        samplesMs: samples[name],
        versusFloor: medianMs.tapInterface / medianMs.noop,
        versusIpCommand: medianMs.tapInterface / medianMs.ipCommand,
      });
    }
  }
  return rows;
}

export function printCliTable(rows: readonly CliRow[]): void {
  const header = ["N", "command", "TapInterface", "engine floor (no-op)", "ip per resource", "ours ÷ floor", "ours ÷ ip"];
  const lines = rows.map((row) => [
    String(row.size),
    `pulumi ${row.command}`,
    formatMilliseconds(row.medianMs.tapInterface),
    formatMilliseconds(row.medianMs.noop),
    formatMilliseconds(row.medianMs.ipCommand),
    formatRatio(row.medianMs.tapInterface, row.medianMs.noop),
    formatRatio(row.medianMs.tapInterface, row.medianMs.ipCommand),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)));
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log(format(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(format(line));
  console.log("(medians, CLI start included; floor: N no-op dynamic resources; ip per resource: one `sh -c 'ip …'` per create/update/delete, as local.Command)");
}
