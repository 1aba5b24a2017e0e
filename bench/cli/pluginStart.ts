// What a provider costs before its first call, measured on its own: the time from launching a plugin as the
// engine launches it (in the stack's directory, with the engine's address as its argument) to the gRPC port it
// prints, which is when the engine can talk to it.
// - the dynamic-provider host (`pulumi-resource-pulumi-nodejs`, a shell script that runs `node -e` to find the
//   host, then node with @pulumi/pulumi's host): what every dynamic provider pays and a Go plugin does not —
//   Node's start and @pulumi/pulumi's load;
// - `pulumi-resource-command`, the Go plugin, for comparison;
// - Node's own start (`node -e ""`), and our provider's first call as the host makes it (`check` of
//   pulumi-tuntap/providers/tapInterface, which loads its implementation: the model with zod, the kernel layer
//   with koffi, through Node's compile cache), what the first call of every command pays.
// The launches take turns, `rounds` times; medians are reported.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { formatMilliseconds, median } from "../statistics";
import { type Installation, stackEnvironment } from "./installation";
import type { BenchProject } from "./projects";

/** Launches `command` and resolves with the ms until it printed its first line, then ends its process group. */
function untilFirstLine(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once("data", () => {
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      resolve(elapsed);
    });
    child.once("exit", (code) => reject(new Error(`${command} ended (exit ${code}) before printing its port: ${stderr}`)));
    child.once("error", reject);
  });
}

function timedNode(installation: Installation, cwd: string, script: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(join(installation.nodeBin, "node"), ["-e", script], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`node -e ${script} failed in ${cwd}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** The first call the engine makes of our provider in `pulumi up`: a check. */
const FIRST_CALL = 'require("pulumi-tuntap/providers/tapInterface").check({}, { name: "bt0", managedBy: "bench/bench/bt0" })';

export interface PluginStartFigures {
  nodeStartMs: number;
  dynamicHostStartMs: number;
  commandPluginStartMs: number;
  /** Our provider's first call (the load of its implementation), Node's start subtracted. */
  implementationLoadMs: number;
}

export async function measurePluginStart(installation: Installation, ours: BenchProject, command: BenchProject, rounds: number): Promise<PluginStartFigures> {
  const samples: Record<keyof PluginStartFigures, number[]> = { nodeStartMs: [], dynamicHostStartMs: [], commandPluginStartMs: [], implementationLoadMs: [] };
  const env = stackEnvironment(installation, ours.backend);
  const commandPlugin = join(installation.home, "plugins", `resource-command-v${installation.commandPluginVersion}`, "pulumi-resource-command");
  // Any address will do: neither plugin calls the engine before it is called.
  const engine = "127.0.0.1:1";
  for (let round = 0; round < rounds; round++) {
    const nodeStart = timedNode(installation, ours.directory, "");
    samples.nodeStartMs.push(nodeStart);
    samples.implementationLoadMs.push(timedNode(installation, ours.directory, FIRST_CALL) - nodeStart);
    samples.dynamicHostStartMs.push(await untilFirstLine(join(installation.pulumiBin, "pulumi-resource-pulumi-nodejs"), [engine], ours.directory, env));
    samples.commandPluginStartMs.push(await untilFirstLine(commandPlugin, [engine], command.directory, env));
  }
  return {
    nodeStartMs: median(samples.nodeStartMs),
    dynamicHostStartMs: median(samples.dynamicHostStartMs),
    commandPluginStartMs: median(samples.commandPluginStartMs),
    implementationLoadMs: median(samples.implementationLoadMs),
  };
}

export function printPluginStart(figures: PluginStartFigures, rounds: number): void {
  console.log(`Provider start on its own (medians of ${rounds}; launch to gRPC port, as the engine waits for it):`);
  console.log(`  dynamic-provider host (Node's start, @pulumi/pulumi's host): ${formatMilliseconds(figures.dynamicHostStartMs)}`);
  console.log(`  pulumi-resource-command (Go): ${formatMilliseconds(figures.commandPluginStartMs)}`);
  console.log(`  Node's own start (node -e ""): ${formatMilliseconds(figures.nodeStartMs)}`);
  console.log(`  pulumi-tuntap's first call (a check, which loads the implementation): ${formatMilliseconds(figures.implementationLoadMs)}`);
}
