// `npm run bench -- --breakdown DIR`: after the timed repetitions, one more `pulumi up`, `refresh` and
// `destroy` per stack and N with every instrument on, kept apart from the timings they would slow:
// - the engine's gRPC traffic (PULUMI_DEBUG_GRPC): calls per resource, their time as the engine waits for them,
//   the bytes of the properties;
// - the CLI's Go CPU profile (`--profiling`): checkpoints, steps, the passphrase's key derivation;
// - V8 CPU profiles of the program and of the dynamic-provider host (processProfiler.ts);
// - the checkpoint's size after `up`.
// Everything is written under DIR/N<size>/<stack>/<command>/ and summed up on stdout.
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { formatMilliseconds } from "../statistics";
import { summarizeEngineProfile } from "./engineProfile";
import { summarizeGrpcLog } from "./grpcLog";
import type { Installation } from "./installation";
import { PROFILE_DIRECTORY_VARIABLE } from "./processProfiler";
import { summarizeProfiles } from "./profileSummary";
import type { BenchProject } from "./projects";
import { stackLabels } from "./programs";
import { type CliCommand, cliCommands, commandArgs, pulumi, readCheckpoint } from "./pulumiRun";

const ms = formatMilliseconds;

function profilesOf(directory: string, role: "program" | "host"): string[] {
  return readdirSync(directory)
    .filter((name) => name.startsWith(`${role}-`) && name.endsWith(".cpuprofile"))
    .map((name) => join(directory, name));
}

function printProfile(label: string, files: readonly string[], spawnedMicros: number): void {
  if (files.length === 0) return;
  const figures = summarizeProfiles(files);
  const top = (record: Record<string, number>) =>
    Object.entries(record)
      .filter(([, value]) => value >= 5)
      .sort((a, b) => b[1] - a[1])
      .map(([name, value]) => `${name} ${ms(value)}`)
      .join(", ");
  console.log(
    `    ${label}: ${figures.processes} process(es), from ${ms((figures.startMicros - spawnedMicros) / 1000)} to ${ms((figures.endMicros - spawnedMicros) / 1000)} after the CLI started; busy ${ms(figures.busyMs)}`,
  );
  console.log(`      self time by origin: ${top(figures.byOrigin)}`);
  console.log(`      inclusive time by stage: ${top(figures.byStage)}`);
}

function breakdownOne(installation: Installation, project: BenchProject, size: number, command: CliCommand, root: string): void {
  const directory = join(root, `N${size}`, project.kind, command);
  mkdirSync(directory, { recursive: true });
  const grpcLog = join(directory, "grpc.jsonl");
  const spawnedAt = Date.now();
  const spawnedMicros = Number(process.hrtime.bigint() / 1000n);
  const timing = pulumi(installation, project, [...commandArgs[command], "--profiling", join(directory, "engine")], {
    environment: {
      PULUMI_DEBUG_GRPC: grpcLog,
      NODE_OPTIONS: `--require ${join(__dirname, "processProfiler.js")}`,
      [PROFILE_DIRECTORY_VARIABLE]: directory,
    },
  });
  console.log(`  ${stackLabels[project.kind]}, N=${size}, pulumi ${command}: ${ms(timing.ms)}, cpu ${ms(timing.cpuMs)} (instrumented)`);
  if (command === "up") {
    const { bytes, resources } = readCheckpoint(project);
    console.log(`    checkpoint after up: ${bytes} bytes, ${resources.length} resources`);
  }
  const grpc = summarizeGrpcLog(grpcLog, spawnedAt);
  const run = grpc.run === undefined ? "" : `; the program ran from ${ms(grpc.run.startMs)} to ${ms(grpc.run.endMs)}`;
  console.log(`    engine's first call at ${ms(grpc.firstEntryMs)}, last answer at ${ms(grpc.lastEntryMs)}${run}`);
  for (const [name, provider] of Object.entries(grpc.providers)) {
    const first = provider.firstResourceCallMs === undefined ? "" : `, first resource call ${ms(provider.firstResourceCallMs)}`;
    console.log(`    provider ${name}: first call ${ms(provider.firstMs)}${first}, last answer ${ms(provider.lastMs)}`);
  }
  for (const method of grpc.methods.filter((figures) => figures.calls >= size || figures.totalMs >= 20)) {
    const each = method.calls === 0 ? "" : `, ${ms(method.totalMs / method.calls)} and ${Math.round(method.bytes / method.calls)} B each`;
    const when = method.firstCallMs === undefined ? "" : `; sent from ${ms(method.firstCallMs)} to ${ms(method.lastCallMs ?? 0)}, last answer ${ms(method.lastAnswerMs ?? 0)}`;
    console.log(`    ${method.method}: ${method.calls} calls, ${ms(method.totalMs)}${each}${when}`);
  }
  printProfile("program", profilesOf(directory, "program"), spawnedMicros);
  printProfile("provider host", profilesOf(directory, "host"), spawnedMicros);
  const engineProfile = readdirSync(directory).find((name) => name.startsWith("engine.") && name.endsWith(".cpu"));
  if (engineProfile !== undefined) {
    const engine = summarizeEngineProfile(join(directory, engineProfile));
    if (typeof engine === "string") console.log(`    CLI profile: ${engine}`);
    else
      console.log(
        `    CLI (Go) CPU ${ms(engine.totalMs)}: ${Object.entries(engine.parts)
          .map(([part, value]) => `${part.trim()} ${ms(value)}`)
          .join(", ")}`,
      );
  }
}

export function runBreakdown(installation: Installation, projects: readonly BenchProject[], size: number, root: string): void {
  console.log(`Where the time goes, N=${size} (one instrumented run per stack; files under ${root})`);
  for (const project of projects) {
    for (const command of cliCommands) breakdownOne(installation, project, size, command, root);
  }
}
