// Baseline A: one `ip` process per step — what a @pulumi/command local.Command per device executes. Run one
// at a time it is the shell script people write ("one by one"); at the engine's default concurrency it is
// what the engine does with one local.Command per device. The steps of one device always run in order.
import { spawn } from "node:child_process";
import type { BenchDevice, BenchMethod, Phase } from "../workload";
import { ipCommands } from "./ipCommands";

function runIp(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ip ${args.join(" ")}: ${stderr.trim()}`))));
  });
}

export function ipPerStepMethod(concurrency: number): BenchMethod {
  return {
    key: concurrency === 1 ? "ipPerStep" : "ipPerStepParallel",
    label: concurrency === 1 ? "baseline A: one ip process per step, one by one" : `baseline A∥: one ip process per step, ${concurrency} at a time`,
    async run(phase: Phase, devices: readonly BenchDevice[]) {
      let next = 0;
      const worker = async () => {
        while (next < devices.length) {
          const device = devices[next++];
          if (device === undefined) return;
          for (const args of ipCommands(phase, device)) await runIp(args);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, devices.length) }, worker));
    },
  };
}
